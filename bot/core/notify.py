"""What each lifecycle change tells whom: outbox rows for the business, the agencies and the working group."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from bot.channels.base import Attachment as OutAttachment
from bot.channels.base import Button, Outgoing
from bot.core.fmt import fmt_date
from bot.core.i18n import t
from bot.core.publication import display_names, feed_text
from bot.core.services import Core
from bot.core.states import ICONS, allows, state_label, ticket_words
from storage import outbox
from storage.models import Agency, Identity, KeyValue, OutboxMessage, Ticket
from storage.tickets import ticket_attachments

WORKING_GROUP_KEY = "working_group_chat"
BATCH_KEY = "outbox_batch"  # in session.info: the rows enqueued inside `batched`, in order


def enqueue(
    session: AsyncSession,
    now: datetime,
    *,
    channel: str,
    chat_id: str,
    audience: str,
    message: Outgoing,
    thread_id: str | None = None,
    ticket_id: int | None = None,
    identity_id: int | None = None,
    agency_id: str | None = None,
    dedupe_key: str | None = None,
    held: bool = False,
) -> None:
    """Add one outbound message to the outbox (committed with the caller's transaction)."""
    values: dict[str, Any] = {
        "created_at": now,
        "channel": channel,
        "chat_id": chat_id,
        "thread_id": thread_id,
        "audience": audience,
        "ticket_id": ticket_id,
        "identity_id": identity_id,
        "agency_id": agency_id,
        "payload": message.to_payload(),
        "state": "held" if held else "pending",
        "attempts": 0,
        "next_attempt_at": now,
        "dedupe_key": dedupe_key,
    }
    batch: list[dict[str, Any]] | None = session.info.get(BATCH_KEY)
    if batch is None:
        session.add(OutboxMessage(**values))
    else:
        batch.append(values)


@asynccontextmanager
async def batched(session: AsyncSession) -> AsyncIterator[None]:
    """Rows enqueued inside are inserted together when the block ends: one statement, however many events.

    Otherwise each event's rows are flushed by the next event's first query: one INSERT per event
    instead of one per group of events committed together. Nothing is inserted if the block raises.
    """
    rows: list[dict[str, Any]] = []
    session.info[BATCH_KEY] = rows
    try:
        yield
    finally:
        session.info.pop(BATCH_KEY, None)
    await outbox.add_outbox_rows(session, rows)


@asynccontextmanager
async def savepoint(session: AsyncSession) -> AsyncIterator[None]:
    """A savepoint whose rollback also forgets the rows batched inside it, as it would rows already added."""
    batch: list[dict[str, Any]] | None = session.info.get(BATCH_KEY)
    mark = len(batch) if batch is not None else 0
    try:
        async with session.begin_nested():
            yield
    except BaseException:
        if batch is not None:
            del batch[mark:]
        raise


def kind_label(kind: str, lang: str = "vi") -> str:
    """Localized name of a ticket kind."""
    return t(f"kind_{kind}", lang)


def topic_label(core: Core, topic_id: str | None, lang: str = "vi") -> str:
    """Localized topic name, or 'not classified'."""
    if topic_id is None or topic_id not in core.rules.topics_by_id:
        return t("topic_none", lang)
    topic = core.rules.topic(topic_id)
    return {"en": topic.name_en, "zh": topic.name_zh}.get(lang) or topic.name


def agency_label(core: Core, agency_id: str) -> str:
    """Short agency name from the rules."""
    agency = core.rules.agencies_by_id.get(agency_id)
    return agency.name if agency else agency_id


def agency_signature(core: Core, agency_id: str) -> str:
    """The signature under an answer: the agency, never the officer."""
    agency = core.rules.agencies_by_id.get(agency_id)
    return f"— {agency.full_name if agency else agency_id}"


async def to_business(
    session: AsyncSession,
    core: Core,
    ticket: Ticket,
    key: str,
    *,
    buttons: list[list[Button]] | None = None,
    **params: Any,
) -> None:
    """A message to the business that submitted the ticket, in its language."""
    if ticket.identity_id is None:
        return
    identity = await session.get(Identity, ticket.identity_id)
    if identity is None:
        return
    lang = identity.language or ticket.language
    params.setdefault("code", ticket.code)
    params.setdefault("agency", agency_label(core, ticket.agency_id))
    params.setdefault("signature", agency_signature(core, ticket.agency_id))
    params.setdefault("due", fmt_date(ticket.answer_due_at))
    params = {**ticket_words(ticket.kind, lang), **params}
    message = Outgoing(text=t(key, lang, **params), buttons=buttons or [])
    enqueue(
        session,
        core.now(),
        channel=identity.channel,
        chat_id=identity.chat_id,
        audience="business",
        message=message,
        ticket_id=ticket.id,
        identity_id=identity.id,
    )


async def agency_chat(session: AsyncSession, agency_id: str) -> tuple[str, str] | None:
    """(channel, chat id) of the agency's bound group, if any."""
    agency = await session.get(Agency, agency_id)
    if agency is None or not agency.group_chat_id or not agency.group_channel:
        return None
    return agency.group_channel, agency.group_chat_id


def _to_group(
    session: AsyncSession,
    core: Core,
    chat: tuple[str, str] | None,
    message: Outgoing,
    audience: str,
    ticket_id: int | None,
    *,
    agency_id: str | None = None,
    dedupe_key: str | None = None,
) -> None:
    """A message to a group chat, `chat` = (channel, chat id); held with no address while none is bound."""
    channel, chat_id = chat if chat else ("", "")
    enqueue(
        session,
        core.now(),
        channel=channel,
        chat_id=chat_id,
        audience=audience,
        message=message,
        ticket_id=ticket_id,
        agency_id=agency_id,
        dedupe_key=dedupe_key,
        held=chat is None,
    )


async def to_agency_chat(
    session: AsyncSession,
    core: Core,
    agency_id: str,
    message: Outgoing,
    *,
    ticket: Ticket | None = None,
    audience: str = "agency",
    dedupe_key: str | None = None,
) -> None:
    """A message to an agency's group; held until the agency binds a group if it has none yet."""
    chat = await agency_chat(session, agency_id)
    ticket_id = ticket.id if ticket else None
    _to_group(session, core, chat, message, audience, ticket_id, agency_id=agency_id, dedupe_key=dedupe_key)


async def to_agency(
    session: AsyncSession,
    core: Core,
    ticket: Ticket,
    key: str,
    attachments: list[tuple[str, str, str | None]] | None = None,
    **params: Any,
) -> None:
    """A Vietnamese notice about a ticket to its current agency's group."""
    params.setdefault("code", ticket.code)
    params = {**ticket_words(ticket.kind), **params}
    files = [OutAttachment(kind, ref, name) for kind, ref, name in attachments or []]
    await to_agency_chat(
        session,
        core,
        ticket.agency_id,
        Outgoing(text=t(key, "vi", **params), attachments=files),
        ticket=ticket,
    )


async def working_group_chat(session: AsyncSession) -> tuple[str, str] | None:
    """(channel, chat id) of the PCI working group's chat, if bound."""
    row = await session.get(KeyValue, WORKING_GROUP_KEY)
    if row is None or not row.value.get("chat_id"):
        return None
    return str(row.value["channel"]), str(row.value["chat_id"])


async def to_working_group(
    session: AsyncSession,
    core: Core,
    message: Outgoing,
    *,
    ticket_id: int | None = None,
    dedupe_key: str | None = None,
) -> None:
    """A message to the working group's chat; held until one is bound."""
    chat = await working_group_chat(session)
    _to_group(session, core, chat, message, "working_group", ticket_id, dedupe_key=dedupe_key)


# The buttons a lead agency's card may carry, in order: (button, the lifecycle action it leads to).
CARD_BUTTONS: tuple[tuple[str, str], ...] = (
    ("take", "take"),
    ("ask", "ask"),
    ("answer", "resolve"),
    ("transfer", "transfer"),
    ("extend", "extend"),
    ("assign", "assign"),
)
CARD_ACTIONS = dict(CARD_BUTTONS)


def card_buttons_for(state: str) -> list[str]:
    """The card buttons whose action the lifecycle allows in `state` (none on an answered or closed item)."""
    return [button for button, action in CARD_BUTTONS if allows(action, state)]


def officer_buttons(ticket: Ticket) -> list[list[Button]]:
    """The action buttons under a lead agency's ticket card: only what the ticket's state allows."""
    row = [Button(t(f"card_btn_{b}", "vi"), f"{b}:{ticket.code}") for b in card_buttons_for(ticket.state)]
    return [row[i : i + 3] for i in range(0, len(row), 3)]


def card_title(ticket: Ticket, *, lead: bool) -> str:
    """The card's first line: the kind and state of the item (a closed question does not read "new complaint")."""
    return t(
        "card_title" if lead else "card_title_info",
        "vi",
        icon=ICONS.get(ticket.state, ""),
        code=ticket.code,
        state=state_label(ticket.state),
        **ticket_words(ticket.kind),
    )


def rating_buttons(code: str, lang: str) -> list[list[Button]]:
    """The buttons under a rating request: 1–5 and "not solved"."""
    return [
        [Button(str(n), f"rate:{code}:{n}") for n in range(1, 6)],
        [Button(t("btn_not_solved", lang), f"reopen:{code}")],
    ]


async def card(
    session: AsyncSession, core: Core, ticket: Ticket, *, lead: bool, show_contact: bool | None = None
) -> Outgoing:
    """The ticket card an agency group sees (contact details hidden when confidential).

    `show_contact` overrides that for one viewer (authz.can_see_identity), e.g. the coordinator's /show.
    """
    lines = [
        card_title(ticket, lead=lead),
        t(
            "card_meta",
            "vi",
            kind=kind_label(ticket.kind),
            topic=topic_label(core, ticket.topic_id),
            agency=agency_label(core, ticket.agency_id),
        ),
        t("card_due", "vi", ack=fmt_date(ticket.ack_due_at), due=fmt_date(ticket.answer_due_at)),
    ]
    hidden = ticket.confidential or ticket.kind == "to_cao"
    if hidden:
        lines.append(t("card_confidential", "vi"))
    if (not hidden) if show_contact is None else show_contact:
        contact = ", ".join(
            x
            for x in (
                ticket.contact_name,
                ticket.contact_phone,
                ticket.company,
                ticket.tax_code and f"MST {ticket.tax_code}",
            )
            if x
        )
        lines.append(t("show_confidential_contact" if hidden else "card_contact", "vi", contact=contact or "—"))
    if ticket.identity_id is not None:
        identity = await session.get(Identity, ticket.identity_id)
        if identity is not None and identity.unreachable:
            lines.append(t("card_unreachable", "vi"))
    if ticket.transfer_count:
        lines.append(t("card_transfers", "vi", n=ticket.transfer_count))
    lines += ["", ticket.text]
    files = await ticket_attachments(session, ticket.id)
    return Outgoing(
        text="\n".join(lines),
        buttons=officer_buttons(ticket) if lead else [],
        attachments=[OutAttachment(a.kind, a.ref, a.name) for a in files],
    )


async def _lead_card(session: AsyncSession, core: Core, ticket: Ticket) -> None:
    """The ticket card, with the action buttons, to the agency now responsible (or triage)."""
    lead = await card(session, core, ticket, lead=True)
    await to_agency_chat(session, core, ticket.agency_id, lead, ticket=ticket, audience="agency_card")


async def new_ticket(session: AsyncSession, core: Core, ticket: Ticket) -> None:
    """Card to the lead agency (or triage), information cards to co-agencies."""
    await _lead_card(session, core, ticket)
    if ticket.state == "triage" or ticket.topic_id is None:
        return
    info = await card(session, core, ticket, lead=False)
    for co in core.rules.topic(ticket.topic_id).co:
        if co != ticket.agency_id and co in core.rules.agencies_by_id:
            await to_agency_chat(session, core, co, info, ticket=ticket, audience="agency_info")


async def taken(session: AsyncSession, core: Core, ticket: Ticket) -> None:
    """Tell the business its item is being handled."""
    await to_business(session, core, ticket, "taken")


async def resolved(session: AsyncSession, core: Core, ticket: Ticket) -> None:
    """The answer, signed by the agency, with rating buttons."""
    lang = "vi"
    if ticket.identity_id is not None:
        identity = await session.get(Identity, ticket.identity_id)
        lang = (identity.language if identity else None) or ticket.language
    outcome = t(f"outcome_{ticket.outcome}", lang) if ticket.outcome else ""
    await to_business(
        session,
        core,
        ticket,
        "resolved",
        text=ticket.answer_text or "",
        outcome=(t("outcome_line", lang, outcome=outcome) if outcome else ""),
        buttons=rating_buttons(ticket.code, lang),
    )
    channel = core.config.telegram_public_channel
    if channel and not ticket.hidden:  # the public feed shows what /t/CODE shows, never more
        names = (await display_names(session, [ticket])).get(ticket.id, [])
        post = feed_text(
            ticket,
            topic=topic_label(core, ticket.topic_id),
            agency=agency_label(core, ticket.agency_id),
            url=f"{core.config.public_url}/t/{ticket.code}",
            display_names=names,
        )
        enqueue(
            session,
            core.now(),
            channel="telegram",
            chat_id=channel,
            audience="public_feed",
            message=Outgoing(post),
            ticket_id=ticket.id,
            dedupe_key=f"public_feed:{ticket.code}:{ticket.reopen_count}",
        )


async def transferred(session: AsyncSession, core: Core, ticket: Ticket, old_agency: str, reason: str) -> None:
    """Card to the new agency, a notice to the old one, and word to the business."""
    await to_agency_chat(
        session,
        core,
        old_agency,
        Outgoing(
            t(
                "agency_transferred_out",
                "vi",
                code=ticket.code,
                agency=agency_label(core, ticket.agency_id),
                reason=reason,
                **ticket_words(ticket.kind),
            )
        ),
        ticket=ticket,
        audience="agency_handover",
    )
    await _lead_card(session, core, ticket)
    await to_business(session, core, ticket, "transferred", reason=reason)


async def reopened(session: AsyncSession, core: Core, ticket: Ticket, reason: str) -> None:
    """The agency hears the item is back, the business gets the new deadline."""
    await to_agency(session, core, ticket, "agency_reopened", due=fmt_date(ticket.answer_due_at))
    await to_business(session, core, ticket, "reopened")


async def business_unreachable(session: AsyncSession, core: Core, row: OutboxMessage) -> None:
    """A message to the business failed for good (blocked bot …): the agency group hears it."""
    ticket = await session.get(Ticket, row.ticket_id) if row.ticket_id is not None else None
    if ticket is not None:
        await to_agency(session, core, ticket, "agency_business_unreachable")
