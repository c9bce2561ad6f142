"""Idempotent SLA sweeps: the reminder/escalation ladder, the daily overdue list, the satisfaction loop."""

from __future__ import annotations

import logging
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, time

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from bot.channels.base import Outgoing
from bot.core import lifecycle, notify
from bot.core.authz import SYSTEM
from bot.core.clock import parse_hours
from bot.core.fmt import fmt_date, fmt_datetime, fmt_percent, local
from bot.core.i18n import t
from bot.core.services import Core
from bot.core.states import ticket_words
from storage import sla as deadlines
from storage.keyvalues import put_value
from storage.models import Identity, KeyValue, Officer, ReminderSent, Ticket
from storage.officers import agency_heads
from storage.outbox import dedupe_key_used
from storage.tickets import tickets_in_states

log = logging.getLogger(__name__)

# Deadlines run while the ticket waits for its agency; awaiting_info is paused and left alone.
ACK_STATES = ("triage", "new")
RUNNING_STATES = ("triage", "new", "in_progress")
PAUSED_STATE = "awaiting_info"
RATING = "rating"
SWEEP_KEY = "sla_last_sweep"
LIST_LIMIT = 40


def notify_hours(core: Core) -> tuple[time, time]:
    """Office hours in which people are notified: PCIBOT_NOTIFY_HOURS, else routing_rules.yaml."""
    return parse_hours(core.config.notify_hours or core.rules.reminders.notify_hours)


def may_notify(core: Core, now: datetime) -> bool:
    """Working day and inside office hours (Asia/Ho_Chi_Minh)."""
    return core.calendar.is_working_time(now, notify_hours(core))


@dataclass(frozen=True)
class DeadlineState:
    """One running deadline of one ticket at a moment: how much of its window is used and which level that is."""

    ticket: Ticket
    deadline: str  # ack | answer
    start: datetime
    due: datetime
    fraction: float
    level: int  # 0 = below the first threshold; len(thresholds) = last threshold reached
    sent_level: int  # highest level already sent for this ticket/deadline/agency/due date

    @property
    def overdue(self) -> bool:
        """Past the deadline."""
        return self.fraction >= 1.0


def level_for(thresholds: list[float], fraction: float) -> int:
    """How many thresholds the used fraction has reached (thresholds ascend)."""
    return sum(1 for x in thresholds if fraction >= x)


async def assess(session: AsyncSession, core: Core, now: datetime) -> list[DeadlineState]:
    """Every running deadline (acknowledge, answer) of every ticket not paused, as of `now`."""
    thresholds = core.rules.reminders.thresholds
    tickets = await tickets_in_states(session, RUNNING_STATES, order_by="id")
    starts = await deadlines.last_reopenings(session, [tk.id for tk in tickets if tk.reopen_count])
    sent = await deadlines.sent_levels(session, ("ack", "answer"), RUNNING_STATES)
    result = []
    for tk in tickets:
        windows = [("answer", starts.get(tk.id, tk.created_at), tk.answer_due_at)]
        if tk.state in ACK_STATES:
            windows.insert(0, ("ack", tk.agency_since, tk.ack_due_at))
        for name, start, due in windows:
            fraction = core.calendar.fraction_elapsed(start, due, now)
            result.append(
                DeadlineState(
                    ticket=tk,
                    deadline=name,
                    start=start,
                    due=due,
                    fraction=fraction,
                    level=level_for(thresholds, fraction),
                    sent_level=sent.get((tk.id, name, tk.agency_id, due), 0),
                )
            )
    return result


@dataclass
class SweepResult:
    """What one sweep sent or changed."""

    reminders: int = 0
    escalations: int = 0
    overdue_list: bool = False
    rating_reminders: int = 0
    auto_closed: int = 0
    skipped_outside_hours: bool = False
    codes: list[str] = field(default_factory=list)


def _line(core: Core, item: DeadlineState, now: datetime) -> str:
    tk = item.ticket
    params = {
        "code": tk.code,
        "agency": notify.agency_label(core, tk.agency_id),
        "topic": notify.topic_label(core, tk.topic_id),
        "due": fmt_date(item.due),
        **ticket_words(tk.kind),
    }
    if item.overdue:
        late = core.calendar.working_days_between(item.due, now)
        return t(f"agency_sla_overdue_{item.deadline}", "vi", late=late, **params)
    used = fmt_percent(core.rules.reminders.thresholds[item.level - 1], 0)
    return t(f"agency_sla_warn_{item.deadline}", "vi", used=used, **params)


def _private(session: AsyncSession, core: Core, officer: Officer, ticket: Ticket, message: Outgoing) -> None:
    assert officer.chat_id is not None
    notify.enqueue(
        session,
        core.now(),
        channel=officer.channel,
        chat_id=officer.chat_id,
        audience="officer",
        message=message,
        ticket_id=ticket.id,
        agency_id=ticket.agency_id,
    )


