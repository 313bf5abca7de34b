"""Turn a computed :class:`~app.dashboard.stats.Dashboard` into what the pages show: translated
chart texts and numbers formatted for the current language (request context needed)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask_babel import get_locale
from flask_babel import gettext as _
from markupsafe import Markup

from app.dashboard import charts, formatting
from app.dashboard.stats import Dashboard, Timed


def locale() -> str:
    found = get_locale()
    return str(found) if found else "vi"


def num(value: int | float) -> str:
    return str(formatting.number(value, locale()))


def pct(share: float | None) -> str:
    return formatting.percent(share, locale())


def timeliness_labels() -> dict[str, str]:
    return {"early": _("Trước hạn"), "on_time": _("Đúng hạn"), "overdue": _("Quá hạn")}


def status_label(status: str) -> str:
    labels: dict[str, str] = {
        "received": _("Mới tiếp nhận"), "processing": _("Đang giải quyết"),
        "waiting_supplement": _("Chờ bổ sung"), "result_ready": _("Có kết quả"),
        "returned": _("Đã trả kết quả"), "refused": _("Từ chối"), "withdrawn": _("Rút hồ sơ"),
    }
    return labels.get(status, status)


@dataclass(frozen=True)
class Charts:
    per_day: Markup
    timeliness: Markup
    satisfaction: Markup


def _per_day(board: Dashboard) -> Markup:
    labels = [d.day.strftime("%d/%m") for d in board.per_day]
    received = charts.Series(_("Tiếp nhận"), "bar-received",
                             tuple(float(d.received) for d in board.per_day),
                             tuple(f"{lab}: {num(d.received)} " + _("tiếp nhận")
                                   for lab, d in zip(labels, board.per_day, strict=True)))
    finished = charts.Series(_("Có kết quả"), "bar-finished",
                             tuple(float(d.finished) for d in board.per_day),
                             tuple(f"{lab}: {num(d.finished)} " + _("có kết quả")
                                   for lab, d in zip(labels, board.per_day, strict=True)))
    t = board.totals
    desc = _("Từ %(start)s đến %(end)s: %(r)s hồ sơ tiếp nhận, %(f)s hồ sơ có kết quả. "
             "Số liệu từng ngày ở bảng bên dưới.",
             start=board.period.start.strftime("%d/%m/%Y"),
             end=board.period.end.strftime("%d/%m/%Y"), r=num(t.received), f=num(t.finished))
    svg = charts.bar_chart("chart-per-day", _("Hồ sơ tiếp nhận và có kết quả theo ngày"), desc,
                           labels, [received, finished])
    return Markup(svg)  # noqa: S704 - charts.py escapes every text it draws


def timeliness_segments(timed: Timed) -> list[charts.Segment]:
    labels = timeliness_labels()
    return [charts.Segment(labels[k], f"seg-{k.replace('_', '-')}", getattr(timed, k),
                           f"{labels[k]}: {num(getattr(timed, k))} ({pct(timed.share(k))})")
            for k in ("early", "on_time", "overdue")]


def _timeliness(board: Dashboard) -> Markup:
    timed = board.totals.timed
    segments = timeliness_segments(timed)
    desc = (_("%(n)s hồ sơ có kết quả trong kỳ", n=num(timed.total)) + ": "
            + "; ".join(s.text for s in segments) + ".")
    svg = charts.stacked_bar("chart-timeliness", _("Tỷ lệ giải quyết đúng hạn"), desc, segments)
    return Markup(svg)  # noqa: S704 - charts.py escapes every text it draws


def _satisfaction(board: Dashboard) -> Markup:
    r = board.ratings
    labels = [f"{b.start.strftime('%d/%m')}–{b.end.strftime('%d/%m')}" if r.weekly
              else b.start.strftime("%m/%Y") for b in r.buckets]
    values = tuple((b.very_share or 0.0) * 100 for b in r.buckets)
    texts = tuple(f"{lab}: {pct(b.very_share)} ({num(b.very_satisfied)}/{num(b.total)})"
                  for lab, b in zip(labels, r.buckets, strict=True))
    series = charts.Series(_("Rất hài lòng"), "bar-very", values, texts)
    desc = _("Tỷ lệ rất hài lòng cả kỳ: %(share)s (%(very)s trên %(total)s đánh giá).",
             share=pct(r.very_share), very=num(r.very_satisfied), total=num(r.total))
    svg = charts.bar_chart("chart-satisfaction", _("Mức độ rất hài lòng theo thời gian"), desc,
                           labels, [series], percent_axis=True)
    return Markup(svg)  # noqa: S704 - charts.py escapes every text it draws


def build_charts(board: Dashboard) -> Charts:
    return Charts(_per_day(board), _timeliness(board), _satisfaction(board))


def template_helpers() -> dict[str, Any]:
    return {"num": num, "pct": pct, "status_label": status_label,
            "timeliness_labels": timeliness_labels()}
