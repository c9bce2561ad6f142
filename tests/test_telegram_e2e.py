"""End to end: the real application and real python-telegram-bot against a fake Bot API on 127.0.0.1."""

from __future__ import annotations

import asyncio
import re
from collections.abc import AsyncIterator

import aiohttp
import pytest
from sqlalchemy import select

from storage.models import DialogState, Identity, OutboxMessage
from tests.fakes.running import started
from tests.fakes.telegram_api import buttons_of, text_of
from tests.fakes.telegram_harness import G_STC, G_THUE, G_WG, SECRET, Harness

pytestmark = pytest.mark.e2e


@pytest.fixture(params=["polling", "webhook"])
async def h(request: pytest.FixtureRequest, db_url: str) -> AsyncIterator[Harness]:
    async with started(Harness(db_url, request.param)) as harness:
        yield harness


@pytest.fixture
async def hp(db_url: str) -> AsyncIterator[Harness]:
    """Polling only, for behaviour that does not depend on how updates arrive."""
    async with started(Harness(db_url, "polling")) as harness:
        yield harness


def topic_of(h: Harness, code: str) -> int:
    topics = [
        tid
        for tid, created in h.fake.topics.get(G_THUE, {}).items()
        if created["forum_topic_created"]["name"].startswith(code)
    ]
    assert len(topics) == 1, f"exactly one topic for {code}: {h.fake.topics.get(G_THUE)}"
    return topics[0]


async def test_full_loop(h: Harness) -> None:
    fake = h.fake
    biz = fake.user(10, "An", last_name="Nguyễn")
    await h.setup_agencies()
    greeting = await h.say(biz, "/start")
    assert "new" in buttons_of(greeting)

    code = await h.submit(biz)
    # the lead agency's forum group: one topic named "<code> · <topic> · hạn dd/mm", the card and the photo in it
    tid = topic_of(h, code)
    name = fake.topics[G_THUE][tid]["forum_topic_created"]["name"]
    assert re.fullmatch(rf"{code} · .+ · hạn \d\d/\d\d", name), name
    card = await fake.next_to(G_THUE, code, after=0, thread_id=tid)
    assert {f"take:{code}", f"ask:{code}", f"answer:{code}", f"transfer:{code}", f"extend:{code}"} <= set(
        buttons_of(card)
    )
    assert "Nguyễn Văn An" in text_of(card) and "0912345678" in text_of(card).replace(" ", "")
    photo = await fake.wait_for(lambda m: m["chat"]["id"] == G_THUE and "photo" in m)
    assert photo["photo"][-1]["file_id"] == "photo-biz-1" and photo["message_thread_id"] == tid
    # co-agency gets an information card (no action buttons)
    info = await fake.next_to(G_STC, code, after=0)
    assert not buttons_of(info)

    # the officer takes it from the card, asks inside the topic without the code
    taken = await h.press(h.officer, card, f"take:{code}")
    assert taken.get("message_thread_id") == tid
    await fake.next_to(biz["id"], code, after=0)
    mark = fake.mark
    fake.text(h.officer, "/ask Xin gửi bản sao tờ khai thuế tháng 3", h.thue, thread_id=tid)
    question = await fake.next_to(biz["id"], "tờ khai", after=mark)
    assert "Hùng" not in text_of(question)
    assert (await h.ticket(code)).state == "awaiting_info"

    # the business answers with a Telegram reply to the question
    mark = fake.mark
    fake.text(biz, "Đã gửi tờ khai qua cổng thuế điện tử hôm nay", reply_to=question)
    await fake.next_to(G_THUE, "Đã gửi tờ khai", after=mark, thread_id=tid)
    assert (await h.ticket(code)).state == "in_progress"

    # a plain message inside the topic is an internal note: nothing reaches the business
    before = len(fake.to_chat(biz["id"]))
    note = fake.text(h.officer, "Cần đối chiếu với phòng kê khai", h.thue, thread_id=tid)
    await h.processed(note)
    reply = await h.say(h.officer, f"/reply {code.lower()} Cảm ơn, hồ sơ đang được xem xét", h.thue, thread_id=tid)
    answer = await fake.next_to(biz["id"], "đang được xem xét", after=0)
    assert "Hùng" not in text_of(answer) and "Cục Thuế" in text_of(answer) or "Thuế" in text_of(answer)
    assert reply.get("message_thread_id") == tid
    biz_texts = [text_of(m) for m in fake.to_chat(biz["id"])[before:]]
    assert not any("phòng kê khai" in t for t in biz_texts)

    # resolve; the business rates 5
    mark = fake.mark
    fake.text(h.officer, "/resolve Đã hoàn thuế ngày 12/03, mời doanh nghiệp kiểm tra tài khoản", h.thue, thread_id=tid)
    resolved = await fake.next_to(biz["id"], "hoàn thuế ngày 12/03", after=mark)
    assert code in text_of(resolved)
    assert {f"rate:{code}:{n}" for n in range(1, 6)} | {f"reopen:{code}"} <= set(buttons_of(resolved))
    mark = fake.mark
    fake.press(biz, resolved, f"rate:{code}:5")
    await fake.next_to(G_THUE, "5/5", after=mark, thread_id=tid)
    ticket = await h.ticket(code)
    assert ticket.rating == 5 and ticket.state == "closed"
    assert not any("Hùng" in text_of(m) for m in fake.to_chat(biz["id"]))
    assert len(fake.answered_callbacks) >= 9  # every button press got its spinner stopped


