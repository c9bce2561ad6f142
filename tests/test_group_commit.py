"""Group commit: events handled together end exactly as one at a time — duplicates, refusals and order included."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator

import pytest
from sqlalchemy import select

from bot.app import App
from bot.channels.base import Incoming, Outgoing
from bot.core import notify
from bot.core.commands import help_text
from bot.core.i18n import t
from bot.core.lifecycle import LifecycleError
from handlers.context import Ctx
from storage.models import DialogState, Identity, OutboxMessage, ProcessedEvent
from tests.app_support import temporary_command
from tests.test_dispatch import _half_done_then_refused


def _msg(user: str, text: str, event_id: str) -> Incoming:
    return Incoming(channel="console", user_id=user, chat_id=user, text=text, event_id=event_id)


@pytest.fixture
def refusing_command() -> Iterator[str]:
    with temporary_command("/thu_loi_nhom", _half_done_then_refused) as name:
        yield name


async def _replies(app: App, user: str) -> list[str]:
    async with app.core.maker() as session:
        rows = await session.execute(
            select(OutboxMessage.payload).where(OutboxMessage.chat_id == user).order_by(OutboxMessage.id)
        )
        return [payload["text"] for payload in rows.scalars()]


async def test_events_waiting_together_are_all_saved_with_one_wake(app: App) -> None:
    wakes: list[None] = []
    app.dispatcher.on_commit = lambda: wakes.append(None)
    users = [f"dn{i}" for i in range(5)]
    results = await asyncio.gather(*(app.dispatcher.handle_grouped(_msg(u, "/start", f"g-{u}")) for u in users))
    assert results == [True] * 5
    assert len(wakes) == 1  # one transaction, one commit
    for user in users:
        assert len(await _replies(app, user)) == 1
    again = await asyncio.gather(*(app.dispatcher.handle_grouped(_msg(u, "/start", f"g-{u}")) for u in users))
    assert again == [False] * 5  # redelivered updates change nothing
    for user in users:
        assert len(await _replies(app, user)) == 1


async def test_a_refusal_in_a_group_touches_only_its_own_event(app: App, refusing_command: str) -> None:
    events = [
        _msg("a1", "/start", "r-1"),
        _msg("a2", refusing_command, "r-2"),
        _msg("a3", "/new", "r-3"),
        _msg("a1", "/start", "r-1"),  # a duplicate inside the same group
    ]
    results = await asyncio.gather(*(app.dispatcher.handle_grouped(m) for m in events))
    assert results == [True, True, True, False]
    assert len(await _replies(app, "a1")) == 1
    assert await _replies(app, "a2") == [t("err_bad_transition", "vi", state=t("state_closed", "vi"))]
    async with app.core.maker() as session:
        refused = (await session.execute(select(Identity).where(Identity.user_id == "a2"))).scalar_one()
        assert refused.language is None  # the refused handler's change was undone
        assert await session.get(DialogState, ("console", "a2")) is None
        assert await session.get(DialogState, ("console", "a3")) is not None  # /new started its dialog
        seen = (await session.execute(select(ProcessedEvent.event_id).order_by(ProcessedEvent.event_id))).scalars()
        assert list(seen) == ["r-1", "r-2", "r-3"]


async def test_a_failing_event_fails_alone(app: App) -> None:
    async def broken(_ctx: object, _arg: str) -> None:
        raise RuntimeError("boom")

    with temporary_command("/hong", broken):
        results = await asyncio.gather(
            app.dispatcher.handle_grouped(_msg("b1", "/start", "f-1")),
            app.dispatcher.handle_grouped(_msg("b2", "/hong", "f-2")),
            return_exceptions=True,
        )
    assert results[0] is True
    assert isinstance(results[1], RuntimeError)
    assert len(await _replies(app, "b1")) == 1
    assert await _replies(app, "b2") == []  # nothing of the failed event was kept: it can be retried
    assert await app.dispatcher.handle(_msg("b2", "/start", "f-2")) is True


async def _refused_inside_a_savepoint(ctx: Ctx, _arg: str) -> None:
    """A handler whose core action tells the business something and is then refused."""

    async def action() -> None:
        notify.enqueue(
            ctx.session,
            ctx.core.now(),
            channel="console",
            chat_id=ctx.msg.chat_id,
            audience="business",
            message=Outgoing("không bao giờ được gửi"),
        )
        raise LifecycleError("bad_transition", action="resolve", state="closed")

    err = await ctx.attempt(action)
    assert isinstance(err, LifecycleError)
    ctx.refuse(err)


@pytest.mark.parametrize("grouped", [True, False])
async def test_notices_of_a_refused_savepoint_are_never_sent(app: App, grouped: bool) -> None:
    with temporary_command("/thu_diem_luu", _refused_inside_a_savepoint):
        events = [_msg("s1", "/thu_diem_luu", "s-1"), _msg("s2", "/start", "s-2")]
        if grouped:
            assert await asyncio.gather(*(app.dispatcher.handle_grouped(m) for m in events)) == [True, True]
        else:
            assert [await app.dispatcher.handle(m) for m in events] == [True, True]
    assert await _replies(app, "s1") == [t("err_bad_transition", "vi", state=t("state_closed", "vi"))]
    assert await _replies(app, "s2") == [t("greeting", "vi")]


async def test_one_user_twice_in_a_group_sees_its_own_first_change(app: App) -> None:
    # a new business switches to English, then asks for help, both waiting in the same group: the second
    # event must see the identity row the first created, as it would one at a time
    events = [_msg("w1", "/lang en", "w-1"), _msg("w2", "/start", "w-2"), _msg("w1", "/help", "w-3")]
    assert await asyncio.gather(*(app.dispatcher.handle_grouped(m) for m in events)) == [True, True, True]
    first, second = await _replies(app, "w1")
    assert second == help_text("business", False, "en")
    assert await _replies(app, "w2") == [t("greeting", "vi")]
    async with app.core.maker() as session:
        names = (await session.execute(select(Identity.user_id).order_by(Identity.user_id))).scalars()
        assert list(names) == ["w1", "w2"]  # one identity each, none created twice


async def test_replies_of_a_group_keep_each_chat_in_order(app: App) -> None:
    events = [_msg("o1", "/start", "o-1"), _msg("o2", "/help", "o-2"), _msg("o1", "/help", "o-3")]
    await asyncio.gather(*(app.dispatcher.handle_grouped(m) for m in events))
    assert await _replies(app, "o1") == [t("greeting", "vi"), help_text("business", False)]
    assert await _replies(app, "o2") == [help_text("business", False)]