async def _remind(
    session: AsyncSession, core: Core, ticket: Ticket, due_now: list[DeadlineState], now: datetime
) -> bool:
    """One notice per ticket for every deadline that reached a new level; returns True for an escalation."""
    escalate = any(item.overdue for item in due_now)
    with_heads = escalate or max(item.level for item in due_now) >= 2
    lines = [_line(core, item, now) for item in due_now]
    text = "\n".join(lines)
    hint = t(_hint_key(ticket), "vi", code=ticket.code)
    await notify.to_agency_chat(session, core, ticket.agency_id, Outgoing(f"{text}\n{hint}"), ticket=ticket)
    if ticket.assignee_id is not None:
        officer = await session.get(Officer, ticket.assignee_id)
        if officer is not None and officer.active and officer.chat_id:
            _private(session, core, officer, ticket, Outgoing(text))
    if with_heads:
        head_text = t("agency_sla_to_head", "vi", agency=notify.agency_label(core, ticket.agency_id)) + "\n" + text
        for head in await agency_heads(session, ticket.agency_id):
            if head.id != ticket.assignee_id:
                _private(session, core, head, ticket, Outgoing(head_text))
    if escalate:
        await notify.to_working_group(
            session, core, Outgoing(t("agency_sla_escalation", "vi") + "\n" + text), ticket_id=ticket.id
        )
    for item in due_now:
        session.add(
            ReminderSent(
                ticket_id=ticket.id,
                deadline=item.deadline,
                level=item.level,
                agency_id=ticket.agency_id,
                due_at=item.due,
                sent_at=now,
            )
        )
    await session.flush()
    log.info("SLA %s for %s: %s", "escalation" if escalate else "reminder", ticket.code, lines)
    return escalate


def _hint_key(ticket: Ticket) -> str:
    """What the agency group should do next: assign (triage), take (new), or answer."""
    return {"triage": "agency_sla_hint_assign", "new": "agency_sla_hint_take"}.get(
        ticket.state, "agency_sla_hint_answer"
    )


async def _ladder(session: AsyncSession, core: Core, now: datetime, result: SweepResult) -> None:
    pending: dict[int, list[DeadlineState]] = defaultdict(list)
    for item in await assess(session, core, now):
        if item.level > item.sent_level:  # only the highest level reached is sent, once
            pending[item.ticket.id].append(item)
    for items in pending.values():
        ticket = items[0].ticket
        try:
            async with session.begin_nested():
                escalated = await _remind(session, core, ticket, items, now)
        except IntegrityError:  # another sweeper recorded it first
            continue
        result.codes.append(ticket.code)
        if escalated:
            result.escalations += 1
        else:
            result.reminders += 1


async def overdue_tickets(session: AsyncSession, core: Core, now: datetime) -> list[DeadlineState]:
    """Running tickets past their answer deadline, or past the acknowledge deadline and still not taken."""
    return sorted(
        (item for item in await assess(session, core, now) if item.overdue),
        key=lambda item: (item.due, item.ticket.code),
    )


async def _overdue_list(session: AsyncSession, core: Core, now: datetime) -> bool:
    """Once per working day: the list of overdue tickets in the working group, until they are answered."""
    key = f"overdue-list:{local(now).date().isoformat()}"
    if await dedupe_key_used(session, key):
        return False
    items = await overdue_tickets(session, core, now)
    if not items:
        return False
    seen: dict[int, list[DeadlineState]] = defaultdict(list)
    for item in items:
        seen[item.ticket.id].append(item)
    lines = [t("agency_sla_list_title", "vi", n=len(seen), date=fmt_date(now))]
    for group in list(seen.values())[:LIST_LIMIT]:
        tk = group[0].ticket
        what = ", ".join(t(f"agency_sla_list_{item.deadline}", "vi", due=fmt_date(item.due)) for item in group)
        late = max(core.calendar.working_days_between(item.due, now) for item in group)
        lines.append(
            t("agency_sla_list_line", "vi", code=tk.code, agency=notify.agency_label(core, tk.agency_id),
              what=what, late=late)
        )
    if len(seen) > LIST_LIMIT:
        lines.append(t("agency_sla_list_more", "vi", n=len(seen) - LIST_LIMIT))
    try:
        async with session.begin_nested():
            await notify.to_working_group(session, core, Outgoing("\n".join(lines)), dedupe_key=key)
    except IntegrityError:
        return False
    return True


