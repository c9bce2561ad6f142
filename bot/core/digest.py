"""The weekly working-group digest: numbers per agency and topic, praise and lagging, recurring problems, a chart,
and delivery."""

from __future__ import annotations

import asyncio
import re
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta

from apscheduler.triggers.cron import CronTrigger
from matplotlib.figure import Figure
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from bot.channels.base import Attachment, Outgoing
from bot.core import notify
from bot.core.charts import CHART_FONT, png_of, rate_chart
from bot.core.clock import TZ
from bot.core.clusters import DEFAULT_WINDOW, Cluster, find_clusters, render_cluster
from bot.core.fmt import fmt_date, fmt_int, fmt_percent
from bot.core.i18n import t
from bot.core.services import Core
from bot.core.states import STATES, state_label
from bot.core.stats import GroupStats, compute_many, lagging_groups, states_at_end
from storage import analytics
from storage.outbox import dedupe_key_used
from storage.tickets import any_ticket_before

__all__ = [
    "CHART_FONT",
    "Digest",
    "Week",
    "build_digest",
    "chart_figure",
    "due_week",
    "post_digest",
    "render_png",
    "render_text",
    "send_due",
]

DIGEST_CLUSTERS = 5  # the largest clusters of similar items shown under "Vấn đề lặp lại"
_WEEK_RE = re.compile(r"^(\d{4})-?W(\d{2})$", re.IGNORECASE)


@dataclass(frozen=True)
class Week:
    """An ISO week in Vietnam's time zone: Monday 00:00 to the next Monday 00:00 (as UTC instants)."""

    year: int
    number: int

    @classmethod
    def parse(cls, text: str) -> Week:
        """'2026-W10' (or '2026W10'); ValueError with a readable message otherwise."""
        m = _WEEK_RE.match(text.strip())
        if m is None:
            raise ValueError(f"tuần không hợp lệ {text!r}: cần dạng YYYY-Www, ví dụ 2026-W10")
        year, number = int(m.group(1)), int(m.group(2))
        try:
            date.fromisocalendar(year, number, 1)
        except ValueError:
            raise ValueError(f"năm {year} không có tuần {number}") from None
        return cls(year, number)

    @classmethod
    def containing(cls, moment: datetime) -> Week:
        """The week that contains a moment (local date)."""
        iso = moment.astimezone(TZ).date().isocalendar()
        return cls(iso.year, iso.week)

    @property
    def monday(self) -> date:
        """Local date of the week's Monday."""
        return date.fromisocalendar(self.year, self.number, 1)

    @property
    def start(self) -> datetime:
        """Monday 00:00 local, in UTC."""
        return datetime.combine(self.monday, time(0), tzinfo=TZ).astimezone(UTC)

    @property
    def end(self) -> datetime:
        """The next Monday 00:00 local, in UTC (exclusive)."""
        return self.next().start

    def previous(self) -> Week:
        """The week before."""
        return Week.containing(self.start - timedelta(days=1))

    def next(self) -> Week:
        """The week after."""
        return Week.containing(datetime.combine(self.monday + timedelta(days=7), time(12), tzinfo=TZ))

    @property
    def iso(self) -> str:
        """2026-W10."""
        return f"{self.year}-W{self.number:02d}"

    @property
    def label(self) -> str:
        """10/2026, as Vietnamese offices write it."""
        return f"{self.number}/{self.year}"


@dataclass(frozen=True)
class Digest:
    """Everything the weekly digest says."""

    week: Week
    total: GroupStats | None
    previous_total: GroupStats | None
    agencies: list[GroupStats]
    previous_agencies: dict[str, GroupStats]
    topics: list[GroupStats]
    praise: list[GroupStats]
    lagging: list[GroupStats]
    praise_rate: float
    lagging_rate: float
    working_days: int
    days_off: list[date]  # Monday–Friday holidays in the week
    days_swapped: list[date]  # weekend days worked in the week
    clusters: list[Cluster]  # recurring problems among items received in DEFAULT_WINDOW up to the week's end
    cluster_lines: list[str]  # the same, rendered (agency and topic names resolved)
    states: dict[str, int]  # the week's items by their state at the week's end


async def _recurring(core: Core, week: Week) -> list[Cluster]:
    """The clusters up to the week's end, read in a session of their own (to run beside the statistics)."""
    async with core.maker() as session:
        return await find_clusters(session, core, until=week.end)


async def build_digest(session: AsyncSession, core: Core, week: Week) -> Digest:
    """Statistics of a week and the week before, classified by the YAML thresholds.

    The clusters (mostly CPU in a worker thread) are found while the statistics are counted."""
    async with asyncio.TaskGroup() as tasks:
        recurring = tasks.create_task(_recurring(core, week))
        digest = await _counted(session, core, week)
    shown = recurring.result()[:DIGEST_CLUSTERS]
    return replace(digest, clusters=shown, cluster_lines=[render_cluster(core, c) for c in shown])


