"""The ticket lifecycle: the only allowed transitions, each recorded as an event in the same transaction."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from bot.core import notify
from bot.core.authz import Actor, can_act, can_assign
from bot.core.codes import new_code
from bot.core.contact import MAX_ATTACHMENTS, MAX_TEXT
from bot.core.services import Core
from bot.core.states import IMPLICIT_TAKE as IMPLICIT_TAKE  # the transition table lives in bot/core/states
from bot.core.states import TRANSITIONS, allows
from storage.models import Agency, Attachment, Message, Ticket, TicketEvent
from storage.tickets import OPEN_STATES as OPEN_STATES  # the states a ticket is open in, named by the schema
from storage.tickets import code_taken, ticket_by_code

KINDS = ("phan_anh", "kien_nghi", "hoi_dap", "to_cao")
OUTCOMES = ("accepted", "under_study", "not_accepted")
MISCONDUCT_AGENCY = "thanh_tra_tinh"


class LifecycleError(Exception):
    """A refused action; `code` is stable, `params` fill the user-facing message."""

    def __init__(self, code: str, **params: Any) -> None:
        super().__init__(code)
        self.code = code
        self.params = params


@dataclass
class Draft:
    """A submission ready to be saved."""

    text: str
    kind: str = "phan_anh"
    source: str = "console"
    identity_id: int | None = None
    language: str = "vi"
    contact_name: str | None = None
    contact_phone: str | None = None
    company: str | None = None
    tax_code: str | None = None
    commune_code: str | None = None
    confidential: bool = False
    consent_publish: bool = False
    publish_company: bool = False
    topic_id: str | None = None
    agency_id: str | None = None
    auto_route: bool = True  # False: topic_id None means the submitter confirmed "no topic" (triage)
    attachments: list[tuple[str, str, str | None]] = field(default_factory=list)  # (kind, ref, name)
    created_at: datetime | None = None


def check_transition(action: str, state: str) -> str:
    """Target state of an action from a state, or LifecycleError('bad_transition')."""
    target = TRANSITIONS.get(action, {}).get(state)
    if target is None:
        raise LifecycleError("bad_transition", action=action, state=state)
    return target


def _event(
    ticket: Ticket,
    actor: Actor,
    action: str,
    at: datetime,
    *,
    from_state: str | None = None,
    to_state: str | None = None,
    reason: str | None = None,
    from_agency: str | None = None,
    to_agency: str | None = None,
    data: dict[str, Any] | None = None,
) -> TicketEvent:
    ev = TicketEvent(
        at=at,
        actor_kind=actor.kind,
        actor_id=actor.ref,
        action=action,
        from_state=from_state,
        to_state=to_state,
        reason=reason,
        from_agency=from_agency,
        to_agency=to_agency,
        data=data or {},
    )
    ticket.events.append(ev)
    ticket.updated_at = at
    return ev


def _move(ticket: Ticket, actor: Actor, action: str, at: datetime, **kw: Any) -> None:
    target = check_transition(action, ticket.state)
    _event(ticket, actor, action, at, from_state=ticket.state, to_state=target, **kw)
    ticket.state = target


def _authorize(actor: Actor, ticket: Ticket) -> None:
    if not can_act(actor, ticket):
        raise LifecycleError("forbidden", ticket=ticket.code, agency=ticket.agency_id)


def _authorize_staff(actor: Actor, ticket: Ticket) -> None:
    """Business actions are checked by the caller (linked identities); staff ones here."""
    if actor.role != "business":
        _authorize(actor, ticket)


def _require(text: str | None, what: str) -> str:
    value = (text or "").strip()
    if not value:
        raise LifecycleError(f"{what}_required")
    if len(value) > MAX_TEXT:
        raise LifecycleError("too_long", limit=MAX_TEXT)
    return value


async def get_ticket(session: AsyncSession, code: str) -> Ticket | None:
    """A ticket by its canonical code, with events loaded."""
    ticket = await ticket_by_code(session, code)
    if ticket is not None:
        await session.refresh(ticket, ["events"])
    return ticket


async def _unique_code(session: AsyncSession, prefix: str) -> str:
    while True:
        code = new_code(prefix)
        if not await code_taken(session, code):
            return code


def _as_given(draft: Draft) -> dict[str, Any]:
    """What a ticket keeps of the submitter's draft: a denunciation is always confidential and never published."""
    misconduct = draft.kind == "to_cao"
    return {
        "kind": draft.kind,
        "text": draft.text.strip(),
        "contact_name": draft.contact_name,
        "contact_phone": draft.contact_phone,
        "company": draft.company,
        "tax_code": draft.tax_code,
        "commune_code": draft.commune_code,
        "confidential": draft.confidential or misconduct,
        "consent_publish": draft.consent_publish and not misconduct,
        "publish_company": draft.publish_company,
    }


