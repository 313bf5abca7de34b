"""Handlers of the desk: intake, dossiers, receipts, workflow, catalogue and calendar.

The URL rules are in ``blueprint.py``; this module is imported by the first desk request.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from flask import (
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from sqlalchemy import or_, select
from werkzeug.wrappers import Response as BaseResponse
from wtforms.validators import ValidationError

from app.admin.agency import get_agency, public_base_url
from app.desk import operations as ops
from app.desk.calendar import WorkCalendar
from app.desk.forms import (
    ActionForm,
    ApologyForm,
    AttachForm,
    CalendarDayForm,
    IntakeForm,
    ProcedureVersionForm,
    StatusForm,
    chosen_files,
    status_labels,
)
from app.desk.timeliness import ZONE
from app.desk.workflow import TRANSITIONS, Status, TransitionError
from app.errors import AppError, NotFound
from app.extensions import db
from app.models.desk_calendar import CalendarDay
from app.models.dossier import Dossier
from app.models.staff import Role
from app.security import current_staff, requires
from app.web import actor, client_ip


# ----- helpers -------------------------------------------------------------------------------
def _now() -> datetime:
    return datetime.now(UTC)


def _base_url() -> str:
    return public_base_url(db.session, current_app.config["PUBLIC_BASE_URL"])


def _calendar() -> WorkCalendar:
    from app.desk.settings import calendar_config

    return ops.load_calendar(db.session, calendar_config(current_app.config))


def _intake_context() -> ops.DeskContext:
    """The intake reads the declared days off itself (see `DeskContext.calendar`)."""
    from app.desk.settings import calendar_config

    agency = get_agency(db.session)
    return ops.DeskContext(agency.code, _base_url(), calendar_config(current_app.config))


def _dossier(code: str) -> Dossier:
    found = db.session.scalars(select(Dossier).where(Dossier.code == code)).first()
    if found is None:
        raise NotFound(_("Không tìm thấy hồ sơ."))
    return found


def _procedure_row(code: str) -> ops.ProcedureRow:
    today = _now().astimezone(ZONE).date()
    for row in ops.list_procedures(db.session, today):
        if row.code == code:
            return row
    raise NotFound(_("Không tìm thấy thủ tục."))


def _officer_name() -> str:
    staff = current_staff()
    return (staff.full_name or staff.username) if staff else ""


def _uploads(files: list[Any]) -> list[Any]:
    from app.desk.attachments import Upload, safe_name

    return [Upload(safe_name(f.filename or ""), bytes(f.stream.read())) for f in files]


def _max_upload_bytes() -> int:
    return int(current_app.config["MAX_UPLOAD_MB"]) * 1024 * 1024


_TONE_BADGES = {"green": "badge-ok", "amber": "badge-warn", "red": "badge-bad"}


def _intake_data(form: IntakeForm, row: ops.ProcedureRow) -> ops.IntakeData:
    items = form.received_items(request.form, list(row.documents))
    return ops.IntakeData(
        procedure_code=row.code,
        applicant_name=form.applicant_name.data or "",
        applicant_phone=form.applicant_phone.data or "",
        applicant_email=(form.applicant_email.data or "").strip(),
        applicant_address=form.applicant_address.data or "",
        personal_id=form.personal_id.data or "",
        documents=items,
        sets=form.sets.data or 1,
        collect_method=form.collect_method.data or "desk",
        collect_address=form.collect_address.data or "",
        fee_vnd=form.fee_vnd.data,
        idempotency_key=form.idempotency_key.data or "",
    )


# ----- intake --------------------------------------------------------------------------------
def index() -> str:
    query = request.args.get("q", "").strip()
    statement = select(Dossier).order_by(Dossier.id.desc()).limit(100)
    if query:
        statement = statement.where(
            or_(Dossier.code.contains(query), Dossier.applicant_name.contains(query))
        )
    else:
        statement = statement.where(Dossier.status.notin_(["returned", "refused", "withdrawn"]))
    dossiers = db.session.scalars(statement).all()
    now = _now()
    return render_template(
        "desk/index.html",
        dossiers=dossiers,
        query=query,
        labels=status_labels(),
        timeliness={d.id: ops.dossier_timeliness(d, now).value for d in dossiers},
    )


def choose_procedure() -> str:
    today = _now().astimezone(ZONE).date()
    return render_template("desk/choose.html", procedures=ops.list_procedures(db.session, today))


def intake(code: str) -> str | BaseResponse:
    row = _procedure_row(code)
    form = IntakeForm()
    if request.method == "GET":
        form.idempotency_key.data = ops.new_idempotency_key()
        form.fee_vnd.data = row.fee_vnd
    checklist_error = ""
    if form.validate_on_submit():
        try:
            data = _intake_data(form, row)
        except ValidationError as exc:
            checklist_error = str(exc)
        else:
            from app.desk.attachments import verify_uploads

            # Verified BEFORE the intake transaction (slow, in the worker pool); stored inside.
            # A repeated submit of an already received form verifies nothing again.
            repeated = ops.find_by_idempotency_key(db.session, data.idempotency_key) is not None
            files = [] if repeated else _uploads(chosen_files(form.attachments))
            verified = verify_uploads(files, session=db.session)
            if verified:
                # End the read snapshot held while verifying (seconds): on SQLite WAL a write
                # after another connection's commit would fail with BUSY_SNAPSHOT.
                db.session.rollback()
            result = _receive(data, verified)
            if result is not None:
                if result.created:
                    flash(_("Đã tiếp nhận hồ sơ %(code)s.", code=result.dossier.code), "success")
                    _flash_verdicts([v.report for v in verified])
                else:
                    flash(_("Hồ sơ này đã được tiếp nhận trước đó (gửi lại biểu mẫu)."), "info")
                return redirect(url_for("desk.dossier", code=result.dossier.code))
            form.form_errors.append(_("Không tiếp nhận được hồ sơ, vui lòng thử lại."))
    ticked = {
        i
        for i in range(len(row.documents))
        if (request.method == "GET" and row.documents[i].get("required", True))
        or request.form.get(f"doc_{i}") == "on"
    }
    from app.desk.attachments import MAX_FILES

    return render_template(
        "desk/intake.html",
        form=form,
        procedure=row,
        ticked=ticked,
        checklist_error=checklist_error,
        max_files=MAX_FILES,
    )


def _flash_verdicts(reports: list[Any]) -> None:
    from app.desk.attachments import masked_filename, reason_code

    for report in reports:
        sub = None if report.sub_indication is None else str(report.sub_indication)
        _flash_problem(
            masked_filename(report.file), str(report.indication), sub, reason_code(report)
        )


def _flash_problem(name: str, indication: str, sub: str | None, reason: str | None) -> None:
    """A flash line for an attached document that is not green: intake went on, but say so."""
    from app.verify.messages import verdict

    view = verdict(indication, sub, reason)
    if view.tone == "green":
        return
    flash(
        _(
            "Tài liệu đính kèm “%(name)s”: %(label)s. %(reason)s",
            name=name,
            label=view.label,
            reason=view.sentence,
        ),
        "error" if view.tone == "red" else "warning",
    )


def _receive(data: ops.IntakeData, verified: list[Any] | None = None) -> ops.IntakeResult | None:
    from app import cipher, keyring
    from app.desk.attachments import store_documents
    from app.desk.intake_tx import commit_intake

    ctx = _intake_context()
    key = keyring(current_app).active()
    session = db.session
    who = actor()
    ip = client_ip()

    def action() -> ops.IntakeResult:
        now = _now()
        result = ops.receive_dossier(
            session, ctx, data, key=key, cipher=cipher(current_app), actor=who, now=now
        )
        if result.created and verified:
            store_documents(session, result.dossier, verified, actor=who, ip=ip, now=now)
        return result

    try:
        return commit_intake(session, action, data.idempotency_key)
    except AppError:
        session.rollback()
        return None


# ----- one dossier ---------------------------------------------------------------------------
def dossier(code: str) -> str:
    found = _dossier(code)
    current = Status(found.status)
    form = StatusForm()
    labels = status_labels()
    form.target.choices = [
        (s.value, str(labels[s.value])) for s in Status if s in TRANSITIONS[current]
    ]
    now = _now()
    return render_template(
        "desk/dossier.html",
        dossier=found,
        labels=labels,
        status_form=form,
        apology_form=ApologyForm(),
        action_form=ActionForm(),
        attach_form=AttachForm(formdata=None),
        attached=_attached_views(found),
        timeliness=ops.dossier_timeliness(found, now).value,
        lookup_url=ops.lookup_url(found, _base_url()),
    )


def _attached_views(found: Dossier) -> list[tuple[Any, Any, str]]:
    """(document, verdict, badge class) for each attached document."""
    from app.desk.attachments import documents_of
    from app.verify.messages import verdict

    views = []
    for doc in documents_of(db.session, found):
        view = verdict(doc.indication, doc.sub_indication, doc.reason_code)
        views.append((doc, view, _TONE_BADGES.get(view.tone, "badge-warn")))
    return views


def _document(found: Dossier, doc_id: int) -> Any:
    from app.models.verification import DossierDocument

    doc = db.session.get(DossierDocument, doc_id)
    if doc is None or doc.dossier_id != found.id:
        raise NotFound(_("Không tìm thấy tài liệu đính kèm."))
    return doc


def attach(code: str) -> BaseResponse:
    """Attach signed documents later (any signed-in staff member); verified, then kept."""
    from app.desk.attachments import check_limits, store_documents, verify_uploads

    _dossier(code)  # 404 before reading the upload
    form = AttachForm()
    if not form.validate_on_submit():
        for error in form.attachments.errors:
            flash(str(error), "error")
        if form.csrf_token.errors:
            abort(400)
        return redirect(url_for("desk.dossier", code=code, _anchor="attached"))
    files = _uploads(chosen_files(form.attachments))
    try:
        check_limits(files, _max_upload_bytes())
    except AppError:
        flash(_("Không đính kèm được tài liệu: tệp vượt quá giới hạn cho phép."), "error")
        return redirect(url_for("desk.dossier", code=code, _anchor="attached"))
    # attach_documents() in two steps, so that no read snapshot is held while verifying.
    verified = verify_uploads(files, session=db.session)
    db.session.rollback()
    rows = store_documents(
        db.session, _dossier(code), verified, actor=actor(), ip=client_ip(), now=_now()
    )
    db.session.commit()
    flash(_("Đã kiểm tra và đính kèm %(n)s tài liệu.", n=len(rows)), "success")
    for doc in rows:
        _flash_problem(doc.filename, doc.indication, doc.sub_indication, doc.reason_code)
    return redirect(url_for("desk.dossier", code=code, _anchor="attached"))


def document_report(code: str, doc_id: int) -> Response:
    """The stored verification report (CLI/API JSON, personal numbers masked)."""
    import json

    doc = _document(_dossier(code), doc_id)
    response = Response(
        json.dumps(doc.report, ensure_ascii=False, indent=2), mimetype="application/json"
    )
    response.headers["Content-Disposition"] = (
        f'inline; filename="{code}-tai-lieu-{doc.id}.json"'
    )
    return response


def document_file(code: str, doc_id: int) -> Response:
    """The attached file as received (download only; audit-logged: it may hold personal data)."""
    from app.audit.operations import record

    found = _dossier(code)
    doc = _document(found, doc_id)
    content = doc.content  # deferred column: load it inside this transaction
    record(
        db.session,
        actor=actor(),
        action="dossier.document_download",
        target=found.code,
        details={"document": doc.id, "sha256": doc.sha256},
        ip=client_ip(),
    )
    db.session.commit()
    response = Response(content, mimetype=doc.content_type)
    ascii_name = "".join(c if c.isascii() and (c.isalnum() or c in "._-") else "_"
                         for c in doc.filename) or "tai-lieu"
    from urllib.parse import quote

    response.headers["Content-Disposition"] = (
        f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(doc.filename)}"
    )
    return response


def change_status(code: str) -> BaseResponse:
    found = _dossier(code)
    form = StatusForm()
    form.target.choices = [(s.value, s.value) for s in Status]
    if not form.validate_on_submit():
        abort(400)
    try:
        ops.change_status(
            db.session,
            found,
            Status(form.target.data),
            calendar=_calendar(),
            actor=actor(),
            now=_now(),
            note=form.note.data or "",
            handed_to=form.handed_to.data or "",
        )
    except TransitionError as exc:
        db.session.rollback()
        if exc.code == "note_required":
            flash(_("Cần ghi lý do cho yêu cầu bổ sung, từ chối hoặc rút hồ sơ."), "error")
        else:
            flash(_("Không thể chuyển hồ sơ sang trạng thái này."), "error")
        return redirect(url_for("desk.dossier", code=code))
    db.session.commit()
    flash(_("Đã cập nhật trạng thái hồ sơ."), "success")
    return redirect(url_for("desk.dossier", code=code))


def apology(code: str) -> BaseResponse:
    found = _dossier(code)
    form = ApologyForm()
    if not form.validate_on_submit() or form.new_due_date.data is None:
        flash(_("Vui lòng nêu lý do và chọn ngày hẹn trả mới."), "error")
        return redirect(url_for("desk.dossier", code=code))
    calendar = _calendar()
    day = form.new_due_date.data
    if not calendar.is_working_day(day):
        flash(_("Ngày hẹn trả mới phải là ngày làm việc."), "error")
        return redirect(url_for("desk.dossier", code=code))
    try:
        letter = ops.add_apology(
            db.session,
            found,
            reason=form.reason.data or "",
            new_due_at=calendar.end_of_office_day(day),
            actor=actor(),
            now=_now(),
        )
    except AppError as exc:
        db.session.rollback()
        message = (
            _("Hồ sơ chưa quá hạn: không cần thư xin lỗi.")
            if exc.code == "not_overdue"
            else _("Ngày hẹn mới phải sau hôm nay.")
        )
        flash(message, "error")
        return redirect(url_for("desk.dossier", code=code))
    db.session.commit()
    return redirect(url_for("desk.apology_letter", code=code, letter_id=letter.id))


def apology_letter(code: str, letter_id: int) -> str:
    found = _dossier(code)
    letter = next((a for a in found.apologies if a.id == letter_id), None)
    if letter is None:
        raise NotFound(_("Không tìm thấy thư xin lỗi."))
    return render_template(
        "desk/apology.html", dossier=found, letter=letter, agency=get_agency(db.session)
    )


def control_sheet(code: str) -> str:
    found = _dossier(code)
    return render_template(
        "desk/control_sheet.html",
        dossier=found,
        labels=status_labels(),
        agency=get_agency(db.session),
        timeliness=ops.dossier_timeliness(found, _now()).value,
    )


def reissue(code: str) -> BaseResponse:
    from app import keyring

    found = _dossier(code)
    if not ActionForm().validate_on_submit():
        abort(400)
    ops.reissue_receipt(
        db.session,
        found,
        key=keyring(current_app).active(),
        base_url=_base_url(),
        actor=actor(),
        reason="reissued",
        now=_now(),
    )
    db.session.commit()
    flash(_("Đã cấp lại giấy tiếp nhận; mã QR cũ không còn giá trị."), "success")
    return redirect(url_for("desk.receipt", code=code))


# ----- receipts ------------------------------------------------------------------------------
def _size() -> str:
    return "A5" if request.args.get("size", "").upper() == "A5" else "A4"


def receipt(code: str) -> str:
    from app.desk.receipts import collect_text, qr_data_uri

    found = _dossier(code)
    agency = get_agency(db.session)
    qr_uri, version = qr_data_uri(found, _base_url())
    return render_template(
        "desk/receipt.html",
        dossier=found,
        agency=agency,
        qr_uri=qr_uri,
        qr_version=version,
        size=_size(),
        collect=collect_text(found, agency),
        officer=_officer_name(),
        copies=(_("Liên 1: Lưu"), _("Liên 2: Giao người nộp")),
    )


def receipt_pdf(code: str) -> Response:
    from app.desk.receipt_pdf import PageSize
    from app.desk.receipts import receipt_pdf as build

    found = _dossier(code)
    size: PageSize = "A5" if _size() == "A5" else "A4"
    pdf = build(found, get_agency(db.session), _base_url(), size, _officer_name())
    response = Response(pdf, mimetype="application/pdf")
    response.headers["Content-Disposition"] = f'inline; filename="{found.code}.pdf"'
    response.headers["Cache-Control"] = "no-store"
    return response


# ----- catalogue -----------------------------------------------------------------------------
def procedures() -> str:
    today = _now().astimezone(ZONE).date()
    return render_template(
        "desk/procedures.html", procedures=ops.list_procedures(db.session, today)
    )


@requires(Role.ADMIN)
def edit_procedure(code: str) -> str | BaseResponse:
    row = _procedure_row(code)
    form = ProcedureVersionForm()
    if request.method == "GET":
        form.name_vi.data, form.name_en.data = row.name_vi, row.name_en
        form.processing_days.data, form.processing_hours.data = (
            row.processing_days,
            row.processing_hours,
        )
        form.fee_vnd.data = row.fee_vnd
        form.documents.data = "\n".join(str(d["name_vi"]) for d in row.documents)
    if form.validate_on_submit() and form.effective_from.data is not None:
        old = {str(d["name_vi"]): d for d in row.documents}
        documents: list[dict[str, Any]] = [
            old.get(
                line.strip(),
                {"name_vi": line.strip(), "name_en": "", "original": True, "required": True},
            )
            for line in (form.documents.data or "").splitlines()
            if line.strip()
        ]
        try:
            ops.add_procedure_version(
                db.session,
                code,
                effective_from=form.effective_from.data,
                name_vi=form.name_vi.data or "",
                name_en=form.name_en.data or "",
                processing_days=form.processing_days.data,
                processing_hours=form.processing_hours.data,
                fee_vnd=form.fee_vnd.data or 0,
                documents=documents,
                actor=actor(),
                today=_now().astimezone(ZONE).date(),
            )
        except AppError as exc:
            db.session.rollback()
            form.form_errors.append(
                _("Ngày áp dụng không được ở quá khứ.")
                if exc.field == "effective_from"
                else _("Dữ liệu thủ tục không hợp lệ.")
            )
        else:
            db.session.commit()
            flash(
                _("Đã lưu phiên bản mới của thủ tục; hồ sơ đã tiếp nhận không thay đổi."), "success"
            )
            return redirect(url_for("desk.procedures"))
    return render_template("desk/procedure_edit.html", form=form, procedure=row)


@requires(Role.ADMIN)
def calendar() -> str | BaseResponse:
    form = CalendarDayForm()
    if form.validate_on_submit() and form.day.data is not None:
        existing = db.session.get(CalendarDay, form.day.data)
        if existing is None:
            existing = CalendarDay(day=form.day.data)
            db.session.add(existing)
        existing.kind, existing.note = form.kind.data or "off", form.note.data or ""
        existing.created_by = actor()
        from app.audit.operations import record

        record(
            db.session,
            actor=actor(),
            action="calendar.day",
            target=form.day.data.isoformat(),
            details={"kind": existing.kind},
            ip=client_ip(),
        )
        db.session.commit()
        flash(_("Đã lưu ngày %(day)s.", day=form.day.data.strftime("%d/%m/%Y")), "success")
        return redirect(url_for("desk.calendar"))
    today = _now().astimezone(ZONE).date()
    days = db.session.scalars(
        select(CalendarDay)
        .where(CalendarDay.day >= date(today.year, 1, 1))
        .order_by(CalendarDay.day)
    ).all()
    cal = _calendar()
    upcoming = [today.fromordinal(today.toordinal() + i) for i in range(0, 60)]
    holidays = [d for d in upcoming if not cal.is_working_day(d) and d.weekday() < 5]
    return render_template("desk/calendar.html", form=form, days=days, holidays=holidays)
