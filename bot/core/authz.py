"""Authorization in one place: who may act on which ticket and who may see a submitter's identity."""

from __future__ import annotations

from dataclasses import dataclass

from storage.models import Ticket

OFFICER_ROLES = frozenset({"officer", "head"})
STAFF_ROLES = frozenset({"officer", "head", "coordinator", "admin"})


@dataclass(frozen=True)
class Actor:
    """Who is acting: a business (identity), an agency officer, the coordinator, an admin, or the system."""

    role: str  # business | officer | head | coordinator | admin | system
    ref: str  # "identity:5", "officer:3", "system"
    agency_id: str | None = None
    officer_id: int | None = None
    identity_id: int | None = None

    @property
    def kind(self) -> str:
        """Kind recorded in ticket events."""
        return "submitter" if self.role == "business" else self.role


SYSTEM = Actor(role="system", ref="system")


def is_staff(actor: Actor) -> bool:
    """Officer, head, coordinator or admin."""
    return actor.role in STAFF_ROLES


def can_act(actor: Actor, ticket: Ticket) -> bool:
    """Officers and heads act on their agency's tickets; the coordinator on all; the system always."""
    if actor.role in {"coordinator", "system"}:
        return True
    return actor.role in OFFICER_ROLES and actor.agency_id == ticket.agency_id


def can_assign(actor: Actor) -> bool:
    """Assigning triage items to an agency is for the coordinator and admins."""
    return actor.role in {"coordinator", "admin", "system"}


def can_administer(actor: Actor) -> bool:
    """Binding chats, inviting officers, statistics: admins and the coordinator."""
    return actor.role in {"coordinator", "admin"}


def can_see_identity(actor: Actor, ticket: Ticket) -> bool:
    """Contact details: the agency's staff unless confidential; a confidential identity only the coordinator."""
    if actor.role == "coordinator":
        return True
    if actor.role == "business":
        return actor.identity_id is not None and actor.identity_id == ticket.identity_id
    if ticket.confidential or ticket.kind == "to_cao":
        return False
    return actor.role in OFFICER_ROLES and actor.agency_id == ticket.agency_id


def can_see_hidden(actor: Actor, ticket: Ticket) -> bool:
    """A ticket hidden from public view: its agency's staff, the coordinator and admins (and its submitter)."""
    return can_act(actor, ticket) or can_administer(actor)


def can_hide(actor: Actor) -> bool:
    """Hiding a ticket from public view is the coordinator's decision."""
    return actor.role == "coordinator"
