"""Public pages: the status site (/), one ticket (/t/CODE), agency and topic scorecards, the 404 page."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Annotated, Any, Literal, TypeVar

from aiohttp import web
from jinja2 import Environment
from pydantic import BeforeValidator
from sqlalchemy.ext.asyncio import AsyncSession

from bot.core import lifecycle
from bot.core.codes import normalize_code
from bot.core.fmt import fmt_date, fmt_datetime
from bot.core.history import event_text
from bot.core.i18n import t
from bot.core.publication import (
    display_names,
    is_restricted,
    iso_local,
    public_answer,
    public_commune,
    public_company,
    public_summary,
    public_text,
)
from bot.core.services import Core
from bot.core.states import ticket_words
from bot.core.stats import GroupStats, compute_stats
from bot.core.trends import TopicTrend
from bot.web.common import (
    Labels,
    TTLCache,
    lang_of,
    make_environment,
    open311_status,
    render,
    url_for,
)
from bot.web.inputs import Page, Query, Short, accepts
from storage.db import is_sqlite, make_engine, make_sessionmaker
from storage.models import Ticket
from storage.web_queries import latest_answers, scorecard_tickets

T = TypeVar("T")
PAGE_SIZE = 20
LATEST = 10
PERIOD_DAYS = (365, 90, 30)
ANSWERED = ("resolved", "closed")
# Events a reader may see, and whether their reason is published (scrubbed) when the item is not restricted.
PUBLIC_EVENTS = {
    "submitted": False,
    "assign": False,
    "take": False,
    "transfer": False,
    "ask": False,
    "info_received": False,
    "replied": False,
    "extended": True,
    "resolve": False,
    "reject": True,
    "close": False,
    "reopen": False,
    "rated": False,
}


@dataclass
class Site:
    """Templates and caches of the public site, one per web application."""

    core: Core
    env: Environment
    stats: TTLCache[dict[str, list[GroupStats]]]
    pages: TTLCache[str]
    lists: TTLCache[bytes]
    trends: TTLCache[list[TopicTrend]] = field(default_factory=TTLCache)


SITE_KEY: web.AppKey[Site] = web.AppKey("pcibot_site")


def site(request: web.Request) -> Site:
    """The Site of the application serving this request."""
    return request.app[SITE_KEY]


def _period(raw: Any) -> int | None:
    if raw in (None, ""):
        return None
    if isinstance(raw, str) and raw.strip() in {str(d) for d in PERIOD_DAYS}:
        return int(raw)
    raise ValueError(f"must be one of {', '.join(map(str, PERIOD_DAYS))} or empty (everything)")


class PeriodQuery(Query):
    """?days=365|90|30, or none for everything since the start."""

    days: Annotated[int | None, BeforeValidator(_period)] = None


class ScorecardQuery(PeriodQuery):
    """A period and a 1-based page."""

    page: Page = 1


class LookupQuery(Query):
    """The look-up form's code."""

    code: Short = ""


def _start(core: Core, days: int | None) -> datetime | None:
    return core.now() - timedelta(days=days) if days else None


async def period_stats(s: Site, days: int | None) -> dict[str, list[GroupStats]]:
    """Statistics by agency, by topic and in total for the period, cached for a few seconds."""

    async def compute(session: AsyncSession, end: datetime) -> dict[str, list[GroupStats]]:
        start = _start(s.core, days)
        return {by: await compute_stats(session, s.core, start, end, by=by) for by in ("agency", "topic", "all")}

    return await s.stats.get(days, lambda: asyncio.to_thread(in_thread, s.core, compute))


def in_thread(core: Core, compute: Callable[[AsyncSession, datetime], Awaitable[T]]) -> T:
    """Run `compute(session, now)` in a worker thread with its own event loop and connection.

    Measuring working hours for every answered ticket takes seconds over 100,000 tickets; done here,
    the web server's event loop keeps serving pages meanwhile.
    """

    async def run() -> T:
        engine = make_engine(
            core.config.database_url, **({} if is_sqlite(core.config.database_url) else {"pool_size": 1})
        )
        try:
            async with make_sessionmaker(engine)() as session:
                return await compute(session, core.now())
        finally:
            await engine.dispose()

    return asyncio.run(run())


def _periods(lang: str) -> list[tuple[int | None, str]]:
    return [(None, t("web_period_all", lang))] + [(d, t("web_period_days", lang, n=d)) for d in PERIOD_DAYS]