async def _counted(session: AsyncSession, core: Core, week: Week) -> Digest:
    """The digest's statistics; its clusters are left empty."""
    prev = week.previous()
    now = await compute_many(session, core, week.start, week.end, ("agency", "topic", "all"))
    before = await compute_many(session, core, prev.start, prev.end, ("agency", "all"))
    agencies, topics, total = now["agency"], now["topic"], now["all"]
    previous, previous_total = before["agency"], before["all"]
    rules = core.rules.reminders
    rated = [g for g in agencies if g.on_time_rate is not None]
    praise = sorted(
        (g for g in rated if g.on_time_rate is not None and g.on_time_rate >= rules.praise_on_time_rate),
        key=lambda g: (-(g.on_time_rate or 0), -g.answered, g.name),
    )
    lagging = lagging_groups(agencies, rules.lagging_on_time_rate)
    days = [week.monday + timedelta(days=i) for i in range(7)]
    working = [d for d in days if core.calendar.is_working_day(d)]
    return Digest(
        week=week,
        total=total[0] if total else None,
        previous_total=previous_total[0] if previous_total else None,
        agencies=agencies,
        previous_agencies={g.key: g for g in previous},
        topics=topics,
        praise=praise,
        lagging=lagging,
        praise_rate=rules.praise_on_time_rate,
        lagging_rate=rules.lagging_on_time_rate,
        working_days=len(working),
        days_off=[d for d in days if d.weekday() < 5 and d not in working],
        days_swapped=[d for d in days if d.weekday() >= 5 and d in working],
        clusters=[],
        cluster_lines=[],
        states=await states_at_end(session, week.start, week.end),
    )


# ---------------------------------------------------------------------------------------------------
# Text


def _num(x: float, digits: int = 1) -> str:
    return f"{x:.{digits}f}".replace(".", ",")


def _hours(h: float | None) -> str:
    return "—" if h is None else _num(h)


def _rating(r: float | None) -> str:
    return "—" if r is None else f"{_num(r)}/5"


def _rate_change(now: float | None, before: float | None) -> str:
    """Change in percentage points against the previous week."""
    if now is None or before is None:
        return t("agency_digest_no_change", "vi")
    diff = (now - before) * 100
    if abs(diff) < 0.05:
        return t("agency_digest_same", "vi")
    return t("agency_digest_up" if diff > 0 else "agency_digest_down", "vi", points=_num(abs(diff)))


def _count_change(now: int, before: int | None) -> str:
    if before is None:
        before = 0
    diff = now - before
    return f"{'+' if diff > 0 else ''}{fmt_int(diff)}" if diff else "="


def _figures(g: GroupStats, previous: GroupStats | None) -> dict[str, str]:
    """The week's figures of a group (the on-time rate compared with `previous`), formatted for the catalog."""
    return {
        "received": fmt_int(g.received),
        "answered": fmt_int(g.answered),
        "on_time": fmt_int(g.answered_on_time),
        "open": fmt_int(g.open),
        "overdue": fmt_int(g.open_overdue),
        "rate": fmt_percent(g.on_time_rate),
        "change": _rate_change(g.on_time_rate, previous.on_time_rate if previous else None),
        "hours": _hours(g.median_first_response_hours),
        "transfers": fmt_int(g.transfers_out),
        "extensions": fmt_int(g.extensions),
        "rating": _rating(g.avg_rating),
        "reopened": fmt_int(g.reopened),
    }


def _group_line(g: GroupStats, previous: GroupStats | None) -> str:
    return t("agency_digest_group_line", "vi", name=g.name, resolved=fmt_int(g.resolved), **_figures(g, previous))


def _days(ds: list[date]) -> str:
    return ", ".join(d.strftime("%d/%m") for d in ds)


def render_text(digest: Digest) -> list[str]:
    """The digest as Vietnamese messages: the summary (sent with the chart), per agency, per topic."""
    week = digest.week
    last_day = week.end - timedelta(days=1)
    summary = [
        t("agency_digest_title", "vi", week=week.label, start=fmt_date(week.start), end=fmt_date(last_day)),
        t("agency_digest_working_days", "vi", n=digest.working_days),
    ]
    if digest.days_off:
        summary[-1] += " " + t("agency_digest_days_off", "vi", days=_days(digest.days_off))
    if digest.days_swapped:
        summary[-1] += " " + t("agency_digest_days_swapped", "vi", days=_days(digest.days_swapped))
    total, before = digest.total, digest.previous_total
    if total is None:
        summary.append(t("agency_digest_empty", "vi"))
    else:
        received_change = _count_change(total.received, before.received if before else None)
        summary.append(t("agency_digest_total", "vi", received_change=received_change, **_figures(total, before)))
    if digest.states:
        states = " · ".join(f"{state_label(s)} {fmt_int(digest.states[s])}" for s in STATES if s in digest.states)
        summary.append(t("agency_digest_states", "vi", states=states))
    summary.append(t("agency_digest_rule", "vi"))
    summary.append("")
    threshold = fmt_percent(digest.praise_rate, 0)
    if digest.praise:
        names = "; ".join(f"{g.name} ({fmt_percent(g.on_time_rate)})" for g in digest.praise)
        summary.append(t("agency_digest_praise", "vi", threshold=threshold, names=names))
    else:
        summary.append(t("agency_digest_praise_none", "vi", threshold=threshold))
    threshold = fmt_percent(digest.lagging_rate, 0)
    if digest.lagging:
        names = "; ".join(
            t("agency_digest_lagging_item", "vi", name=g.name, rate=fmt_percent(g.on_time_rate),
              overdue=fmt_int(g.open_overdue))
            for g in digest.lagging
        )
        summary.append(t("agency_digest_lagging", "vi", threshold=threshold, names=names))
    else:
        summary.append(t("agency_digest_lagging_none", "vi", threshold=threshold))
    parts = ["\n".join(summary)]
    if digest.agencies:
        lines = [t("agency_digest_by_agency", "vi", week=week.label)]
        lines += [_group_line(g, digest.previous_agencies.get(g.key)) for g in digest.agencies]
        parts.append("\n".join(lines))
    if digest.topics:
        lines = [t("agency_digest_by_topic", "vi", week=week.label)]
        lines += [_group_line(g, None) for g in digest.topics]
        parts.append("\n".join(lines))
    parts.append(_clusters_part(digest))
    return parts


