"""Zalo OA end to end: the real adapter and application against a local fake of Zalo's OA, OAuth and webhook."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator

import pytest
from sqlalchemy import func, select

from bot.core.outbox import HELD_WINDOW
from storage.models import Attachment, Identity, InboundEvent, OAuthToken, OutboxMessage, Ticket
from tests.conftest import FakeClock
from tests.console_driver import ConsoleDriver
from tests.fakes.running import started
from tests.fakes.zalo_oa import OAHarness

pytestmark = pytest.mark.e2e

USER = "6142494823123456789"  # Zalo ids are long digit strings: kept as strings end to end
TAX_TEXT = "Hoàn thuế giá trị gia tăng bị chậm, cơ quan thuế yêu cầu bổ sung hồ sơ nhiều lần"


@pytest.fixture
async def z(db_url: str, clock: FakeClock) -> AsyncIterator[OAHarness]:
    async with started(OAHarness(db_url, clock)) as harness:
        yield harness


async def count(z: OAHarness, model: type[InboundEvent] | type[Ticket]) -> int:
    assert z.app is not None
    async with z.app.core.maker() as session:
        return int((await session.execute(select(func.count()).select_from(model))).scalar_one())


async def officer(z: OAHarness, agency: str = "thue_tinh") -> tuple[ConsoleDriver, str]:
    """An officer of the agency at the console (its group gets bound, held cards are released and printed)."""
    assert z.app is not None
    driver = ConsoleDriver(z.app)
    return driver, await driver.type(f"/as officer {agency}")


async def submitted_with_desk(z: OAHarness) -> tuple[str, ConsoleDriver]:
    """The business submits the tax complaint; the code and the console of an officer of the agency it went to."""
    code = await z.submit(USER, TAX_TEXT)
    assert z.app is not None
    async with z.app.core.maker() as session:
        agency = (await session.execute(select(Ticket.agency_id))).scalar_one()
    desk, _ = await officer(z, agency)
    return code, desk


async def test_signatures_valid_invalid_missing(z: OAHarness, caplog: pytest.LogCaptureFixture) -> None:
    body = z.fake.text(USER, "Xin chào")
    assert await z.send(body, signature=None) == 401
    assert await z.send(body, signature="mac=" + "0" * 64) == 401
    forged = z.fake.sign(b'{"event_name":"user_send_text"}', str(body["timestamp"]))
    assert await z.send(body, signature=forged) == 401  # a signature of another body
    assert await count(z, InboundEvent) == 0 and z.fake.sent == []

    with caplog.at_level(logging.INFO, logger="bot.channels.zalo_oa"):
        assert await z.send(body) == 200
    assert "variant app_id+oa_secret" in caplog.text
    assert "Kính chào Quý doanh nghiệp" in z.last_to(USER).text

    # the other documented formula (app secret instead of OA secret) is accepted and logged as such
    other = z.fake.text(USER, "/help")
    raw = __import__("json").dumps(other).encode()
    with caplog.at_level(logging.INFO, logger="bot.channels.zalo_oa"):
        status = await z.send(
            other, raw=raw, signature=z.fake.sign(raw, str(other["timestamp"]), secret="app-secret-xyz")
        )
    assert status == 200 and "variant app_id+app_secret" in caplog.text


async def test_replayed_msg_id_changes_nothing(z: OAHarness) -> None:
    body = z.fake.text(USER, TAX_TEXT, msg_id="cb31dff1c39642cc1b83")
    assert await z.send(body) == 200
    assert await z.send(body) == 200  # Zalo retries: same msg_id
    assert await count(z, InboundEvent) == 1
    assert [m.text for m in z.fake.sent].count(z.last_to(USER).text) == 1
    assert len(z.fake.sent) == 1


async def test_follow_envelope_greets_the_follower(z: OAHarness) -> None:
    assert await z.send(z.fake.follow(USER)) == 200
    greeting = z.last_to(USER)
    assert "Kính chào Quý doanh nghiệp" in greeting.text
    assert all(b["type"] == "oa.query.hide" for b in greeting.buttons)
    assert [b["title"] for b in greeting.buttons] == ["Gửi phản ánh, kiến nghị", "Tra cứu phản ánh đã gửi"]
    assert z.app is not None
    async with z.app.core.maker() as session:
        identity = (await session.execute(select(Identity).where(Identity.channel == "zalo"))).scalar_one()
    assert identity.user_id == USER and identity.chat_id == USER


async def test_stickers_get_a_polite_request_for_text(z: OAHarness) -> None:
    sticker = z.fake.user_event("user_send_sticker", USER, {"msg_id": "st1", "attachments": [{"type": "sticker"}]})
    assert await z.send(sticker) == 200
    assert "chỉ nhận tin nhắn chữ, ảnh và tệp" in z.last_to(USER).text


async def test_full_intake_over_zalo_with_officer_at_console(z: OAHarness) -> None:
    z.fake.outside_window.clear()
    image = z.fake.user_event(
        "user_send_image",
        USER,
        {
            "text": TAX_TEXT,
            "msg_id": "img1",
            "attachments": [{"type": "image", "payload": {"url": "https://photo-stal.zdn.vn/a.jpg", "thumbnail": ""}}],
        },
    )
    assert await z.send(image) == 200
    assert "thuộc loại nào" in z.last_to(USER).text
    assert "Phản ánh" in [b["title"] for b in z.last_to(USER).buttons]
    await z.press(USER, "Phản ánh")
    await z.say(USER, "Nguyễn Văn An")
    await z.say(USER, "0912 345 678")
    for _ in range(3):
        await z.press(USER, "Bỏ qua")
    await z.press(USER, "Không")
    confirm = await z.press(USER, "Có")
    assert "Xin kiểm tra lại" in confirm.text and "Tệp đính kèm: 1" in confirm.text
    receipt = await z.press(USER, "Gửi")
    assert "Mã tra cứu: LS-" in receipt.text
    assert z.app is not None
    async with z.app.core.maker() as session:
        ticket = (await session.execute(select(Ticket))).scalar_one()
    assert ticket.source == "zalo" and ticket.contact_phone == "0912345678"

    desk, cards = await officer(z, ticket.agency_id)
    assert ticket.code in cards and "📎 url: ảnh" in cards  # the card, with the photo
    async with z.app.core.maker() as session:
        photo = (await session.execute(select(Attachment))).scalar_one()
    assert photo.ref == "https://photo-stal.zdn.vn/a.jpg"
    await desk.type(f"/resolve {ticket.code} Đã hoàn thuế ngày 12/03, mời doanh nghiệp kiểm tra tài khoản")
    answer = z.last_to(USER)
    assert "Đã hoàn thuế ngày 12/03" in answer.text and ticket.code in answer.text
    # six rating choices: more than one OA template carries, so they are numbered and a digit presses one
    assert "[5] 5" in answer.text and "[6] Chưa giải quyết xong" in answer.text and answer.buttons == []
    thanks = await z.say(USER, "5")
    assert "Cảm ơn Quý doanh nghiệp đã đánh giá" in thanks.text
    async with z.app.core.maker() as session:
        assert (await session.get(Ticket, ticket.id)).rating == 5  # type: ignore[union-attr]


async def test_expired_token_mid_run_refreshes_and_delivers_once(z: OAHarness) -> None:
    await z.say(USER, "/help")
    assert z.fake.refreshes == 1  # the env refresh token bootstrapped the database
    z.fake.expire_access_tokens()
    calls = z.fake.message_calls
    reply = await z.say(USER, "/lang")
    assert "Xin chọn ngôn ngữ" in reply.text
    assert z.fake.refreshes == 2 and z.fake.message_calls == calls + 2  # -220, refresh, the retry
    assert [m.text for m in z.fake.sent].count(reply.text) == 1
    assert z.app is not None
    async with z.app.core.maker() as session:
        stored = await session.get(OAuthToken, "zalo_oa")
    assert stored is not None and stored.refresh_token == z.fake.refresh_token  # the rotated pair was committed


async def test_refresh_token_rotation_survives_a_restart(z: OAHarness) -> None:
    first_token = z.fake.refresh_token
    await z.say(USER, "/help")
    await z.stop_app()
    # restart with the same (now dead) env token: the database's rotated token is used, not the env one
    await z.start(refresh_token=first_token)
    z.fake.expire_access_tokens()
    reply = await z.say(USER, "/lang")
    assert "Xin chọn ngôn ngữ" in reply.text
    assert z.fake.refused_refresh_tokens == [] and z.fake.refreshes == 2
    # as Zalo does, the fake refuses the old one
    assert z.app is not None
    async with z.channel.http().post(
        f"{z.fake.url}/v4/oa/access_token",
        data={"refresh_token": first_token, "app_id": z.fake.app_id, "grant_type": "refresh_token"},
        headers={"secret_key": z.fake.app_secret},
    ) as resp:
        assert "Invalid refresh token" in await resp.text()


async def test_failed_refresh_alerts_the_working_group_and_recovers(z: OAHarness) -> None:
    assert z.app is not None
    desk = ConsoleDriver(z.app)
    await desk.type("/as admin")
    await desk.type("/bindworkinggroup")
    await z.say(USER, "/help")
    z.fake.expire_access_tokens()
    z.fake.oauth_down = True
    before = len(z.fake.sent)
    assert await z.send(z.fake.text(USER, "/lang")) == 200
    assert len(z.fake.sent) == before  # not delivered yet, but not lost
    printed = desk.out.getvalue()
    assert "Không làm mới được mã truy cập Zalo OA" in printed
    z.fake.oauth_down = False
    async with z.app.core.maker() as session:  # the retry is due later; make it due now
        row = (
            (
                await session.execute(
                    select(OutboxMessage).where(OutboxMessage.chat_id == USER).order_by(OutboxMessage.id.desc())
                )
            )
            .scalars()
            .first()
        )
        assert row is not None and row.state == "pending"
        row.next_attempt_at = z.app.core.now()
        await session.commit()
    await z.pump()
    assert "Xin chọn ngôn ngữ" in z.last_to(USER).text


async def test_outside_window_is_held_and_delivered_when_the_business_writes(z: OAHarness) -> None:
    code, desk = await submitted_with_desk(z)
    assert z.app is not None
    z.fake.outside_window.add(USER)  # eight days of silence
    printed = await desk.type(f"/reply {code} Cục Thuế đã nhận hồ sơ, đang đối chiếu số liệu")
    assert "Chưa gửi được tin về phản ánh" in printed and "quá 7 ngày" in printed
    assert "đối chiếu số liệu" not in z.last_to(USER).text
    async with z.app.core.maker() as session:
        held = (await session.execute(select(OutboxMessage).where(OutboxMessage.state == HELD_WINDOW))).scalars().all()
        identity = await session.get(Identity, held[0].identity_id)
    assert len(held) == 2  # "being handled" and the answer, in that order; nothing dropped
    assert identity is not None and identity.unreachable and "-230" in (identity.unreachable_reason or "")
    assert "Không gửi được tin cho doanh nghiệp" in await desk.type(f"/show {code}")

    before = len(z.fake.sent)
    await z.say(USER, "Xin cảm ơn")  # the business writes again: the window re-opens
    texts = [m.text for m in z.fake.sent[before:]]
    assert len(texts) == 3 and "đối chiếu số liệu" in texts[1]  # held messages first, then the new reply
    async with z.app.core.maker() as session:
        states = {(await session.get(OutboxMessage, row.id)).state for row in held}  # type: ignore[union-attr]
        assert states == {"sent"}
        assert not (await session.get(Identity, identity.id)).unreachable  # type: ignore[union-attr]


async def test_long_answer_is_split_and_a_retry_resumes_after_the_sent_part(z: OAHarness) -> None:
    code, desk = await submitted_with_desk(z)
    assert z.app is not None
    sentence = "Cơ quan thuế đã rà soát hồ sơ hoàn thuế của doanh nghiệp theo quy định hiện hành. "
    long_text = (sentence * 40).strip()  # ~3,300 characters
    # calls: "being handled", part 1, part 2 — Zalo rate-limits part 2
    z.fake.fault_on_call[z.fake.message_calls + 3] = -32
    before = len(z.fake.sent)
    await desk.type(f"/reply {code} {long_text}")
    async with z.app.core.maker() as session:
        row = (await session.execute(select(OutboxMessage).where(OutboxMessage.state == "pending"))).scalar_one()
        row.next_attempt_at = z.app.core.now()  # the back-off is over
        await session.commit()
    await z.pump()
    parts = [m.text for m in z.fake.sent[before + 1 :]]
    assert len(parts) == 2 and all(len(p) <= 2000 for p in parts)
    assert parts[0].endswith("hiện hành.")  # cut at a sentence end
    assert code in parts[0] and parts[1].endswith("— Thuế tỉnh Lạng Sơn")
    assert sentence.strip() in parts[1]