def _by_rate(groups: list[GroupStats]) -> list[GroupStats]:
    """League order: best on-time rate first, agencies without a rate last, then by volume."""
    return sorted(groups, key=lambda g: (g.on_time_rate is None, -(g.on_time_rate or 0.0), -g.received))


async def _latest(session: AsyncSession, core: Core, lang: str) -> list[dict[str, Any]]:
    rows = await latest_answers(session, ANSWERED, LATEST)
    names = await display_names(session, rows)
    labels = Labels(core, lang)
    out = []
    for tk in rows:
        assert tk.resolved_at is not None
        out.append(
            {
                "code": tk.code,
                "topic": labels.topic(tk.topic_id),
                "agency": labels.agency(tk.agency_id),
                "resolved": fmt_date(tk.resolved_at),
                "answer": public_answer(tk, names.get(tk.id, [])),
            }
        )
    return out


@accepts(PeriodQuery)
async def home(request: web.Request, q: PeriodQuery) -> web.Response:
    """/ — totals, on-time rate, the agency league table, topics, the latest answers."""
    s = site(request)
    lang, days = lang_of(request), q.days

    async def page() -> str:
        stats = await period_stats(s, days)
        async with s.core.maker() as session:
            latest = await _latest(session, s.core, lang)
        return render(
            s.env,
            request,
            s.core,
            "index.html",
            total=(stats["all"] or [GroupStats.empty("all", "")])[0],
            agencies=_by_rate(stats["agency"]),
            topics=stats["topic"],
            topic_ids=set(s.core.rules.topics_by_id),
            latest=latest,
            updated=fmt_datetime(s.core.now()),
            periods=_periods(lang),
            days=days,
            path="/",
        )

    return web.Response(text=await s.pages.get(("home", lang, days), page), content_type="text/html")


def _history(tk: Ticket, labels: Labels, names: list[str]) -> list[dict[str, str | None]]:
    out: list[dict[str, str | None]] = []
    for ev in tk.events:
        if ev.action not in PUBLIC_EVENTS:
            continue
        out.append(
            {
                "iso": iso_local(ev.at),
                "when": fmt_datetime(ev.at),
                "text": event_text(ev, labels.lang, labels.agency),
                "reason": public_text(tk, ev.reason, names) if PUBLIC_EVENTS[ev.action] else None,
            }
        )
    return out


@accepts(Query)
async def ticket_page(request: web.Request, _q: Query) -> web.Response:
    """/t/{code} — one ticket's public record and history; unknown or hidden codes get the 404 page."""
    s = site(request)
    code = normalize_code(request.match_info["code"], s.core.prefix)
    if code is None:
        raise web.HTTPNotFound()
    async with s.core.maker() as session:
        tk = await lifecycle.get_ticket(session, code)
        if tk is None or tk.hidden:
            raise web.HTTPNotFound()
        names = (await display_names(session, [tk])).get(tk.id, [])
    labels = Labels(s.core, lang_of(request))
    restricted = is_restricted(tk)
    view = {
        "code": tk.code,
        "kind": None if restricted else labels.kind(tk.kind),
        "state": labels.state(tk.state),
        "status": open311_status(tk.state),
        "topic_id": tk.topic_id,
        "topic": labels.topic(tk.topic_id),
        "agency_id": tk.agency_id,
        "agency": labels.agency(tk.agency_id),
        "agency_full": labels.agency_full(tk.agency_id),
        "received": fmt_date(tk.created_at),
        "due": fmt_date(tk.answer_due_at),
        "resolved": fmt_date(tk.resolved_at) if tk.resolved_at else None,
        "outcome": None if restricted else labels.outcome(tk.outcome),
        "company": public_company(tk),
        "commune": public_commune(tk),
        "rating": None if restricted else tk.rating,
        "summary": public_summary(tk, names),
        "answer": public_answer(tk, names),
        "restricted": restricted,
        "Noun": ticket_words(None if restricted else tk.kind, labels.lang)["Noun"],
    }
    html = render(s.env, request, s.core, "ticket.html", tk=view, history=_history(tk, labels, names))
    return web.Response(text=html, content_type="text/html")