def _clusters_part(digest: Digest) -> str:
    """"Vấn đề lặp lại": the largest clusters of similar items, or a line saying there is none."""
    window = {"start": fmt_date(digest.week.end - DEFAULT_WINDOW), "end": fmt_date(digest.week.end - timedelta(days=1))}
    if not digest.clusters:
        return t("agency_digest_clusters_none", "vi", **window)
    lines = [t("agency_digest_clusters", "vi", **window)]
    lines += digest.cluster_lines
    lines.append(t("agency_clusters_hint", "vi"))
    return "\n\n".join(lines)


# ---------------------------------------------------------------------------------------------------
# Chart


def chart_figure(digest: Digest) -> Figure:
    """Per-agency on-time rate (bars coloured by the praise/lagging thresholds) and open overdue counts."""
    return rate_chart(
        digest.agencies,
        praise_rate=digest.praise_rate,
        lagging_rate=digest.lagging_rate,
        title=t("agency_digest_chart_title", "vi", week=digest.week.label),
        empty=t("agency_digest_empty", "vi"),
    )


def render_png(digest: Digest) -> bytes:
    """The chart as PNG bytes (Agg, no display needed), labels in DejaVu Sans."""
    return png_of(lambda: chart_figure(digest))


# ---------------------------------------------------------------------------------------------------
# Delivery


async def messages(digest: Digest) -> list[Outgoing]:
    """The outgoing messages: the summary with the chart attached, then the tables."""
    parts = render_text(digest)
    png = await asyncio.to_thread(render_png, digest)  # seconds of CPU: keep the event loop free
    chart = Attachment.png(png, f"ban-tin-{digest.week.iso}.png")
    return [Outgoing(parts[0], attachments=[chart]), *(Outgoing(p) for p in parts[1:])]


def _dedupe(week: Week, i: int) -> str:
    return f"digest:{week.iso}:{i}"


async def post_digest(
    session: AsyncSession,
    core: Core,
    digest: Digest,
    *,
    chat: tuple[str, str, str | None] | None = None,
    scheduled: bool = False,
) -> int:
    """Enqueue the digest to a chat (channel, chat id, thread) or the working group; returns the count.

    Scheduled digests carry a per-week de-duplication key, so a week is posted to the group once.
    """
    outs = await messages(digest)
    for cluster in digest.clusters:  # `/reply <id>` answers the members shown here
        await analytics.remember_cluster(session, cluster.id, cluster.codes, core.now())
    for i, out in enumerate(outs):
        if chat is not None:
            channel, chat_id, thread_id = chat
            notify.enqueue(
                session, core.now(), channel=channel, chat_id=chat_id, thread_id=thread_id, audience="reply",
                message=out,
            )
        else:
            await notify.to_working_group(
                session, core, out, dedupe_key=_dedupe(digest.week, i) if scheduled else None
            )
    return len(outs)


def due_week(cron: str, now: datetime) -> Week | None:
    """The week whose digest is due: the one before the latest cron firing in the past seven days."""
    trigger = CronTrigger.from_crontab(cron, timezone=TZ)
    fire = trigger.get_next_fire_time(None, now - timedelta(days=7))
    last = None
    while fire is not None and fire <= now:
        last = fire
        fire = trigger.get_next_fire_time(fire, fire + timedelta(seconds=1))
    return Week.containing(last).previous() if last is not None else None


async def send_due(core: Core) -> Week | None:
    """Post the weekly digest if its time has come and it was not posted yet (idempotent; catches up).

    A database with no ticket before the week's end (a fresh installation) gets no digest.
    """
    week = due_week(core.rules.reminders.digest_cron, core.now())
    if week is None:
        return None
    try:
        async with core.maker() as session, session.begin():
            if await dedupe_key_used(session, _dedupe(week, 0)):
                return None
            if not await any_ticket_before(session, week.end):
                return None
            digest = await build_digest(session, core, week)
            await post_digest(session, core, digest, scheduled=True)
    except IntegrityError:  # posted meanwhile by another sweep
        return None
    return week