def preview(draft: Draft) -> Ticket:
    """The ticket a draft would become, unsaved and unrouted: what the review screen and publication rules see."""
    return Ticket(**_as_given(draft))


async def submit(session: AsyncSession, core: Core, draft: Draft, actor: Actor) -> Ticket:
    """Validate, route and save a new ticket, then enqueue the agency cards."""
    text = _require(draft.text, "text")
    if draft.kind not in KINDS:
        raise LifecycleError("bad_kind", kind=draft.kind)
    if len(draft.attachments) > MAX_ATTACHMENTS:
        raise LifecycleError("too_many_attachments", limit=MAX_ATTACHMENTS)
    now = draft.created_at or core.now()
    rules = core.rules
    decision = core.router.route(text)
    routed = None if decision.topic == "unclassified" else decision.topic
    topic_id = draft.topic_id if draft.topic_id is not None or not draft.auto_route else routed
    if topic_id is not None and topic_id not in rules.topics_by_id:
        raise LifecycleError("unknown_topic", topic=topic_id, topics=", ".join(core.rules.topics_by_id))
    if draft.kind == "to_cao":
        agency_id, state = MISCONDUCT_AGENCY, "new"
    elif draft.agency_id:
        agency_id, state = draft.agency_id, "new"
    elif topic_id is not None:
        agency_id, state = rules.topic(topic_id).lead, "new"
    else:
        agency_id, state = core.coordinator_agency, "triage"
    if agency_id not in rules.agencies_by_id:
        raise LifecycleError("unknown_agency", agency=agency_id)
    ack_days, answer_days = rules.sla.sla_for(draft.kind, topic_id)
    ticket = Ticket(
        code=await _unique_code(session, core.prefix),
        state=state,
        topic_id=topic_id,
        agency_id=agency_id,
        source=draft.source,
        identity_id=draft.identity_id,
        language=draft.language,
        **_as_given(draft),
        route_confidence=decision.confidence,
        route_explanation=decision.to_json(),
        created_at=now,
        updated_at=now,
        agency_since=now,
        ack_due_at=core.calendar.add_working_days(now, ack_days),
        answer_due_at=core.calendar.add_working_days(now, answer_days),
        extension_days=0,
        transfer_count=0,
        reopen_count=0,
        hidden=False,
    )
    ticket.events = []
    session.add(ticket)
    _event(
        ticket,
        actor,
        "submitted",
        now,
        to_state=state,
        to_agency=agency_id,
        data={"topic": topic_id, "source": draft.source, "route": decision.to_json()},
    )
    await session.flush()
    for kind, ref, name in draft.attachments:
        session.add(
            Attachment(ticket_id=ticket.id, channel=draft.source, kind=kind, ref=ref, name=name, created_at=now)
        )
    session.add(
        Message(ticket_id=ticket.id, at=now, direction="in", author_kind="submitter", text=text, internal=False)
    )
    await session.flush()
    await notify.new_ticket(session, core, ticket)
    return ticket