async def test_stranger_cannot_reply(hp: Harness) -> None:
    h, fake = hp, hp.fake
    biz = fake.user(11, "Bình")
    await h.setup_agencies()
    code = await h.submit(biz, photo=None)
    await h.delivered()
    before = len(fake.to_chat(biz["id"]))
    refusal = await h.say(h.stranger, f"/reply {code} Tôi trả lời thay", h.thue)
    assert "cán bộ" in text_of(refusal).lower() or "không" in text_of(refusal).lower()
    # an officer of another agency is refused too
    refusal2 = await h.say(h.officer2, f"/reply {code} Sở Tài chính trả lời", h.stc)
    assert text_of(refusal2)
    await h.delivered()
    await fake.settle()
    assert len(fake.to_chat(biz["id"])) == before
    assert (await h.ticket(code)).state == "new"


async def test_transfer_moves_card(hp: Harness) -> None:
    h, fake = hp, hp.fake
    biz = fake.user(12, "Chi")
    await h.setup_agencies()
    code = await h.submit(biz, photo=None)
    tid = topic_of(h, code)
    mark = fake.mark
    fake.text(h.officer, "/transfer so_tai_chinh Thuộc thẩm quyền Sở Tài chính", h.thue, thread_id=tid)
    card = await fake.wait_for(lambda m: m["chat"]["id"] == G_STC and f"take:{code}" in buttons_of(m), after=mark)
    assert code in text_of(card)
    await fake.next_to(G_THUE, "Sở Tài chính", after=mark, thread_id=tid)
    await fake.next_to(biz["id"], code, after=mark)
    ticket = await h.ticket(code)
    assert ticket.agency_id == "so_tai_chinh" and ticket.state == "new"
    # the new agency's officer answers with a Telegram reply to the card (group without topics)
    mark = fake.mark
    fake.text(h.officer2, "Sở Tài chính đã tiếp nhận và sẽ trả lời trong tuần", h.stc, reply_to=card)
    await fake.next_to(biz["id"], "trả lời trong tuần", after=mark)
    # the old agency can no longer act, and its topic for the item is closed
    assert (G_THUE, tid) in fake.closed_topics
    refusal = await h.say(h.officer, f"/reply {code} còn đây", h.thue)
    assert "Sở Tài chính" in text_of(refusal) or text_of(refusal)
    # sent back: the card returns to the same topic, reopened
    mark = fake.mark
    fake.text(h.officer2, f"/transfer {code} thue_tinh Thuộc lĩnh vực thuế", h.stc)
    back = await fake.wait_for(lambda m: m["chat"]["id"] == G_THUE and f"take:{code}" in buttons_of(m), after=mark)
    assert back.get("message_thread_id") == tid
    assert (G_THUE, tid) not in fake.closed_topics


async def test_confidential_identity_never_reaches_agencies(hp: Harness) -> None:
    h, fake = hp, hp.fake
    biz = fake.user(13, "Bí", last_name="Mật")
    await h.setup_agencies()
    code = await h.submit(biz, confidential=True, name="Trần Thị Kín", phone="0987 654 321", share_contact=False)
    tid = topic_of(h, code)
    await h.say(h.officer, "/show", h.thue, thread_id=tid)
    await h.say(h.officer, "/take", h.thue, thread_id=tid)
    await h.delivered()
    agency_msgs = [m for m in fake.sent if m["chat"]["id"] < 0]
    assert any(code in text_of(m) for m in agency_msgs)
    for m in agency_msgs:
        flat = text_of(m)
        digits = re.sub(r"\D", "", flat)
        assert "Trần Thị Kín" not in flat and "987654321" not in digits, flat


