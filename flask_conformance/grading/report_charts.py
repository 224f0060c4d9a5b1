"""The class report's two charts, drawn by matplotlib's SVG backend and inlined in report.html (offline).

Figures are built with the object-oriented API (no pyplot state), with a fixed hash salt and no date, so
the same class gives the same SVG. Each bar is a group with an id (``bar-0``, ...), for the report's tests
and for anyone styling it. No text a submission wrote reaches a chart.
"""

from __future__ import annotations

import io
from typing import Any

import matplotlib
from matplotlib.figure import Figure

COLOURS = {"bar": "#3b6ea8", "fail": "#c0392b"}
# Any: matplotlib's stubs type rc keys as a Literal of every rc name, which a dict built once cannot match.
_STYLE: Any = {"svg.hashsalt": "flask-conformance", "svg.fonttype": "none", "font.size": 9}


def _svg(figure: Figure, element_id: str, label: str) -> str:
    buffer = io.StringIO()
    with matplotlib.rc_context(_STYLE):
        figure.savefig(buffer, format="svg", metadata={"Date": None}, bbox_inches="tight")
    svg = buffer.getvalue()
    svg = svg[svg.index("<svg") :]  # inline: no XML declaration or DOCTYPE
    return svg.replace("<svg ", f'<svg id="{element_id}" role="img" aria-label="{label}" ', 1)


def histogram_svg(fractions: list[float], bins: int = 10) -> str:
    """How many submissions scored 0-10%, 10-20%, ... of the maximum."""
    counts = [0] * bins
    for fraction in fractions:
        counts[min(bins - 1, int(fraction * bins))] += 1
    with matplotlib.rc_context(_STYLE):
        figure = Figure(figsize=(6.4, 2.6))
        axes = figure.subplots()
        labels = [f"{index * 100 // bins}–{(index + 1) * 100 // bins}%" for index in range(bins)]
        bars = axes.bar(labels, counts, color=COLOURS["bar"])
        axes.bar_label(bars, labels=[str(count) if count else "" for count in counts])
        axes.set_ylabel("submissions")
        axes.set_yticks([])
        axes.spines[["top", "right", "left"]].set_visible(False)
        for index, bar in enumerate(bars):
            bar.set_gid(f"bar-{index}")
    return _svg(figure, "histogram", "Score histogram")


def pass_rate_svg(rates: list[tuple[str, float]]) -> str:
    """The share of the class that passed each requirement; under half in red."""
    with matplotlib.rc_context(_STYLE):
        figure = Figure(figsize=(6.4, 0.26 * len(rates) + 0.6))
        axes = figure.subplots()
        names = [requirement_id for requirement_id, _ in rates][::-1]
        values = [rate for _, rate in rates][::-1]
        colours = [COLOURS["bar"] if rate >= 0.5 else COLOURS["fail"] for rate in values]
        bars = axes.barh(names, [max(rate, 0.005) for rate in values], color=colours)
        axes.bar_label(bars, labels=[f"{rate:.0%}" for rate in values], padding=3)
        axes.set_xlim(0, 1.1)
        axes.set_xticks([])
        axes.spines[["top", "right", "bottom"]].set_visible(False)
        for index, bar in enumerate(bars):
            bar.set_gid(f"bar-{index}")
    return _svg(figure, "pass-rates", "Pass rate per requirement")