async def assign(
    session: AsyncSession,
    core: Core,
    ticket: Ticket,
    actor: Actor,
    agency_id: str,
    topic_id: str | None = None,
) -> None:
    """Coordinator sends a triage item to an agency (optionally fixing its topic)."""
    if not can_assign(actor):
        raise LifecycleError("forbidden", ticket=ticket.code, agency=ticket.agency_id)
    if agency_id not in core.rules.agencies_by_id:
        raise LifecycleError("unknown_agency", agency=agency_id)
    if topic_id is not None and topic_id not in core.rules.topics_by_id:
        raise LifecycleError("unknown_topic", topic=topic_id, topics=", ".join(core.rules.topics_by_id))
    now = core.now()
    _move(ticket, actor, "assign", now, from_agency=ticket.agency_id, to_agency=agency_id)
    ticket.agency_id = agency_id
    if topic_id:
        ticket.topic_id = topic_id
    ticket.agency_since = now
    ack_days, _ = core.rules.sla.sla_for(ticket.kind, ticket.topic_id)
    ticket.ack_due_at = core.calendar.add_working_days(now, ack_days)
    await session.flush()
    await notify.new_ticket(session, core, ticket)


async def take(session: AsyncSession, core: Core, ticket: Ticket, actor: Actor) -> None:
    """An officer takes a new ticket: the acknowledgement."""
    _authorize(actor, ticket)
    now = core.now()
    _move(ticket, actor, "take", now)
    ticket.taken_at = ticket.taken_at or now
    ticket.assignee_id = actor.officer_id
    await notify.taken(session, core, ticket)


async def _implicit_take(session: AsyncSession, core: Core, ticket: Ticket, actor: Actor) -> None:
    _authorize(actor, ticket)
    if ticket.state == "new":
        await take(session, core, ticket, actor)


def _mark_response(ticket: Ticket, now: datetime) -> None:
    if ticket.first_response_at is None:
        ticket.first_response_at = now


def _officer_message(session: AsyncSession, ticket: Ticket, actor: Actor, now: datetime, body: str) -> None:
    """Keep in the ticket's thread what the officer sends the business on behalf of the agency."""
    session.add(
        Message(
            ticket_id=ticket.id,
            at=now,
            direction="out",
            author_kind="officer",
            officer_id=actor.officer_id,
            agency_id=ticket.agency_id,
            text=body,
        )
    )


async def reply(
    session: AsyncSession,
    core: Core,
    ticket: Ticket,
    actor: Actor,
    text: str,
    group: Sequence[str] = (),
    cluster: str | None = None,
) -> None:
    """A message from the agency to the business (signed by the agency), without resolving.

    `group`: every code answered by the same message (`cluster`: the cluster it was sent to), kept in the history.
    """
    _authorize(actor, ticket)  # who may act is said before what is missing
    body = _require(text, "answer")
    await _implicit_take(session, core, ticket, actor)
    if not allows("reply", ticket.state):
        raise LifecycleError("bad_transition", action="reply", state=ticket.state)
    now = core.now()
    _mark_response(ticket, now)
    data: dict[str, Any] = {"text": body}
    if group:
        data["group"] = list(group)
    if cluster:
        data["cluster"] = cluster
    _event(ticket, actor, "replied", now, data=data)
    _officer_message(session, ticket, actor, now, body)
    await notify.to_business(session, core, ticket, "agency_reply", text=body)


async def ask(session: AsyncSession, core: Core, ticket: Ticket, actor: Actor, question: str) -> None:
    """Ask the business for information; the answer clock pauses until it replies."""
    _authorize(actor, ticket)
    body = _require(question, "question")
    await _implicit_take(session, core, ticket, actor)
    now = core.now()
    _move(ticket, actor, "ask", now, reason=body)
    _mark_response(ticket, now)
    ticket.paused_at = now
    _officer_message(session, ticket, actor, now, body)
    await notify.to_business(session, core, ticket, "agency_question", text=body)


