"""Charts drawn on the server with pygal, as standalone SVG documents.

No JavaScript (js=[]); values are printed on the bars, and series are told apart by pattern
as well as by shade and legend, so no meaning rests on colour alone.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pygal
from pygal.style import Style

# Light fills so that the printed values (dark text) stay readable on every series.
_PATTERNS = (
    ("#ffffff", "M0,8 l8,-8", "#1b1b1f"),  # white with diagonal hatching
    ("#cfe3f5", "M0,4 h8", "#0b4f8a"),  # light blue with horizontal lines
    ("#8fbde6", "M4,0 v8 M0,4 h8", "#083b67"),  # mid blue with a cross-hatch
    ("#5b9bd5", "", ""),  # solid blue
)


def _pattern(index: int) -> str:
    fill, path, stroke = _PATTERNS[index]
    lines = f'<path d="{path}" stroke="{stroke}" stroke-width="1.5"/>' if path else ""
    return (
        f'<pattern id="fp{index}" width="8" height="8" patternUnits="userSpaceOnUse">'
        f'<rect width="8" height="8" fill="{fill}"/>{lines}</pattern>'
    )


def _style(series: int) -> Style:
    return Style(
        background="#ffffff",
        plot_background="#ffffff",
        foreground="#1b1b1f",
        foreground_strong="#1b1b1f",
        foreground_subtle="#4a4a55",
        colors=tuple(f"url(#fp{i})" for i in range(series)) if series > 1 else ("#8fbde6",),
        value_colors=("#1b1b1f",) * max(series, 1),
        font_family="system-ui, 'Segoe UI', Roboto, 'Noto Sans', sans-serif",
        title_font_size=20,
        label_font_size=14,
        major_label_font_size=14,
        legend_font_size=14,
        value_font_size=14,
        opacity="1",
        opacity_hover="1",
        stroke_opacity="1",
    )


@dataclass(frozen=True)
class Series:
    """One named series of values, one per label."""

    name: str
    values: list[float | int]


def bar_chart(
    title: str,
    labels: list[str],
    series: list[Series],
    *,
    stacked: bool = False,
    formatter: Callable[[float], str] = str,
) -> str:
    """A horizontal bar chart (grouped or stacked) with printed values, as an SVG document."""
    kind = pygal.HorizontalStackedBar if stacked else pygal.HorizontalBar
    height = max(320, 120 + len(labels) * (28 if stacked or len(series) == 1 else 22 * len(series)))
    chart = kind(
        title=title,
        style=_style(len(series)),
        js=[],
        defs=[_pattern(i) for i in range(len(series))] if len(series) > 1 else [],
        width=900,
        height=height,
        print_values=True,
        print_zeroes=False,
        show_legend=len(series) > 1,
        legend_at_bottom=True,
        legend_at_bottom_columns=min(len(series), 4),
        show_y_guides=False,
        truncate_label=-1,
        margin_left=10,
        formatter=lambda v: formatter(v) if v is not None else "",
        no_data_text="–",
        disable_xml_declaration=False,
    )
    # Horizontal bars are drawn bottom-up; reverse so the first label is at the top.
    chart.x_labels = list(reversed(labels))
    for one in series:
        chart.add(one.name, list(reversed(one.values)))
    return chart.render(is_unicode=True)
