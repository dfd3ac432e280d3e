"""The moderators' chart as a PNG: questions per day by outcome, and the top unanswered words.

Rendered with matplotlib's Agg canvas on a `Figure` of its own (no pyplot, no display, no global
state), so it runs headless and in a worker thread.
"""

from __future__ import annotations

import io
from typing import TYPE_CHECKING

from bot import messages
from bot.trends import Trends

if TYPE_CHECKING:
    from matplotlib.figure import Figure

WIDTH, HEIGHT, DPI = 10.0, 7.0, 100  # inches and dots per inch: a 1000 x 700 PNG
COLOURS = {"answered": "#2e7d32", "near": "#f9a825", "unanswered": "#9e9e9e", "words": "#c62828"}


def render_png(data: Trends, lang: str = "id") -> bytes:
    """The chart for `data`, as PNG bytes, with its texts in `lang`."""
    buffer = io.BytesIO()
    chart(data, lang).savefig(buffer, format="png", dpi=DPI)
    return buffer.getvalue()


def chart(data: Trends, lang: str = "id") -> Figure:
    """The chart's figure: questions per day above, the top unanswered words below. Counts of
    questions are whole numbers, and so are the ticks of their axes."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    from matplotlib.ticker import MaxNLocator

    figure = Figure(figsize=(WIDTH, HEIGHT), dpi=DPI, layout="constrained")
    FigureCanvasAgg(figure)
    days_axis, words_axis = figure.subplots(2, 1, height_ratios=(3, 2))
    t = lambda key, **values: messages.t(key, lang, **values)  # noqa: E731

    positions = range(len(data.days))
    bottom = [0] * len(data.days)
    series = [("answered", data.answered), ("near", data.near), ("unanswered", data.unanswered)]
    for name, counts in series:
        if name == "near" and not data.tells_near:
            continue
        days_axis.bar(positions, counts, bottom=bottom, color=COLOURS[name], label=t(f"chart.{name}"))
        bottom = [b + c for b, c in zip(bottom, counts, strict=True)]
    days_axis.set_title(t("chart.title", days=len(data.days), total=data.total))
    days_axis.set_ylabel(t("chart.questions"))
    days_axis.yaxis.set_major_locator(MaxNLocator(integer=True))
    step = max(1, len(data.days) // 10)
    labels = [messages.format_date(d.isoformat(), lang) for d in data.days]
    days_axis.set_xticks(list(positions)[::step], labels[::step], rotation=30, ha="right")
    days_axis.legend(loc="upper left")
    days_axis.margins(x=0.01)

    words = list(reversed(data.top_unanswered))
    if words:
        words_axis.barh([w for w, _ in words], [n for _, n in words], color=COLOURS["words"])
    else:
        words_axis.text(0.5, 0.5, t("chart.no_words"), ha="center", va="center", transform=words_axis.transAxes)
        words_axis.set_yticks([])
    words_axis.set_title(t("chart.top_words"))
    words_axis.set_xlabel(t("chart.questions"))
    words_axis.xaxis.set_major_locator(MaxNLocator(integer=True))
    return figure