async def info_received(
    session: AsyncSession,
    core: Core,
    ticket: Ticket,
    actor: Actor,
    text: str,
    attachments: list[tuple[str, str, str | None]] | None = None,
) -> None:
    """The business answered a question: add it to the thread and resume the clock."""
    _authorize_staff(actor, ticket)
    body = text.strip()
    if len(body) > MAX_TEXT:
        raise LifecycleError("too_long", limit=MAX_TEXT)
    now = core.now()
    _move(ticket, actor, "info_received", now)
    if ticket.paused_at is not None:
        ticket.answer_due_at = core.calendar.shift_for_pause(ticket.answer_due_at, ticket.paused_at, now)
        ticket.paused_at = None
    session.add(Message(ticket_id=ticket.id, at=now, direction="in", author_kind="submitter", text=body))
    for kind, ref, name in attachments or []:
        session.add(
            Attachment(ticket_id=ticket.id, channel=ticket.source, kind=kind, ref=ref, name=name, created_at=now)
        )
    await notify.to_agency(session, core, ticket, "agency_info_received", text=body, attachments=attachments or [])


async def resolve(
    session: AsyncSession, core: Core, ticket: Ticket, actor: Actor, answer: str, outcome: str | None = None
) -> None:
    """The agency's answer closes the handling; a recommendation also needs an outcome."""
    _authorize(actor, ticket)
    body = _require(answer, "answer")
    if ticket.kind == "kien_nghi":
        if outcome not in OUTCOMES:
            raise LifecycleError("outcome_required")
    elif outcome is not None and outcome not in OUTCOMES:
        raise LifecycleError("outcome_required")
    await _implicit_take(session, core, ticket, actor)
    now = core.now()
    _move(ticket, actor, "resolve", now, data={"outcome": outcome})
    _mark_response(ticket, now)
    ticket.resolved_at = now
    ticket.answer_text = body
    ticket.outcome = outcome
    _officer_message(session, ticket, actor, now, body)
    await notify.resolved(session, core, ticket)


async def transfer(
    session: AsyncSession, core: Core, ticket: Ticket, actor: Actor, agency_id: str, reason: str
) -> None:
    """Send a ticket to another agency: it is new there, with a fresh ack deadline; the answer deadline stays."""
    _authorize(actor, ticket)
    why = _require(reason, "reason")
    if agency_id not in core.rules.agencies_by_id:
        raise LifecycleError("unknown_agency", agency=agency_id)
    if agency_id == ticket.agency_id:
        raise LifecycleError("same_agency", agency=agency_id)
    now = core.now()
    old = ticket.agency_id
    _move(ticket, actor, "transfer", now, reason=why, from_agency=old, to_agency=agency_id)
    ticket.agency_id = agency_id
    ticket.agency_since = now
    ticket.transfer_count += 1
    ticket.assignee_id = None
    ack_days, _ = core.rules.sla.sla_for(ticket.kind, ticket.topic_id)
    ticket.ack_due_at = core.calendar.add_working_days(now, ack_days)
    await session.flush()
    await notify.transferred(session, core, ticket, old, why)


async def extend(session: AsyncSession, core: Core, ticket: Ticket, actor: Actor, days: int, reason: str) -> None:
    """One extension of the answer deadline, up to the configured maximum, with a reason."""
    _authorize(actor, ticket)
    why = _require(reason, "reason")
    if not allows("extend", ticket.state):
        raise LifecycleError("bad_transition", action="extend", state=ticket.state)
    limit = core.rules.sla.extension_max
    if ticket.extension_days > 0:
        raise LifecycleError("already_extended")
    if not 1 <= days <= limit:
        raise LifecycleError("bad_extension", limit=limit)
    now = core.now()
    old_due = ticket.answer_due_at
    ticket.answer_due_at = core.calendar.add_working_days(old_due, days)
    ticket.extension_days = days
    _event(
        ticket,
        actor,
        "extended",
        now,
        reason=why,
        data={"days": days, "from": old_due.isoformat(), "to": ticket.answer_due_at.isoformat()},
    )
    await notify.to_business(session, core, ticket, "extended", days=days, reason=why)


