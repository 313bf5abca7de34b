"""Handlers of the supervisor dashboard: the figures page, exports and the monthly report.

Views stay thin: read the filter form, call :func:`app.dashboard.stats.compute`, render. Every
view requires the supervisor role; exports are audit-logged as ``export``. URL rules:
``blueprint.py``.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from flask import Response, abort, render_template, request
from sqlalchemy import select

from app.admin.agency import get_agency
from app.audit.operations import record
from app.dashboard.forms import FilterForm, ReportForm
from app.dashboard.period import Filters, Period
from app.extensions import db
from app.models.staff import Role, Staff
from app.security import requires
from app.web import actor, client_ip

FORMATS = {"csv": "text/csv; charset=utf-8",
           "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}
KINDS = ("figures", "dossiers")


def _now() -> datetime:
    return datetime.now(UTC)


def _filter_form() -> FilterForm:
    from app.desk.operations import list_procedures
    from app.desk.timeliness import ZONE

    agency = get_agency(db.session)
    desks = [(agency.code, agency.desk_name or agency.code)] if agency.code else []
    staff = db.session.execute(select(Staff.username, Staff.full_name)
                               .order_by(Staff.username)).all()
    procedures = list_procedures(db.session, _now().astimezone(ZONE).date())
    return FilterForm(request.args, desks=desks,
                      officers=[(f"staff:{u}", name or u) for u, name in staff],
                      procedures=[(p.code, f"{p.code} – {p.name_vi}"[:90]) for p in procedures])


def _selection(form: FilterForm) -> tuple[Period, Filters]:
    period = Period.month_of(_now())
    if form.validate() and form.start.data and form.end.data:
        period = Period(form.start.data, form.end.data)
    filters = Filters(agency_code=form.agency_code.data or None,
                      officer=form.officer.data or None,
                      procedure_code=form.procedure_code.data or None)
    return period, filters


def _compute(period: Period, filters: Filters) -> Any:
    from app.dashboard.stats import compute
    from app.desk.operations import load_calendar

    return compute(db.session, period, filters, now=_now(), calendar=load_calendar(db.session))


def _page_context() -> dict[str, Any]:
    from app.dashboard.presenters import template_helpers

    return template_helpers()


@requires(Role.SUPERVISOR)
def index() -> str:
    from app.dashboard.presenters import build_charts

    form = _filter_form()
    period, filters = _selection(form)
    board = _compute(period, filters)
    query = {k: v for k, v in request.args.items() if k in form.data and v}
    db.session.commit()
    return render_template("dashboard/index.html", form=form, board=board,
                           charts=build_charts(board), query=query, **_page_context())


@requires(Role.SUPERVISOR)
def export(kind: str, fmt: str) -> Response:
    from app.dashboard import exports
    from app.dashboard.dossiers import dossier_rows

    if kind not in KINDS or fmt not in FORMATS:
        abort(404)
    period, filters = _selection(_filter_form())
    if kind == "figures":
        tables = exports.figure_tables(_compute(period, filters))
    else:
        tables = [exports.dossier_table(dossier_rows(db.session, period, filters, now=_now()))]
    body = exports.to_csv(tables) if fmt == "csv" else exports.to_xlsx(tables)
    record(db.session, actor=actor(), action="export", target=f"dashboard/{kind}.{fmt}",
           details={"from": period.start.isoformat(), "to": period.end.isoformat(),
                    **filters.as_dict()}, ip=client_ip())
    db.session.commit()
    name = f"thong-ke-{kind}-{period.start:%Y%m%d}-{period.end:%Y%m%d}.{fmt}"
    return Response(body, mimetype=FORMATS[fmt],
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})


@requires(Role.SUPERVISOR)
def report() -> str:
    from app.dashboard.presenters import build_charts
    from app.desk.timeliness import ZONE

    form = ReportForm(request.args)
    month = form.month.data if form.validate() and form.month.data else None
    period = Period.month(month.year, month.month) if month else Period.month_of(_now())
    board = _compute(period, Filters())
    agency = get_agency(db.session)
    db.session.commit()
    return render_template("dashboard/report.html", form=form, board=board, agency=agency,
                           charts=build_charts(board),
                           printed_on=_now().astimezone(ZONE).date(), **_page_context())
