"""/trends — monthly received items and on-time rate per PCI sub-index and BPI area, as server-drawn SVG and tables."""

from __future__ import annotations

import asyncio
import math
from dataclasses import dataclass
from datetime import datetime

from aiohttp import web
from sqlalchemy.ext.asyncio import AsyncSession

from bot.core.fmt import fmt_datetime, fmt_int, fmt_percent
from bot.core.i18n import t
from bot.core.stats import GroupStats
from bot.core.trends import Month, TopicTrend, last_months, topic_trends
from bot.web.common import lang_of, render
from bot.web.inputs import Query, accepts
from bot.web.public import in_thread, site

__all__ = ["Chart", "chart_of", "page", "setup"]

WIDTH, HEIGHT = 640, 230
LEFT, RIGHT, TOP, BOTTOM = 40, 48, 14, 46  # room for the axes' labels
RATE_TICKS = (0.0, 0.5, 1.0)


@dataclass(frozen=True)
class Bar:
    """One month's received items: a rectangle and its tooltip."""

    x: float
    y: float
    width: float
    height: float
    title: str


@dataclass(frozen=True)
class Point:
    """One month's on-time rate: a dot and its tooltip."""

    x: float
    y: float
    title: str


@dataclass(frozen=True)
class Tick:
    """An axis label at a position."""

    at: float
    label: str
    extra: str = ""  # under a month: its year, on the first month and each January


@dataclass(frozen=True)
class Chart:
    """Everything the SVG template draws for one topic, in viewBox units."""

    width: int
    height: int
    x0: float
    x1: float
    y0: float  # the base line (0 items, 0 %)
    bars: list[Bar]
    points: list[Point]
    path: str  # the rate line; a month without a rate breaks it
    count_ticks: list[Tick]
    rate_ticks: list[Tick]
    month_ticks: list[Tick]


def _nice_step(top: int) -> int:
    """1, 2, 5, 10, 20, 50 … so that about four steps cover `top`."""
    raw = max(1.0, top / 4)
    power = 10 ** math.floor(math.log10(raw))
    return int(next(m * power for m in (1, 2, 5, 10) if m * power >= raw))


def _r(x: float) -> float:
    return round(x, 1)


def chart_of(months: list[tuple[Month, GroupStats]], lang: str) -> Chart:
    """Bars of items received per month (left axis) and the on-time rate line (right axis, 0–100 %)."""
    x0, x1, y_top, y0 = LEFT, WIDTH - RIGHT, TOP, HEIGHT - BOTTOM
    step = _nice_step(max((g.received for _, g in months), default=0))
    top = max(step, math.ceil(max((g.received for _, g in months), default=0) / step) * step)
    slot = (x1 - x0) / max(1, len(months))
    bars, points, segments = [], [], []
    pen_down = False
    for i, (month, g) in enumerate(months):
        centre = x0 + slot * (i + 0.5)
        height = (y0 - y_top) * g.received / top
        bars.append(Bar(_r(centre - slot * 0.3), _r(y0 - height), _r(slot * 0.6), _r(height),
                        t("web_trends_bar", lang, month=month.label, n=fmt_int(g.received))))
        if g.on_time_rate is None:
            pen_down = False
            continue
        y = y0 - (y0 - y_top) * g.on_time_rate
        points.append(Point(_r(centre), _r(y),
                            t("web_trends_point", lang, month=month.label, rate=fmt_percent(g.on_time_rate))))
        segments.append(f"{'L' if pen_down else 'M'}{_r(centre)} {_r(y)}")
        pen_down = True
    count_ticks = [Tick(_r(y0 - (y0 - y_top) * n / top), fmt_int(n)) for n in range(0, top + 1, step)]
    rate_ticks = [Tick(_r(y0 - (y0 - y_top) * r), fmt_percent(r, 0)) for r in RATE_TICKS]
    month_ticks = [
        Tick(_r(x0 + slot * (i + 0.5)), t("web_trends_month_short", lang, m=month.month),
             str(month.year) if i == 0 or month.month == 1 else "")
        for i, (month, _) in enumerate(months)
    ]
    return Chart(WIDTH, HEIGHT, x0, x1, y0, bars, points, " ".join(segments), count_ticks, rate_ticks, month_ticks)


async def trends_of(request: web.Request) -> list[TopicTrend]:
    """The last twelve months per topic, computed off the event loop and cached for a few seconds."""
    s = site(request)

    async def compute(session: AsyncSession, now: datetime) -> list[TopicTrend]:
        return await topic_trends(session, s.core, now)

    return await s.trends.get("months", lambda: asyncio.to_thread(in_thread, s.core, compute))


@accepts(Query)
async def page(request: web.Request, _q: Query) -> web.Response:
    """/trends — per sub-index and BPI area: a chart of the last twelve months and the same figures as a table."""
    s = site(request)
    lang = lang_of(request)
    found = await trends_of(request)
    months = [m for m, _ in found[0].months] if found else last_months(s.core.now())
    groups = [
        {
            "title": title,
            "topics": [{"id": tr.topic_id, "months": tr.months, "chart": chart_of(tr.months, lang)}
                       for tr in found if tr.kind == kind],
        }
        for kind, title in (("pci", "web_trends_pci"), ("bpi", "web_trends_bpi"))
    ]
    html = render(
        s.env, request, s.core, "trends.html",
        groups=groups, first=months[0].label, last=months[-1].label, updated=fmt_datetime(s.core.now()),
    )  # fmt: skip
    return web.Response(text=html, content_type="text/html")


def setup(webapp: web.Application) -> None:
    """Mount /trends (after the public site, whose templates and caches it uses)."""
    webapp.router.add_get("/trends", page)
