"""Handlers of "Hỗ trợ kích hoạt VNeID": intake, checklist, closing, guide card, figures.

Handlers stay thin: forms in, operations (which flush), one commit, template out. The citizen's
page behind the QR lives on a separate public blueprint with no personal data. URL rules:
``blueprint.py``.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from flask import Response as FlaskResponse
from flask import (
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from sqlalchemy import select
from werkzeug.wrappers import Response

from app.activation import messages, operations
from app.activation.forms import CloseForm, IntakeForm, PeriodForm, StepForm, parse_dmy
from app.activation.operations import Inspection, Intake
from app.activation.presenters import checklist_view, inspection_view, public_view, qr_data_uri
from app.activation.stats import activation_figures, cases_csv, figures_csv
from app.admin.agency import get_agency, public_base_url
from app.audit.operations import record
from app.crypto import FieldCipher
from app.errors import AppError
from app.extensions import db, limiter
from app.i18n import LOCAL_ZONE
from app.models.activation import ActivationCase
from app.models.staff import Role
from app.security import current_staff, requires
from app.web import actor, client_ip
from identity.eligibility import CardType, Citizenship, Guardian
from identity.guide import StepStatus, guide_at
from identity.personal_id import Sex


def _now() -> datetime:
    return datetime.now(UTC)


def _today() -> date:
    return _now().astimezone(LOCAL_ZONE).date()


def _cipher() -> FieldCipher:
    from app import cipher

    return cipher(current_app)


def _intake(form: IntakeForm) -> Intake:
    try:
        dob = parse_dmy(form.dob.data) if form.dob.data else None
    except ValueError:
        dob = None  # the field shows its own error; the number is still inspected
    sex: Sex | None = "M" if form.sex.data == "M" else "F" if form.sex.data == "F" else None
    return Intake(
        number=form.number.data or "",
        dob=dob,
        sex=sex,
        card=CardType(form.card.data),
        citizenship=Citizenship(form.citizenship.data),
        guardian=Guardian(form.guardian.data),
        phone=form.phone.data or "",
    )


def index() -> str | Response:
    """Type the card's facts, see at once what the number says, then start the checklist."""
    form = IntakeForm()
    view = None
    repeats: list[ActivationCase] = []
    if form.validate_on_submit():
        intake = _intake(form)
        inspection = operations.inspect_intake(intake, _today())
        view = inspection_view(inspection)
        repeats = list(operations.previous_visits(db.session, _cipher(), inspection.id))
        if request.form.get("action") == "start":
            started = _start_case(form, intake, inspection)
            if started is not None:
                return started
    elif request.method == "POST" and form.number.data:
        # Partial input (e.g. no date of birth yet): still show what the number says.
        view = inspection_view(_inspect_partial(form))
    return render_template(
        "activation/index.html",
        form=form,
        view=view,
        repeats=repeats,
        messages=messages,
        failure_text=lambda code: messages.failure_text(code, guide_at(_today())),
    )


def _start_case(form: IntakeForm, intake: Intake, inspection: Inspection) -> Response | None:
    """Open the case and go to its checklist; on refusal add the reason to the form."""
    staff = current_staff()
    if staff is None:  # pragma: no cover - guarded by default-deny
        abort(403)
    if not inspection.usable:
        form.form_errors.append(messages.say(messages.ERRORS, "id_not_usable"))
        return None
    try:
        case = operations.open_case(
            db.session,
            _cipher(),
            intake=intake,
            level=int(form.level.data or 1),
            officer=staff,
            now=_now(),
            today=_today(),
            ip=client_ip(),
        )
    except AppError as exc:
        db.session.rollback()
        form.form_errors.append(messages.say(messages.ERRORS, exc.code))
        return None
    db.session.commit()
    return redirect(url_for("activation.case", case_id=case.id))


def _inspect_partial(form: IntakeForm) -> Inspection:
    return operations.inspect_intake(_intake(form), _today())


def check() -> str:
    """The same inspection as an HTML fragment, for the live check while typing."""
    form = IntakeForm()
    form.validate()
    view = inspection_view(_inspect_partial(form)) if form.number.data else None
    return render_template("activation/_inspection.html", view=view, messages=messages)


def cases() -> str:
    """Recent cases (masked IDs): an officer sees theirs, a supervisor everyone's."""
    staff = current_staff()
    query = select(ActivationCase).order_by(ActivationCase.started_at.desc()).limit(100)
    if staff is not None and not staff.has_role(Role.SUPERVISOR):
        query = query.where(ActivationCase.officer_id == staff.id)
    rows = db.session.scalars(query).all()
    return render_template("activation/cases.html", cases=rows, messages=messages)