async def test_429_storms_and_500s_deliver_exactly_once(hp: Harness) -> None:
    h, fake = hp, hp.fake
    await h.setup_agencies()
    await h.delivered()
    fake.fault("send*", 429, retry_after=1, times=25)
    fake.fault("sendMessage", 500, times=6)
    fake.fault("sendPhoto", 502, times=2)
    users = [fake.user(100 + i, f"DN {i}") for i in range(15)]
    start = fake.mark
    for u in users:
        fake.text(u, "/start")
    biz = fake.user(99, "Dũng")
    h.fake.faults[0].times = 25
    code = await h.submit(biz)
    await h.delivered(timeout=60)
    for u in users:
        greetings = [m for m in fake.to_chat(u["id"]) if "new" in buttons_of(m)]
        assert len(greetings) == 1, u
    assert all(f.times == 0 for f in fake.faults)
    assert sum(f.hits for f in fake.faults) == 33
    # every sent row produced exactly its messages, no more
    assert h.app is not None
    async with h.app.core.maker() as session:
        rows = (await session.execute(select(OutboxMessage).where(OutboxMessage.channel == "telegram"))).scalars().all()
    assert all(r.state == "sent" for r in rows), [(r.id, r.state, r.last_error) for r in rows if r.state != "sent"]
    expected = sum(1 + len(r.payload.get("attachments", [])) for r in rows)
    assert len(fake.sent) == expected
    photos = [m["chat"]["id"] for m in fake.sent[start:] if "photo" in m]
    assert sorted(photos) == [G_STC, G_THUE], "the photo once with the lead card and once with the info card"
    assert code


async def test_restart_in_the_middle_of_a_dialog(h: Harness) -> None:
    fake = h.fake
    biz = fake.user(14, "Em")
    mark = fake.mark
    fake.text(biz, "Thủ tục đăng ký thành lập doanh nghiệp mất nhiều thời gian")
    kinds = await fake.next_to(biz["id"], after=mark)
    asked = await h.press(biz, kinds, "kind:kien_nghi")
    assert asked
    await h.restart()
    phone_q = await h.say(biz, "Phạm Văn Em")
    assert phone_q.get("_keyboard", {}).get("keyboard")
    company_q = await h.say(biz, "0912 000 111")
    assert "skip" in buttons_of(company_q)


async def test_duplicate_update_is_ignored(h: Harness) -> None:
    fake = h.fake
    biz = fake.user(15, "Giang")
    update = fake.text(biz, "/start")
    fake.inject(update)
    await h.processed(update)
    await h.delivered()
    await fake.settle()
    assert len(fake.to_chat(biz["id"])) == 1


async def test_webhook_checks_the_secret(db_url: str) -> None:
    h = Harness(db_url, "webhook")
    await h.start()
    try:
        url = f"http://127.0.0.1:{h.port}/telegram/hook"
        update = {
            "update_id": 777,
            "message": {
                "message_id": 1,
                "date": 0,
                "chat": {"id": 5, "type": "private"},
                "from": {"id": 5, "is_bot": False, "first_name": "X"},
                "text": "/start",
            },
        }
        async with aiohttp.ClientSession() as http:
            for headers in ({}, {"X-Telegram-Bot-Api-Secret-Token": "wrong"}):
                async with http.post(url, json=update, headers=headers) as resp:
                    assert resp.status == 403
            async with http.post(url, json=update, headers={"X-Telegram-Bot-Api-Secret-Token": SECRET}) as resp:
                assert resp.status == 200
        await h.fake.next_to(5, after=0)
        assert h.fake.webhook and h.fake.webhook["secret"] == SECRET
    finally:
        await h.close()


async def test_blocked_business_is_marked_and_agency_told(hp: Harness) -> None:
    h, fake = hp, hp.fake
    biz = fake.user(16, "Hà")
    await h.setup_agencies()
    code = await h.submit(biz, photo=None)
    tid = topic_of(h, code)
    fake.block(biz["id"])
    mark = fake.mark
    fake.text(h.officer, "/reply Chúng tôi đã nhận hồ sơ", h.thue, thread_id=tid)
    notice = await fake.next_to(G_THUE, "chặn", after=mark, thread_id=tid)
    assert code in text_of(notice)
    assert h.app is not None
    async with h.app.core.maker() as session:
        ident = (await session.execute(select(Identity).where(Identity.user_id == "16"))).scalar_one()
    assert ident.unreachable