@accepts(LookupQuery)
async def lookup(request: web.Request, q: LookupQuery) -> web.Response:
    """/t?code=… — the look-up form on the home page (works without JavaScript)."""
    s = site(request)
    code = normalize_code(q.code, s.core.prefix)
    if code is None:
        raise web.HTTPNotFound()
    raise web.HTTPFound(url_for(f"/t/{code}", lang_of(request)))


async def _scorecard(request: web.Request, q: ScorecardQuery, by: str, key: str) -> web.Response:
    s = site(request)
    lang, days, page = lang_of(request), q.days, q.page
    labels = Labels(s.core, lang)
    stats = await period_stats(s, days)
    total = next((g for g in stats[by] if g.key == key), None)
    column: Literal["agency_id", "topic_id"] = "agency_id" if by == "agency" else "topic_id"
    async with s.core.maker() as session:
        count, rows = await scorecard_tickets(session, column, key, _start(s.core, days), page, PAGE_SIZE)
    pages = max(1, -(-count // PAGE_SIZE))
    if page > pages:
        raise web.HTTPNotFound()
    if by == "agency":
        title, subtitle, other_label = labels.agency(key), labels.agency_full(key), t("web_col_topic", lang)
    else:
        topic = s.core.rules.topic(key)
        title, other_label = labels.topic(key), t("web_col_agency", lang)
        subtitle = t("web_topic_lead", lang, kind=topic.kind.upper(), agency=labels.agency(topic.lead))
    tickets = [
        {
            "code": tk.code,
            "received": fmt_date(tk.created_at),
            "other": labels.topic(tk.topic_id) if by == "agency" else labels.agency(tk.agency_id),
            "due": fmt_date(tk.answer_due_at),
            "state": labels.state(tk.state),
            "status": open311_status(tk.state),
        }
        for tk in rows
    ]
    html = render(
        s.env,
        request,
        s.core,
        "scorecard.html",
        title=title,
        subtitle=subtitle,
        total=total,
        tickets=tickets,
        count=count,
        page=page,
        pages=pages,
        other_label=other_label,
        periods=_periods(lang),
        days=days,
        path=request.path,
    )
    return web.Response(text=html, content_type="text/html")


@accepts(ScorecardQuery)
async def agency_page(request: web.Request, q: ScorecardQuery) -> web.Response:
    """/agencies/{id} — an agency's scorecard and its tickets, paginated."""
    agency_id = request.match_info["id"]
    if agency_id not in site(request).core.rules.agencies_by_id:
        raise web.HTTPNotFound()
    return await _scorecard(request, q, "agency", agency_id)


@accepts(ScorecardQuery)
async def topic_page(request: web.Request, q: ScorecardQuery) -> web.Response:
    """/topics/{id} — a PCI sub-index or BPI area's scorecard and its tickets, paginated."""
    topic_id = request.match_info["id"]
    if topic_id not in site(request).core.rules.topics_by_id:
        raise web.HTTPNotFound()
    return await _scorecard(request, q, "topic", topic_id)


async def stylesheet(request: web.Request) -> web.Response:
    """/static/site.css — our own stylesheet (no CDN), cached by browsers for an hour."""
    env = site(request).env
    assert env.loader is not None
    source, _, _ = env.loader.get_source(env, "site_css.html")
    return web.Response(text=source, content_type="text/css", headers={"Cache-Control": "public, max-age=3600"})


def error_page(request: web.Request, status: int, description: str) -> web.Response:
    """The page of a refused request (404: not found; 500: our fault; else: the address or form is wrong)."""
    s = site(request)
    template = "not_found.html" if status == 404 else "error.html"
    html = render(s.env, request, s.core, template, status=status, detail=description)
    return web.Response(text=html, status=status, content_type="text/html")


def setup(webapp: web.Application, core: Core) -> Site:
    """Mount the public pages; statistics and the home page are cached for STATS_TTL_SECONDS."""
    s = Site(core=core, env=make_environment(), stats=TTLCache(), pages=TTLCache(), lists=TTLCache())
    webapp[SITE_KEY] = s
    webapp.router.add_get("/", home)
    webapp.router.add_get("/t", lookup)
    webapp.router.add_get("/t/{code}", ticket_page)
    webapp.router.add_get("/agencies/{id}", agency_page)
    webapp.router.add_get("/topics/{id}", topic_page)
    webapp.router.add_get("/static/site.css", stylesheet)
    return s