def case(case_id: int) -> str:
    found = operations.get_case(db.session, case_id)
    return render_template(
        "activation/case.html",
        case=found,
        view=checklist_view(found),
        step_form=StepForm(),
        close_form=CloseForm(),
        messages=messages,
    )


def step(case_id: int, step_id: str) -> Response:
    form = StepForm()
    found = operations.get_case(db.session, case_id)
    if not form.validate_on_submit():
        flash(_("Chọn trạng thái cho bước."), "error")
        return redirect(url_for("activation.case", case_id=case_id, _anchor=f"step-{step_id}"))
    try:
        summary = operations.record_step(
            db.session,
            found,
            step_id=step_id,
            status=StepStatus(form.status.data),
            reason=form.reason.data or None,
            note=form.note.data,
            actor=actor(),
            ip=client_ip(),
        )
    except AppError as exc:
        db.session.rollback()
        flash(messages.say(messages.ERRORS, exc.code), "error")
        return redirect(url_for("activation.case", case_id=case_id, _anchor=f"step-{step_id}"))
    db.session.commit()
    anchor = f"step-{summary.next_step}" if summary.next_step else "close"
    return redirect(url_for("activation.case", case_id=case_id, _anchor=anchor))


def close(case_id: int) -> Response:
    form = CloseForm()
    found = operations.get_case(db.session, case_id)
    if not form.validate_on_submit():
        flash(_("Chọn kết quả."), "error")
        return redirect(url_for("activation.case", case_id=case_id, _anchor="close"))
    try:
        operations.close_case(
            db.session,
            found,
            outcome=form.outcome.data or "",
            referral=form.referral.data or "",
            notes=form.notes.data,
            now=_now(),
            actor=actor(),
            ip=client_ip(),
        )
    except AppError as exc:
        db.session.rollback()
        flash(messages.say(messages.ERRORS, exc.code), "error")
        return redirect(url_for("activation.case", case_id=case_id, _anchor="close"))
    db.session.commit()
    flash(_("Đã ghi nhận kết quả. In hoặc cho công dân quét phiếu hướng dẫn."), "success")
    return redirect(url_for("activation.card", case_id=case_id))


def card(case_id: int) -> str:
    """The printable guide card with a QR to the citizen's public page."""
    found = operations.get_case(db.session, case_id)
    base = public_base_url(db.session, current_app.config["PUBLIC_BASE_URL"])
    url = base + url_for("activation_public.guide", key=found.public_key)
    return render_template(
        "activation/card.html",
        case=found,
        view=public_view(found),
        url=url,
        qr=qr_data_uri(url),
        agency=get_agency(db.session),
        messages=messages,
    )


@requires(Role.SUPERVISOR)
def figures() -> str:
    form, start, end = _period()
    data = activation_figures(db.session, start, end)
    guide = guide_at(end)
    return render_template(
        "activation/figures.html",
        form=form,
        figures=data,
        messages=messages,
        start=start,
        end=end,
        failure_text=lambda code: messages.failure_text(code, guide),
    )


@requires(Role.SUPERVISOR)
def figures_export() -> Response:
    _form, start, end = _period()
    body = figures_csv(activation_figures(db.session, start, end))
    return _csv(body, f"vneid-so-lieu-{start.isoformat()}-{end.isoformat()}.csv")


@requires(Role.SUPERVISOR)
def cases_export() -> Response:
    _form, start, end = _period()
    return _csv(
        cases_csv(db.session, start, end),
        f"vneid-luot-ho-tro-{start.isoformat()}-{end.isoformat()}.csv",
    )


def _period() -> tuple[PeriodForm, date, date]:
    form = PeriodForm(request.args)
    end = _today()
    start = end - timedelta(days=29)
    if form.validate():
        if form.start.data:
            start = parse_dmy(form.start.data)
        if form.end.data:
            end = parse_dmy(form.end.data)
    if end < start or (end - start).days > 366:
        start, end = end - timedelta(days=29), end
    return form, start, end


def _csv(body: str, filename: str) -> Response:
    record(db.session, actor=actor(), action="activation.export", target=filename, ip=client_ip())
    db.session.commit()
    response = FlaskResponse("\ufeff" + body, mimetype="text/csv")
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@limiter.limit("60 per minute")
def guide(key: str) -> str:
    """The citizen's page behind the QR: remaining steps, level-2 place, hotline.

    No personal data is shown; the key is long and random, and the route is rate limited."""
    found = operations.case_by_public_key(db.session, key)
    return render_template("activation/public.html", view=public_view(found), messages=messages)
