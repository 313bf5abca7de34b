"""Server-side SVG charts: no script, printable, accessible.

Each chart is an ``<svg role="img">`` named by its ``<title>`` and described by its ``<desc>``
(``aria-labelledby``); each mark carries its own ``<title>`` (a tooltip and a screen-reader
label). Colours come from classes styled in ``dashboard.css`` (the CSP forbids ``style=``).
The page puts a data table next to every chart as the text alternative. Texts arrive already
translated: this module only draws.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from xml.sax.saxutils import escape, quoteattr

WIDTH = 720
HEIGHT = 260
PAD_LEFT, PAD_RIGHT, PAD_TOP, PAD_BOTTOM = 44, 12, 16, 40


@dataclass(frozen=True)
class Series:
    label: str
    css_class: str
    values: tuple[float, ...]
    texts: tuple[str, ...]
    """Per point, the text of the mark's tooltip (e.g. ``"03/02: 12"``)."""


def _open(chart_id: str, title: str, desc: str, height: int = HEIGHT) -> list[str]:
    return [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" id={quoteattr(chart_id)} '
        f'viewBox="0 0 {WIDTH} {height}" role="img" '
        f'aria-labelledby="{escape(chart_id)}-t {escape(chart_id)}-d" '
        f'preserveAspectRatio="xMidYMid meet">',
        f'<title id="{escape(chart_id)}-t">{escape(title)}</title>',
        f'<desc id="{escape(chart_id)}-d">{escape(desc)}</desc>',
    ]


def _nice_max(value: float) -> float:
    """A round axis maximum at or above ``value`` (1, 2, 5 × 10^n)."""
    if value <= 0:
        return 1
    step = 1.0
    while step * 10 <= value:
        step *= 10
    for factor in (1, 2, 5, 10):
        if value <= step * factor:
            return step * factor
    return step * 10  # pragma: no cover - the loop always returns


def _fmt(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".")


def _legend(series: Sequence[Series], y: int) -> list[str]:
    parts, x = [], PAD_LEFT
    for s in series:
        parts.append(f'<rect class="{escape(s.css_class)}" x="{x}" y="{y - 9}" width="10" '
                     f'height="10"/><text class="legend" x="{x + 14}" y="{y}">'
                     f'{escape(s.label)}</text>')
        x += 14 + 8 * len(s.label) + 20
    return parts


def bar_chart(chart_id: str, title: str, desc: str, labels: Sequence[str],
              series: Sequence[Series], *, percent_axis: bool = False) -> str:
    """Grouped vertical bars, one group per label (day, week...), one bar per series."""
    plot_w = WIDTH - PAD_LEFT - PAD_RIGHT
    plot_h = HEIGHT - PAD_TOP - PAD_BOTTOM - 14
    top = 100.0 if percent_axis else _nice_max(max((v for s in series for v in s.values),
                                                   default=0))
    parts = _open(chart_id, title, desc)
    base_y = PAD_TOP + plot_h
    for i in range(5):  # grid and axis labels
        value = top * i / 4
        y = base_y - plot_h * i / 4
        parts.append(f'<line class="grid" x1="{PAD_LEFT}" y1="{y:.1f}" x2="{WIDTH - PAD_RIGHT}" '
                     f'y2="{y:.1f}"/><text class="axis" x="{PAD_LEFT - 6}" y="{y + 4:.1f}" '
                     f'text-anchor="end">{_fmt(value)}{"%" if percent_axis else ""}</text>')
    groups = max(len(labels), 1)
    group_w = plot_w / groups
    bar_w = max(group_w * 0.8 / max(len(series), 1), 1.0)
    label_every = max(1, round(groups / 16))
    for g, label in enumerate(labels):
        x0 = PAD_LEFT + g * group_w + group_w * 0.1
        for k, s in enumerate(series):
            value = s.values[g]
            h = plot_h * value / top if top else 0
            parts.append(f'<rect class="{escape(s.css_class)}" x="{x0 + k * bar_w:.1f}" '
                         f'y="{base_y - h:.1f}" width="{bar_w:.1f}" height="{h:.1f}">'
                         f'<title>{escape(s.texts[g])}</title></rect>')
        if g % label_every == 0:
            parts.append(f'<text class="axis" x="{x0 + group_w * 0.4:.1f}" y="{base_y + 14}" '
                         f'text-anchor="middle">{escape(label)}</text>')
    parts.append(f'<line class="baseline" x1="{PAD_LEFT}" y1="{base_y}" '
                 f'x2="{WIDTH - PAD_RIGHT}" y2="{base_y}"/>')
    parts.extend(_legend(series, HEIGHT - 8))
    parts.append("</svg>")
    return "".join(parts)


@dataclass(frozen=True)
class Segment:
    label: str
    css_class: str
    value: int
    text: str
    """Tooltip, e.g. ``"Trước hạn: 12 (40,00 %)"``."""


def stacked_bar(chart_id: str, title: str, desc: str, segments: Sequence[Segment]) -> str:
    """One horizontal 100 % bar split into segments (the timeliness split)."""
    height = 90
    parts = _open(chart_id, title, desc, height)
    total = sum(s.value for s in segments)
    plot_w = WIDTH - 2 * PAD_RIGHT
    x = float(PAD_RIGHT)
    if not total:
        parts.append(f'<rect class="empty" x="{PAD_RIGHT}" y="10" width="{plot_w}" '
                     f'height="36"><title>{escape(desc)}</title></rect>')
    for s in segments:
        if not total or not s.value:
            continue
        w = plot_w * s.value / total
        parts.append(f'<rect class="{escape(s.css_class)}" x="{x:.1f}" y="10" width="{w:.1f}" '
                     f'height="36"><title>{escape(s.text)}</title></rect>')
        x += w
    legend = [Series(s.text, s.css_class, (), ()) for s in segments]
    parts.extend(_legend(legend, height - 14))
    parts.append("</svg>")
    return "".join(parts)
