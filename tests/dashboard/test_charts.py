"""SVG charts: well-formed, named and described, texts escaped, sizes proportional."""

from __future__ import annotations

from lxml import etree

from app.dashboard.charts import Segment, Series, bar_chart, stacked_bar

NS = "{http://www.w3.org/2000/svg}"


def _marks(svg: etree._Element) -> list[etree._Element]:
    return [r for r in svg.iter(f"{NS}rect") if r.find(f"{NS}title") is not None]


def test_bar_heights_are_proportional_and_texts_escaped() -> None:
    series = Series("A <&> B", "bar-received", (10.0, 5.0, 0.0), ("x<1", "y&2", "z"))
    svg = etree.fromstring(bar_chart("c1", "Tiêu đề <b>", "Mô tả & chi tiết", ["1", "2", "3"],
                                     [series]).encode())
    assert svg.find(f"{NS}title").text == "Tiêu đề <b>"
    assert svg.find(f"{NS}desc").text == "Mô tả & chi tiết"
    assert svg.get("aria-labelledby") == "c1-t c1-d"
    heights = [float(r.get("height")) for r in _marks(svg)]
    assert heights[0] == 2 * heights[1]
    assert heights[2] == 0
    assert [r.find(f"{NS}title").text for r in _marks(svg)] == ["x<1", "y&2", "z"]


def test_empty_chart_is_still_valid() -> None:
    svg = etree.fromstring(bar_chart("c2", "t", "d", [], []).encode())
    assert svg.get("role") == "img"


def test_stacked_bar_widths_follow_the_split() -> None:
    segments = [Segment("Trước hạn", "seg-early", 1, "Trước hạn: 1"),
                Segment("Đúng hạn", "seg-on-time", 3, "Đúng hạn: 3"),
                Segment("Quá hạn", "seg-overdue", 0, "Quá hạn: 0")]
    svg = etree.fromstring(stacked_bar("c3", "t", "d", segments).encode())
    widths = {r.get("class"): float(r.get("width")) for r in _marks(svg)}
    assert set(widths) == {"seg-early", "seg-on-time"}  # nothing drawn for zero
    assert abs(widths["seg-on-time"] - 3 * widths["seg-early"]) < 0.2


def test_stacked_bar_with_no_data() -> None:
    svg = etree.fromstring(stacked_bar("c4", "t", "không có", [
        Segment("Trước hạn", "seg-early", 0, "Trước hạn: 0")]).encode())
    assert [r.get("class") for r in _marks(svg)] == ["empty"]