async def test_deleted_topic_is_recreated(hp: Harness) -> None:
    h, fake = hp, hp.fake
    biz = fake.user(17, "Khoa")
    await h.setup_agencies()
    code = await h.submit(biz, photo=None)
    tid = topic_of(h, code)
    await h.say(h.officer, "/ask Xin bổ sung hợp đồng", h.thue, thread_id=tid)
    fake.delete_topic(G_THUE, tid)
    mark = fake.mark
    fake.text(biz, "Đây là hợp đồng số 12/2026")
    notice = await fake.next_to(G_THUE, "hợp đồng số 12/2026", after=mark)
    new_tid = topic_of(h, code)
    assert new_tid != tid and notice["message_thread_id"] == new_tid
    # the card was put back on top of the new topic, with the buttons of the item's state (taken: no "take")
    [card] = [m for m in fake.to_chat(G_THUE, new_tid) if f"answer:{code}" in buttons_of(m)]
    assert f"take:{code}" not in buttons_of(card) and "Đang xử lý" in text_of(card)


async def test_deep_link_and_status(hp: Harness) -> None:
    h, fake = hp, hp.fake
    biz = fake.user(18, "Linh")
    await h.setup_agencies()
    code = await h.submit(biz, photo=None)
    status = await h.say(biz, f"/start {code}")
    assert code in text_of(status)
    mine = await h.say(biz, "/status")
    assert code in text_of(mine)
    await asyncio.sleep(0)
    assert G_WG


async def test_generated_chart_is_uploaded(hp: Harness) -> None:
    from bot.channels.base import Attachment, Outgoing
    from bot.core import notify

    h, fake = hp, hp.fake
    await h.say(h.admin, "/bindworkinggroup", h.wg)
    assert h.app is not None
    mark = fake.mark
    async with h.app.core.maker() as session, session.begin():
        chart = Attachment.png(b"\x89PNG\r\n\x1a\nfake", "ban-tin.png")
        await notify.to_working_group(session, h.app.core, Outgoing("Bản tin tuần", attachments=[chart]))
    h.app.sender.wake()
    photo = await fake.wait_for(lambda m: m["chat"]["id"] == G_WG and "photo" in m, after=mark)
    assert photo["photo"][0]["file_id"].startswith("uploaded-")
    assert [c for c in fake.calls_of("sendPhoto") if isinstance(c.params.get("photo"), dict)]


async def test_polling_confirms_an_update_only_once_it_is_committed(
    hp: Harness, monkeypatch: pytest.MonkeyPatch
) -> None:
    # the database is gone while a business writes: the update stays with Telegram, and the restarted
    # bot (after a crash, a redeploy …) still answers it
    fake = hp.fake
    biz = fake.user(12, "Bình")
    assert hp.app is not None

    async def database_gone(_msg: object) -> bool:
        raise RuntimeError("database gone")

    monkeypatch.setattr(hp.app.dispatcher, "handle_grouped", database_gone)
    update = fake.text(biz, "/start")
    uid = update["update_id"]
    for _ in range(200):  # fetched, failed, and asked for again from the same offset
        if any(str(call.params.get("offset")) == str(uid) for call in fake.calls_of("getUpdates")):
            break
        await asyncio.sleep(0.05)
    assert uid in fake.unconfirmed
    assert fake.to_chat(biz["id"]) == []
    await hp.restart()
    greeting = await fake.next_to(biz["id"], "Kính chào")
    assert "new" in buttons_of(greeting)
    for _ in range(100):
        if uid not in fake.unconfirmed:
            break
        await asyncio.sleep(0.05)
    assert uid not in fake.unconfirmed
    assert len(fake.to_chat(biz["id"])) == 1  # answered once



async def test_an_album_is_one_description_answered_once(hp: Harness) -> None:
    # Telegram sends an album of three photos as three messages; the business sees one question, not three
    fake = hp.fake
    biz = fake.user(14, "Giang")
    mark = fake.mark
    fake.photo(biz, "album-1", caption="Đường vào cụm công nghiệp ngập nước, xe tải không vào được", album="a-77")
    fake.photo(biz, "album-2", album="a-77")
    await hp.processed(fake.photo(biz, "album-3", album="a-77"))
    await fake.next_to(biz["id"], after=mark)
    await fake.settle()
    replies = [m for m in fake.sent[mark:] if m["chat"]["id"] == biz["id"]]
    assert len(replies) == 1 and "kind:phan_anh" in buttons_of(replies[0])
    # a photo sent on its own afterwards is acknowledged as usual
    mark = fake.mark
    fake.photo(biz, "extra-1")
    added = await fake.next_to(biz["id"], after=mark)
    assert "kind:phan_anh" in buttons_of(added)
    await hp.press(biz, added, "kind:phan_anh")
    assert hp.app is not None
    async with hp.app.core.maker() as session:
        row = await session.get(DialogState, ("telegram", str(biz["id"])))
        assert row is not None
        assert [ref for _, ref, _ in row.data["attachments"]] == ["album-1", "album-2", "album-3", "extra-1"]