async def _satisfaction(session: AsyncSession, core: Core, now: datetime, result: SweepResult) -> None:
    """Resolved tickets without the business's confirmation: one rating reminder, then closing."""
    rules = core.rules.satisfaction
    tickets = await tickets_in_states(session, ("resolved",))
    if not tickets:
        return
    sent = await deadlines.reminded_in_state(session, RATING, "resolved")
    for tk in tickets:
        assert tk.resolved_at is not None
        days = core.calendar.working_days_between(tk.resolved_at, now)
        try:
            async with session.begin_nested():
                if days >= rules.close_after_days:
                    await session.refresh(tk, ["events"])
                    await lifecycle.close(session, core, tk, SYSTEM, "no_answer")
                    await notify.to_business(session, core, tk, "closed_no_answer")
                    result.auto_closed += 1
                elif days >= rules.rating_reminder_days and (tk.id, tk.resolved_at) not in sent:
                    identity = await session.get(Identity, tk.identity_id) if tk.identity_id else None
                    lang = (identity.language if identity else None) or tk.language
                    await notify.to_business(
                        session, core, tk, "rating_reminder", buttons=notify.rating_buttons(tk.code, lang)
                    )
                    session.add(
                        ReminderSent(
                            ticket_id=tk.id,
                            deadline=RATING,
                            level=1,
                            agency_id=tk.agency_id,
                            due_at=tk.resolved_at,
                            sent_at=now,
                        )
                    )
                    await session.flush()
                    result.rating_reminders += 1
        except IntegrityError:
            continue


async def _heartbeat(session: AsyncSession, now: datetime) -> None:
    """Record the sweep's time (shown by `pcibot sla report`). Written first, so that on SQLite the
    transaction holds the write lock before the per-ticket savepoints read (no stale-snapshot upgrade)."""
    await put_value(session, SWEEP_KEY, {"at": now.isoformat()}, now)


async def sweep(core: Core) -> SweepResult:
    """One idempotent pass over what is due now; sends nothing outside office hours on working days."""
    now = core.now()
    result = SweepResult()
    if not may_notify(core, now):
        result.skipped_outside_hours = True
        return result
    async with core.maker() as session, session.begin():
        await _heartbeat(session, now)
        await _ladder(session, core, now, result)
        result.overdue_list = await _overdue_list(session, core, now)
        await _satisfaction(session, core, now, result)
    return result


# ---------------------------------------------------------------------------------------------------
# `pcibot sla report`


async def report(core: Core, at: datetime) -> str:
    """What is overdue, due soon, paused and awaiting a rating as of `at` (Vietnamese, for operators)."""
    hours = notify_hours(core)
    async with core.maker() as session:
        items = await assess(session, core, at)
        paused = await tickets_in_states(session, (PAUSED_STATE,), order_by="paused_at")
        resolved = await tickets_in_states(session, ("resolved",), order_by="resolved_at")
        beat = await session.get(KeyValue, SWEEP_KEY)
    window = f"{hours[0]:%H:%M}-{hours[1]:%H:%M}"
    lines = [
        t("agency_sla_report_title", "vi", at=fmt_datetime(at)),
        t(
            "agency_sla_report_window_open" if may_notify(core, at) else "agency_sla_report_window_closed",
            "vi",
            window=window,
        ),
        t(
            "agency_sla_report_last_sweep",
            "vi",
            at=fmt_datetime(datetime.fromisoformat(beat.value["at"])) if beat else "—",
        ),
    ]
    overdue = [i for i in items if i.overdue]
    soon = [i for i in items if i.level and not i.overdue]
    lines += ["", t("agency_sla_report_overdue", "vi", n=len(overdue))]
    lines += [_report_line(core, i, at) for i in sorted(overdue, key=lambda i: i.due)]
    lines += ["", t("agency_sla_report_soon", "vi", n=len(soon))]
    lines += [_report_line(core, i, at) for i in sorted(soon, key=lambda i: i.due)]
    lines += ["", t("agency_sla_report_paused", "vi", n=len(paused))]
    for tk in paused:
        lines.append(
            t(
                "agency_sla_report_paused_line",
                "vi",
                code=tk.code,
                agency=notify.agency_label(core, tk.agency_id),
                since=fmt_date(tk.paused_at) if tk.paused_at else "—",
                due=fmt_date(tk.answer_due_at),
            )
        )
    sat = core.rules.satisfaction
    lines += ["", t("agency_sla_report_rating", "vi", n=len(resolved))]
    for tk in resolved:
        assert tk.resolved_at is not None
        lines.append(
            t(
                "agency_sla_report_rating_line",
                "vi",
                code=tk.code,
                agency=notify.agency_label(core, tk.agency_id),
                resolved=fmt_date(tk.resolved_at),
                close=fmt_date(core.calendar.add_working_days(tk.resolved_at, sat.close_after_days)),
            )
        )
    return "\n".join(lines)


def _report_line(core: Core, item: DeadlineState, at: datetime) -> str:
    tk = item.ticket
    return t(
        "agency_sla_report_line",
        "vi",
        code=tk.code,
        agency=notify.agency_label(core, tk.agency_id),
        deadline=t(f"agency_sla_list_{item.deadline}", "vi", due=fmt_date(item.due)),
        used=fmt_percent(item.fraction, 0),
        level=item.level,
        sent=item.sent_level,
    )
