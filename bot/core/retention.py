"""Retention: anonymise the personal data of tickets closed longer ago than the retention period."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.core.publication import display_names, private_details, scrub
from bot.core.services import Core
from storage.models import Ticket, TicketEvent
from storage.retention import (
    PURGED,
    blank_outbox,
    closed_unpurged_before,
    count_closed_unpurged_before,
    drop_ticket_files,
    forget_abuse_senders,
    forget_idle_identities,
    ticket_messages,
)

BATCH = 200  # tickets per transaction: a long purge never holds the database for long


@dataclass(frozen=True)
class PurgeResult:
    """What one purge changed (or, for a dry run, would change)."""

    cutoff: datetime
    tickets: int
    identities: int


def _forget(ticket: Ticket, names: list[str]) -> None:
    """Scrub the texts with what we know of the submitter, then drop what identifies them."""
    private = private_details(ticket, names)
    ticket.text = scrub(ticket.text, private.names, private.numbers, private.companies)
    if ticket.answer_text is not None:
        ticket.answer_text = scrub(ticket.answer_text, private.names, private.numbers, private.companies)
    ticket.contact_name = None
    ticket.contact_phone = None
    if not ticket.publish_company:  # a company that agreed to be named stays named, as it is on the public page
        ticket.company = None
        ticket.tax_code = None
    ticket.identity_id = None


async def purge(core: Core, older_than_days: int, *, dry_run: bool = False) -> PurgeResult:
    """Anonymise tickets closed more than `older_than_days` days ago; the audit trail records each purge."""
    now = core.now()
    cutoff = now - timedelta(days=older_than_days)
    if dry_run:
        async with core.maker() as session:
            return PurgeResult(cutoff, await count_closed_unpurged_before(session, cutoff), 0)
    total = 0
    while True:
        async with core.maker() as session, session.begin():
            tickets = await closed_unpurged_before(session, cutoff, BATCH)
            if not tickets:
                break
            names = await display_names(session, tickets)
            ids = [tk.id for tk in tickets]
            by_id = {tk.id: tk for tk in tickets}
            for message in await ticket_messages(session, ids):
                private = private_details(by_id[message.ticket_id], names.get(message.ticket_id, []))
                message.text = scrub(message.text, private.names, private.numbers, private.companies)
            for ticket in tickets:
                _forget(ticket, names.get(ticket.id, []))
                session.add(
                    TicketEvent(
                        ticket_id=ticket.id,
                        at=now,
                        actor_kind="system",
                        actor_id=None,
                        action=PURGED,
                        data={"retention_days": older_than_days},
                    )
                )
            await drop_ticket_files(session, ids)
            await blank_outbox(session, ids)
            total += len(tickets)
    async with core.maker() as session, session.begin():
        identities = await forget_idle_identities(session, cutoff)
        await forget_abuse_senders(session, cutoff)
    return PurgeResult(cutoff, total, identities)
