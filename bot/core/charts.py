"""Matplotlib charts shared by the weekly digest and the periodic reports: on-time rate and overdue per group."""

from __future__ import annotations

import io
from collections.abc import Callable, Sequence

from matplotlib.figure import Figure

from bot.core.fmt import fmt_percent
from bot.core.i18n import t
from bot.core.stats import GroupStats

__all__ = ["CHART_FONT", "png_of", "rate_chart"]

# Ships with matplotlib and covers Vietnamese (Latin Extended Additional: ạ ả ấ ầ ẩ ẫ ậ … ự ỳ ỵ ỷ ỹ).
CHART_FONT = "DejaVu Sans"
_GREEN, _AMBER, _RED, _GREY = "#2e7d32", "#f9a825", "#c62828", "#9e9e9e"


def _colour(rate: float | None, praise_rate: float, lagging_rate: float) -> str:
    if rate is None:
        return _GREY
    return _GREEN if rate >= praise_rate else _RED if rate < lagging_rate else _AMBER


def rate_chart(
    groups: Sequence[GroupStats], *, praise_rate: float, lagging_rate: float, title: str, empty: str
) -> Figure:
    """On-time rate per group (bars coloured by the praise/lagging thresholds) beside its open overdue count.

    Groups are drawn top-down in the order given; `empty` names the only bar when there is no group.
    """
    shown = list(reversed(groups))  # barh draws bottom-up
    names = [g.name for g in shown] or [empty]
    rates = [(g.on_time_rate or 0.0) * 100 for g in shown] or [0.0]
    overdue = [g.open_overdue for g in shown] or [0]
    colours = [_colour(g.on_time_rate, praise_rate, lagging_rate) for g in shown] or [_GREY]
    height = max(3.0, 0.45 * len(names) + 1.6)
    fig = Figure(figsize=(11, height), dpi=100)
    # Margins from the longest name (a layout engine would measure every text twice: slow).
    fig.subplots_adjust(
        left=min(0.45, 0.03 + 0.0072 * max(len(n) for n in names)),
        right=0.97,
        top=1 - 0.75 / height,
        bottom=0.65 / height,
        wspace=0.08,
    )
    left, right = fig.subplots(1, 2, sharey=True, width_ratios=[3, 1.3])
    y = range(len(names))
    left.barh(y, rates, color=colours)
    left.set_yticks(list(y), labels=names)
    left.set_xlim(0, 105)
    left.set_xlabel(t("agency_digest_chart_rate_axis", "vi"))
    left.axvline(praise_rate * 100, color=_GREEN, linestyle="--", linewidth=1)
    left.axvline(lagging_rate * 100, color=_RED, linestyle="--", linewidth=1)
    for i, g in enumerate(shown):
        label = fmt_percent(g.on_time_rate) if g.on_time_rate is not None else t("agency_digest_chart_none", "vi")
        left.text(min(rates[i] + 1, 80), i, label, va="center", fontsize=8)
    right.barh(y, overdue, color=_RED)
    right.set_xlabel(t("agency_digest_chart_overdue_axis", "vi"))
    for i, n in enumerate(overdue):
        right.text(n, i, f" {n}", va="center", fontsize=8)
    right.set_xlim(0, max([*overdue, 1]) * 1.3)
    fig.suptitle(title)
    return fig


def png_of(draw: Callable[[], Figure]) -> bytes:
    """The figure `draw` makes, as PNG bytes (Agg, no display, no pyplot state), labels in DejaVu Sans."""
    from matplotlib import rc_context

    with rc_context({"font.family": "sans-serif", "font.sans-serif": [CHART_FONT]}):
        fig = draw()  # the font is chosen when texts are created: draw inside the context
        buf = io.BytesIO()
        fig.savefig(buf, format="png")
    return buf.getvalue()
