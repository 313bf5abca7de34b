"""The dashboard pages through the Flask test client: roles, figures, charts, exports, report."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable

import pytest
from flask import Flask
from flask.testing import FlaskClient
from lxml import etree
from sqlalchemy import select

from app.extensions import db
from app.models.audit import AuditEntry
from tests.helpers import csrf_from

FEB = "start=2026-02-01&end=2026-02-28"
SVG_NS = "{http://www.w3.org/2000/svg}"
URLS = ["/dashboard/", f"/dashboard/?{FEB}", "/dashboard/export/figures.csv",
        "/dashboard/export/dossiers.xlsx", "/dashboard/report?month=2026-02"]


@pytest.mark.parametrize("url", URLS)
def test_an_officer_is_refused(client: FlaskClient, login: Callable[..., str], url: str) -> None:
    login("officer")
    assert client.get(url).status_code == 403


def test_signed_out_goes_to_login(client: FlaskClient) -> None:
    response = client.get("/dashboard/")
    assert response.status_code == 302
    assert "/auth/login" in response.headers["Location"]


def _svgs(html: str) -> list[etree._Element]:
    return [etree.fromstring(chunk.encode()) for chunk in re.findall(r"<svg.*?</svg>", html, re.S)]


def test_supervisor_sees_the_february_figures(client: FlaskClient, supervisor: str,
                                              february: dict[str, str]) -> None:
    html = client.get(f"/dashboard/?{FEB}").get_data(as_text=True)
    assert "01/02/2026" in html
    assert "28/02/2026" in html
    # 7 finished: early 1 (14,29 %), on time 3 (42,86 %), overdue 3 (42,86 %); in time 57,14 %
    assert "14,29 %" in html
    assert "42,86 %" in html
    assert "57,14 %" in html
    assert "50,00 %" in html  # 2 of 4 ratings very satisfied
    # Open dossiers are listed as of today (all of February's open ones are overdue by now),
    # each with a link to its page; paused O is not among them.
    for key in ("K", "L", "M", "N", "I"):
        assert f'href="/desk/d/{february[key]}"' in html
    assert f'href="/desk/d/{february["O"]}"' not in html
    # Export links keep the chosen period.
    assert "/dashboard/export/figures.xlsx?start=2026-02-01&amp;end=2026-02-28" in html


def test_charts_are_accessible_well_formed_svg(client: FlaskClient, supervisor: str,
                                               february: dict[str, str]) -> None:
    html = client.get(f"/dashboard/?{FEB}").get_data(as_text=True)
    charts = _svgs(html)
    assert len(charts) == 3
    for svg in charts:
        assert svg.get("role") == "img"
        title, desc = svg.find(f"{SVG_NS}title"), svg.find(f"{SVG_NS}desc")
        assert title is not None
        assert title.text
        assert desc is not None
        assert desc.text
        assert svg.get("aria-labelledby") == f"{title.get('id')} {desc.get('id')}"
    per_day = charts[0]
    bars = [r for r in per_day.iter(f"{SVG_NS}rect")
            if r.get("class") == "bar-received" and r.find(f"{SVG_NS}title") is not None]
    assert len(bars) == 28
    assert any(r.find(f"{SVG_NS}title").text == "04/02: 2 tiếp nhận" for r in bars)
    # The data table is the text alternative of the per-day chart.
    assert "Bảng số liệu theo ngày" in html
    assert "style=" not in html  # the CSP forbids inline styles


def test_officer_filter(client: FlaskClient, supervisor: str, february: dict[str, str]) -> None:
    html = client.get(f"/dashboard/?{FEB}&officer=staff:binh").get_data(as_text=True)
    # binh: 3 finished, on time 2 (66,67 %), overdue 1 (33,33 %)
    assert "66,67 %" in html
    assert "33,33 %" in html
    assert f'href="/desk/d/{february["K"]}"' not in html  # K was received by an


def test_bad_period_falls_back_to_this_month(client: FlaskClient, supervisor: str) -> None:
    response = client.get("/dashboard/?start=2026-03-01&end=2026-02-01")
    assert response.status_code == 200
    assert "Ngày kết thúc phải sau ngày bắt đầu." in response.get_data(as_text=True)


def _exports(app: Flask) -> list[AuditEntry]:
    with app.app_context():
        return list(db.session.scalars(select(AuditEntry).where(AuditEntry.action == "export")))


def test_figures_csv(app: Flask, client: FlaskClient, supervisor: str,
                     february: dict[str, str]) -> None:
    response = client.get(f"/dashboard/export/figures.csv?{FEB}")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    text = response.data.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert ["Hồ sơ tiếp nhận", "14", ""] in rows
    assert ["Quá hạn", "3", "42,86 %"] in rows
    assert ["Rất hài lòng", "2", "50,00 %"] in rows
    assert ["an", "6", "4", "1", "1", "2", "50,00 %", "3", "0", "1"] in rows
    entries = _exports(app)
    assert [(e.target, e.details["from"], e.details["to"]) for e in entries] == [
        ("dashboard/figures.csv", "2026-02-01", "2026-02-28")]
    assert entries[0].actor == f"staff:{supervisor}"


@pytest.mark.both_databases
def test_dossier_list_xlsx(app: Flask, client: FlaskClient, supervisor: str,
                           february: dict[str, str]) -> None:
    from openpyxl import load_workbook

    response = client.get(f"/dashboard/export/dossiers.xlsx?{FEB}")
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.data))
    sheet = book["Danh sách hồ sơ"]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "Mã hồ sơ"
    by_code = {row[0]: row for row in rows[1:]}
    assert set(by_code) == set(february.values())  # G counts: finished in February
    assert by_code[february["E"]][8] == "Không tính hạn"  # refused
    assert by_code[february["A"]][8] == "Trước hạn"
    assert by_code[february["H"]][8] == "Quá hạn"
    assert by_code[february["A"]][3].strftime("%d/%m/%Y %H:%M") == "13/02/2026 10:00"
    assert "Nguyễn" not in str(rows)  # no applicant data leaves in the file
    assert [e.target for e in _exports(app)] == ["dashboard/dossiers.xlsx"]


def test_figures_xlsx_has_numbers_and_percentages(client: FlaskClient, supervisor: str,
                                                  february: dict[str, str]) -> None:
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(client.get(f"/dashboard/export/figures.xlsx?{FEB}").data))
    assert book.sheetnames == ["Tổng hợp", "Theo ngày", "Theo thủ tục", "Theo cán bộ",
                               "Hài lòng"]
    summary = {row[0].value: row for row in book["Tổng hợp"].iter_rows()}
    assert summary["Hồ sơ có kết quả"][1].value == 7
    overdue = summary["Quá hạn"][2]
    assert overdue.value == pytest.approx(3 / 7)
    assert overdue.number_format == "0.00%"


def test_unknown_export_is_404(client: FlaskClient, supervisor: str) -> None:
    assert client.get("/dashboard/export/figures.pdf").status_code == 404
    assert client.get("/dashboard/export/secrets.csv").status_code == 404


def test_monthly_report(client: FlaskClient, supervisor: str, february: dict[str, str]) -> None:
    html = client.get("/dashboard/report?month=2026-02").get_data(as_text=True)
    assert "<title>Báo cáo tình hình giải quyết thủ tục hành chính tháng 02/2026" in html
    assert "BÁO CÁO TÌNH HÌNH GIẢI QUYẾT THỦ TỤC HÀNH CHÍNH THÁNG 02/2026" in html
    assert "tiếp nhận 14 hồ sơ" in html
    assert "trước hạn 1 hồ sơ (14,29 %)" in html
    assert "Tỷ lệ giải quyết trước và đúng hạn: 57,14 %" in html
    assert "rất hài lòng 2 lượt (50,00 %)" in html
    assert len(_svgs(html)) == 3
    assert "js/dashboard.js" in html
    assert "<script>" not in html


def test_english_interface(client: FlaskClient, supervisor: str,
                           february: dict[str, str]) -> None:
    client.get("/lang/en")
    html = client.get(f"/dashboard/?{FEB}").get_data(as_text=True)
    assert "Dossier statistics" in html
    assert "57.14 %" in html  # English number format


def test_menu_shows_statistics_to_supervisors_only(client: FlaskClient,
                                                   login: Callable[..., str]) -> None:
    login("supervisor")
    assert 'href="/dashboard/"' in client.get("/").get_data(as_text=True)
    client.post("/auth/logout", data={"csrf_token": csrf_from(client.get("/").get_data(
        as_text=True))})
    login("officer")
    assert 'href="/dashboard/"' not in client.get("/").get_data(as_text=True)