async def reject(session: AsyncSession, core: Core, ticket: Ticket, actor: Actor, reason: str) -> None:
    """Out of scope: refused with a reason the business reads."""
    _authorize(actor, ticket)
    why = _require(reason, "reason")
    now = core.now()
    _move(ticket, actor, "reject", now, reason=why)
    ticket.closed_at = now
    await notify.to_business(session, core, ticket, "rejected", reason=why)


async def note(session: AsyncSession, core: Core, ticket: Ticket, actor: Actor, text: str) -> None:
    """An internal note: never shown to the business or the public."""
    _authorize(actor, ticket)
    body = _require(text, "text")
    now = core.now()
    _event(ticket, actor, "note", now)
    session.add(
        Message(
            ticket_id=ticket.id,
            at=now,
            direction="internal",
            author_kind=actor.kind,
            officer_id=actor.officer_id,
            agency_id=actor.agency_id,
            text=body,
            internal=True,
        )
    )


async def close(session: AsyncSession, core: Core, ticket: Ticket, actor: Actor, reason: str) -> None:
    """Close a resolved ticket: confirmed by the business, or no answer in time."""
    _authorize_staff(actor, ticket)
    now = core.now()
    _move(ticket, actor, "close", now, reason=reason)
    ticket.closed_at = now
    ticket.close_reason = reason


def reopen_window_open(core: Core, ticket: Ticket, now: datetime) -> bool:
    """The business may reopen within N calendar days of the resolution."""
    if ticket.resolved_at is None:
        return False
    return now - ticket.resolved_at <= timedelta(days=core.rules.satisfaction.reopen_within_days)


async def reopen(session: AsyncSession, core: Core, ticket: Ticket, actor: Actor, reason: str) -> None:
    """The business says it is not solved: back to the agency with a fresh answer window."""
    _authorize_staff(actor, ticket)
    now = core.now()
    check_transition("reopen", ticket.state)
    if actor.role == "business" and not reopen_window_open(core, ticket, now):
        raise LifecycleError("reopen_expired", days=core.rules.satisfaction.reopen_within_days)
    _move(ticket, actor, "reopen", now, reason=reason)
    ticket.reopen_count += 1
    ticket.closed_at = None
    ticket.close_reason = None
    _, answer_days = core.rules.sla.sla_for(ticket.kind, ticket.topic_id)
    ticket.answer_due_at = core.calendar.add_working_days(now, answer_days)
    await notify.reopened(session, core, ticket, reason)


async def rate(session: AsyncSession, core: Core, ticket: Ticket, actor: Actor, score: int) -> bool:
    """Record the business's rating; 1–2 within the window reopens, otherwise a resolved ticket closes.

    Returns True when the rating reopened the ticket.
    """
    _authorize_staff(actor, ticket)
    if ticket.state not in {"resolved", "closed"}:
        raise LifecycleError("bad_transition", action="rate", state=ticket.state)
    if not 1 <= score <= 5:
        raise LifecycleError("bad_rating")
    now = core.now()
    ticket.rating = score
    _event(ticket, actor, "rated", now, data={"rating": score})
    await notify.to_agency(session, core, ticket, "agency_rated", rating=score)
    if score <= 2 and reopen_window_open(core, ticket, now):
        await reopen(session, core, ticket, actor, "rating")
        return True
    if ticket.state == "resolved":
        await close(session, core, ticket, actor, "confirmed")
    return False


async def agency_name(session: AsyncSession, agency_id: str) -> str:
    """Short display name of an agency."""
    agency = await session.get(Agency, agency_id)
    return agency.name if agency else agency_id
