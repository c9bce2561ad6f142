"""The authorization matrix in the chats: every ticket command and card button × every role × ticket state × channel.

Each case gets a fresh ticket of Cục Thuế (a triage item for the `triage` state) and one event from one person,
through the dispatcher as the channel adapters hand it over. A case either acts (the ticket, its audit trail or
the person's dialog changes, or an agency choice is offered) or is refused: then nothing changes and the
person is told why. The expectations are written out here, from the plan's rules, not read from bot/core.
Authorization does not depend on the database, so the matrix runs on SQLite only (storage tests cover PostgreSQL).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.app import App
from bot.channels.base import Incoming
from bot.core import lifecycle
from bot.core.authz import SYSTEM, Actor
from bot.core.lifecycle import Draft
from storage.models import Agency, DialogState, Identity, Officer, OutboxMessage, Ticket, TicketEvent
from tests.app_support import console_app
from tests.conftest import FakeClock

CHANNELS = ("telegram", "zalo", "console")  # Zalo Bot Platform users are the same rows under another channel name
STATES = ("triage", "new", "in_progress", "awaiting_info", "resolved", "closed")
AGENCY, OTHER = "thue_tinh", "so_xay_dung"  # the coordinator agency (triage) is Sở Tài chính
ROLES = ("owner", "stranger", "officer", "other_officer", "head", "coordinator", "admin")

# who acts on a ticket: its agency's officers and head, and the coordinator (on any agency's ticket)
HANDLERS = {"officer", "head", "coordinator"}
OPEN_WORK = {"new", "in_progress"}
# command → (its text, the roles that may, the states it may be done in)
COMMANDS: dict[str, tuple[str, set[str], set[str]]] = {
    "take": ("/take {code}", HANDLERS, {"new"}),
    "ask": ("/ask {code} Đề nghị bổ sung bản sao giấy phép", HANDLERS, OPEN_WORK),  # a new one is taken first
    "resolve": ("/resolve {code} Cục Thuế đã hoàn thuế ngày 05/12", HANDLERS, OPEN_WORK),
    "reply": ("/reply {code} Hồ sơ đang được xem xét", HANDLERS, {*OPEN_WORK, "awaiting_info"}),
    "transfer": (f"/transfer {{code}} {OTHER} Không thuộc thẩm quyền", HANDLERS, OPEN_WORK),
    "extend": ("/extend {code} 3 Cần xác minh thêm", HANDLERS, {*OPEN_WORK, "awaiting_info"}),
    "reject": ("/reject {code} Ngoài phạm vi", HANDLERS, OPEN_WORK),
    "note": ("/note {code} Ghi chú nội bộ", HANDLERS, set(STATES)),
    "assign": (f"/assign {{code}} {AGENCY}", {"coordinator", "admin"}, {"triage"}),
    "hide": ("/hide {code} Có thông tin cá nhân của bên thứ ba", {"coordinator"}, set(STATES)),
    "unhide": ("/unhide {code}", {"coordinator"}, set(STATES)),  # on a hidden ticket
}
# card button → (the roles that may press it, the states it works in); a press opens a prompt or acts
BUTTONS: dict[str, tuple[set[str], set[str]]] = {
    "take": (HANDLERS, {"new"}),
    "ask": (HANDLERS, OPEN_WORK),
    "answer": (HANDLERS, OPEN_WORK),
    "transfer": (HANDLERS, OPEN_WORK),
    "extend": (HANDLERS, {*OPEN_WORK, "awaiting_info"}),
    "assign": ({"coordinator", "admin"}, {"triage"}),
}


@dataclass(frozen=True)
class Person:
    """Who sends the event: a user id and the chat they write from (officers from their agency's group)."""

    user_id: str
    chat_id: str
    is_group: bool


def people(channel: str) -> dict[str, Person]:
    group = "-100" if channel == "telegram" else "group-"
    return {
        "owner": Person("501", "501", False),
        "stranger": Person("502", "502", False),
        "officer": Person("601", f"{group}601", True),
        "other_officer": Person("602", f"{group}602", True),
        "head": Person("603", f"{group}601", True),
        "coordinator": Person("604", f"{group}604", True),
        "admin": Person("605", "605", False),
    }


def may(role: str, roles: set[str], states: set[str], state: str) -> bool:
    """Whether `role` may do it on a ticket in `state` (a triage item is the coordinator agency's, not Cục Thuế's)."""
    if role not in roles or state not in states:
        return False
    return state != "triage" or role not in {"officer", "head"}


@pytest.fixture
async def world(sqlite_url: str, clock: FakeClock, request: pytest.FixtureRequest) -> AsyncIterator[tuple[App, str]]:
    channel = str(request.param)
    cast = people(channel)
    admins = (f"{channel}:{cast['admin'].user_id}",)
    async with console_app(sqlite_url, clock, admins=admins, rate_limit_per_minute=1_000_000) as app:
        async with app.core.maker() as session, session.begin():
            for role, agency in (("officer", AGENCY), ("other_officer", OTHER), ("head", AGENCY)):
                _officer(session, app, channel, cast[role], "head" if role == "head" else "officer", agency)
            _officer(session, app, channel, cast["coordinator"], "coordinator", app.core.coordinator_agency)
            for agency_id, person in ((AGENCY, "officer"), (OTHER, "other_officer")):
                bound = await session.get(Agency, agency_id)
                assert bound is not None
                bound.group_channel, bound.group_chat_id = channel, cast[person].chat_id
            for role in ("owner", "stranger"):
                session.add(Identity(channel=channel, user_id=cast[role].user_id, chat_id=cast[role].chat_id,
                                     language="vi", unreachable=False, created_at=app.core.now()))  # fmt: skip
        yield app, channel


def _officer(session: AsyncSession, app: App, channel: str, person: Person, role: str, agency: str) -> None:
    session.add(
        Officer(channel=channel, user_id=person.user_id, chat_id=person.user_id, display_name=role,
                agency_id=agency, role=role, active=True, created_at=app.core.now())
    )  # fmt: skip


async def _ticket_in(app: App, channel: str, state: str, *, hidden: bool = False) -> str:
    """A fresh ticket of the owner in `state` (reached through the lifecycle, as an officer would)."""
    async with app.core.maker() as session, session.begin():
        owner = (
            await session.execute(select(Identity).where(Identity.channel == channel, Identity.user_id == "501"))
        ).scalar_one()
        triage = state == "triage"
        draft = Draft(text="Hoàn thuế giá trị gia tăng bị chậm ba tháng", identity_id=owner.id,
                      agency_id=None if triage else AGENCY, topic_id=None if triage else "thue_thanh_quyet_toan",
                      auto_route=False)  # fmt: skip
        ticket = await lifecycle.submit(session, app.core, draft, SYSTEM)
        actor = Actor(role="officer", ref="officer:setup", agency_id=AGENCY)
        core = app.core
        if state in {"in_progress", "awaiting_info", "resolved", "closed"}:
            await lifecycle.take(session, core, ticket, actor)
        if state == "awaiting_info":
            await lifecycle.ask(session, core, ticket, actor, "Đề nghị gửi tờ khai")
        if state in {"resolved", "closed"}:
            await lifecycle.resolve(session, core, ticket, actor, "Đã hoàn thuế", None)
        if state == "closed":
            await lifecycle.close(session, core, ticket, SYSTEM, "confirmed")
        ticket.hidden = hidden
        assert ticket.state == state
        return ticket.code


async def _snapshot(app: App, channel: str, code: str, person: Person) -> tuple[object, ...]:
    """What a refused case must leave as it was: the ticket, its audit trail, the person's dialog."""
    async with app.core.maker() as session:
        ticket = (await session.execute(select(Ticket).where(Ticket.code == code))).scalar_one()
        events = await session.scalar(select(func.count()).where(TicketEvent.ticket_id == ticket.id))
        dialogs = await session.execute(
            select(DialogState.step, DialogState.data).where(  # keyed by the user, in a group by user and group
                DialogState.channel == channel,
                DialogState.user_id.in_([person.user_id, f"{person.user_id}@{person.chat_id}"]),
            )
        )
        return (ticket.state, ticket.agency_id, ticket.hidden, ticket.answer_due_at, events, list(dialogs.tuples()))


async def _answers(app: App, channel: str, person: Person) -> list[OutboxMessage]:
    async with app.core.maker() as session:
        rows = await session.execute(
            select(OutboxMessage)
            .where(OutboxMessage.channel == channel, OutboxMessage.chat_id == person.chat_id)
            .order_by(OutboxMessage.id)
        )
        return list(rows.scalars())


async def _case(app: App, channel: str, state: str, role: str, text: str, button: str | None) -> tuple[bool, str]:
    """Send one event; (whether it acted, the answer's text). Fails if it got no answer."""
    person = people(channel)[role]
    code = await _ticket_in(app, channel, state, hidden=text.startswith("/unhide"))
    before = await _snapshot(app, channel, code, person)
    answered = len(await _answers(app, channel, person))
    msg = Incoming(
        channel=channel,
        user_id=person.user_id,
        chat_id=person.chat_id,
        is_group=person.is_group,
        text=text.format(code=code),
        button=button.format(code=code) if button else None,
        event_id=f"{channel}-{state}-{role}-{text}-{button}-{code}",
    )
    assert await app.dispatcher.handle(msg)
    after = await _snapshot(app, channel, code, person)
    answers = (await _answers(app, channel, person))[answered:]
    assert answers, f"no answer to {role} for {text or button} on a {state} ticket"
    reply = str(answers[-1].payload.get("text", ""))
    choices = [b["payload"] for row in answers[-1].payload.get("buttons", []) for b in row]
    offered = any(p.startswith(f"{(button or '').split(':')[0]}:{code}:") for p in choices)  # pick an agency
    return before != after or offered, reply


CASES = [(c, s, r) for c in COMMANDS for s in STATES for r in ROLES]


@pytest.mark.parametrize("world", CHANNELS, indirect=True)
async def test_every_command_by_every_role_on_every_state(world: tuple[App, str]) -> None:
    app, channel = world
    wrong = []
    for command, state, role in CASES:
        text, roles, states = COMMANDS[command]
        acted, reply = await _case(app, channel, state, role, text, None)
        if acted != may(role, roles, states, state):
            wrong.append(f"{command} by {role} on {state}: {'acted' if acted else 'refused'} ({reply[:80]!r})")
    assert wrong == [], "\n".join(wrong)


@pytest.mark.parametrize("world", CHANNELS, indirect=True)
async def test_every_card_button_by_every_role_on_every_state(world: tuple[App, str]) -> None:
    app, channel = world
    wrong = []
    for button in BUTTONS:
        roles, states = BUTTONS[button]
        for state in STATES:
            for role in ROLES:
                acted, reply = await _case(app, channel, state, role, "", f"{button}:{{code}}")
                if acted != may(role, roles, states, state):
                    verdict = "acted" if acted else "refused"
                    wrong.append(f"button {button} by {role} on {state}: {verdict} ({reply[:80]!r})")
    assert wrong == [], "\n".join(wrong)
