"""CSV and XLSX of the figures and of the dossier list (request context: headings translated).

Everything is first laid out as :class:`Table` s; CSV writes them one after another (UTF-8 with
a BOM so that Excel opens Vietnamese text correctly), XLSX writes one sheet per table with real
numbers, percentages and dates. openpyxl is imported only when an XLSX is asked for.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from flask_babel import gettext as _

from app.dashboard.dossiers import DossierRow
from app.dashboard.presenters import num, pct, status_label, timeliness_labels
from app.dashboard.stats import Counts, Dashboard, officer_label
from app.desk.timeliness import ZONE


@dataclass(frozen=True)
class Share:
    """A 0..1 share: a percentage cell."""

    value: float | None


Cell = str | int | float | date | datetime | Share | None


@dataclass(frozen=True)
class Table:
    title: str
    headers: tuple[str, ...]
    rows: Iterable[Sequence[Cell]]


def _counts_cells(c: Counts) -> list[Cell]:
    t = c.timed
    return [c.received, c.finished, t.early, t.on_time, t.overdue, Share(t.share("in_time")),
            c.returned, c.refused, c.withdrawn]


def _counts_headers() -> tuple[str, ...]:
    return (_("Tiếp nhận"), _("Có kết quả"), _("Trước hạn"), _("Đúng hạn"), _("Quá hạn"),
            _("Tỷ lệ trước và đúng hạn"), _("Đã trả kết quả"), _("Từ chối"), _("Rút hồ sơ"))


def _summary(board: Dashboard) -> Table:
    t, a, r = board.totals, board.actionable, board.ratings
    labels = timeliness_labels()
    rows: list[Sequence[Cell]] = [
        (_("Từ ngày"), board.period.start, None), (_("Đến ngày"), board.period.end, None),
        (_("Hồ sơ tiếp nhận"), t.received, None),
        (_("Hồ sơ có kết quả"), t.finished, None),
        *[(labels[k], getattr(t.timed, k), Share(t.timed.share(k)))
          for k in ("early", "on_time", "overdue")],
        (_("Đã trả kết quả"), t.returned, None), (_("Từ chối"), t.refused, None),
        (_("Rút hồ sơ"), t.withdrawn, None),
        (_("Đang quá hạn"), a.overdue.count, None), (_("Đến hạn hôm nay"), a.due_today.count, None),
        (_("Đến hạn trong 2 ngày làm việc"), a.due_soon.count, None),
        (_("Chờ bổ sung"), a.waiting_supplement, None),
        (_("Lượt đánh giá"), r.total, None),
        (_("Rất hài lòng"), r.very_satisfied, Share(r.very_share)),
        (_("Hài lòng"), r.satisfied, Share(r.satisfied / r.total if r.total else None)),
        (_("Không hài lòng"), r.not_satisfied,
         Share(r.not_satisfied / r.total if r.total else None)),
    ]
    if board.activation is not None:
        rows.append((_("Lượt hỗ trợ định danh điện tử"), board.activation.cases, None))
        for level in board.activation.by_level:
            rows.append((_("Kích hoạt thành công mức %(n)s", n=level.level), level.successes,
                         Share(level.rate)))
    return Table(_("Tổng hợp"), (_("Chỉ tiêu"), _("Số lượng"), _("Tỷ lệ")), rows)


def figure_tables(board: Dashboard) -> list[Table]:
    return [
        _summary(board),
        Table(_("Theo ngày"), (_("Ngày"), _("Tiếp nhận"), _("Có kết quả")),
              [(d.day, d.received, d.finished) for d in board.per_day]),
        Table(_("Theo thủ tục"), (_("Mã thủ tục"), _("Tên thủ tục"), *_counts_headers()),
              [(g.key, g.label, *_counts_cells(g.counts)) for g in board.per_procedure]),
        Table(_("Theo cán bộ"), (_("Cán bộ tiếp nhận"), *_counts_headers()),
              [(g.label, *_counts_cells(g.counts)) for g in board.per_officer]),
        Table(_("Hài lòng"), (_("Từ ngày"), _("Đến ngày"), _("Lượt đánh giá"),
                              _("Rất hài lòng"), _("Hài lòng"), _("Không hài lòng"),
                              _("Tỷ lệ rất hài lòng")),
              [(b.start, b.end, b.total, b.very_satisfied, b.satisfied, b.not_satisfied,
                Share(b.very_share)) for b in board.ratings.buckets]),
    ]


def dossier_table(rows: Iterable[DossierRow]) -> Table:
    labels = {**timeliness_labels(), "in_progress": _("Đang giải quyết"),
              "not_timed": _("Không tính hạn")}

    def cells(row: DossierRow) -> Sequence[Cell]:
        return (row.code, row.procedure_code, row.procedure_name, row.received_at, row.due_at,
                status_label(row.status), row.finished_at, row.returned_at,
                labels.get(row.timeliness, row.timeliness), officer_label(row.received_by))

    return Table(_("Danh sách hồ sơ"),
                 (_("Mã hồ sơ"), _("Mã thủ tục"), _("Tên thủ tục"), _("Ngày tiếp nhận"),
                  _("Hạn giải quyết"), _("Trạng thái"), _("Ngày có kết quả"),
                  _("Ngày trả kết quả"), _("Tiến độ"), _("Cán bộ tiếp nhận")),
                 (cells(r) for r in rows))


# ----- writers ---------------------------------------------------------------------------------
def _text(cell: Cell) -> str:
    if cell is None:
        return ""
    if isinstance(cell, Share):
        return pct(cell.value) if cell.value is not None else ""
    if isinstance(cell, datetime):
        return cell.astimezone(ZONE).strftime("%d/%m/%Y %H:%M")
    if isinstance(cell, date):
        return cell.strftime("%d/%m/%Y")
    if isinstance(cell, int) and not isinstance(cell, bool):
        return str(cell)
    if isinstance(cell, float):
        return num(cell)
    return str(cell)


def to_csv(tables: Sequence[Table]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    several = len(tables) > 1
    for i, table in enumerate(tables):
        if several:
            if i:
                writer.writerow([])
            writer.writerow([table.title])
        writer.writerow(table.headers)
        for row in table.rows:
            writer.writerow([_text(c) for c in row])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def _xlsx_value(cell: Cell) -> tuple[object, str | None]:
    if isinstance(cell, Share):
        return cell.value, "0.00%"
    if isinstance(cell, datetime):
        return cell.astimezone(ZONE).replace(tzinfo=None), "dd/mm/yyyy hh:mm"
    if isinstance(cell, date):
        return cell, "dd/mm/yyyy"
    return cell, None


def to_xlsx(tables: Sequence[Table]) -> bytes:
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    book = Workbook(write_only=True)
    bold = Font(bold=True)
    for table in tables:
        sheet = book.create_sheet(title=table.title[:31])
        header = []
        for text in table.headers:
            cell = WriteOnlyCell(sheet, value=text)
            cell.font = bold
            header.append(cell)
        sheet.append(header)
        for row in table.rows:
            cells = []
            for value in row:
                plain, fmt = _xlsx_value(value)
                cell = WriteOnlyCell(sheet, value=plain)
                if fmt:
                    cell.number_format = fmt
                cells.append(cell)
            sheet.append(cells)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
