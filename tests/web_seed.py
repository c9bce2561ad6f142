"""Tickets for the public-site tests, made through the real lifecycle: PII-laden, hostile, confidential, hidden."""

from __future__ import annotations

from dataclasses import dataclass, field

from bot.app import App
from bot.core import lifecycle
from bot.core.authz import Actor
from bot.core.lifecycle import Draft
from storage.models import Identity, Ticket
from tests.conftest import FakeClock
from tests.console_driver import ConsoleDriver

COORDINATOR = Actor(role="coordinator", ref="officer:900")
SUBMITTER_NAME = "Nguyễn Thị Hằng"
SUBMITTER_PHONE = "0912345678"
SUBMITTER_TAX = "4900123456"
SUBMITTER_CCCD = "020190001234"
SUBMITTER_EMAIL = "hang.nguyen@gmail.com"
SUBMITTER_COMPANY = "Công ty TNHH Thương mại Hoàng Long"
SUBMITTER_DISPLAY = "Hằng Shop Kỳ Lừa"
PII_TEXT = (
    "Tôi là Nguyễn Thị Hằng, giám đốc Công ty TNHH Thương mại Hoàng Long (MST 4900123456-001), "
    "SĐT 0912 345 678 hoặc +84 912.345.678, email hang.nguyen@gmail.com, Zalo zalo.me/0912345678. "
    "Hồ sơ đăng ký doanh nghiệp nộp ngày 12/02/2026 tại Trung tâm Phục vụ hành chính công đến nay chưa "
    "được giải quyết. Xin liên hệ chị Hằng hoặc NGUYEN THI HANG, CCCD 020190001234, "
    "STK 1903 5678 9012 34 Techcombank. Cty Hoàng Long đã nộp lệ phí 1.500.000 đồng. Hằng Shop Kỳ Lừa."
)
PII_ANSWER = (
    "Sở Tài chính đã liên hệ chị Hằng (0912.345.678) và hướng dẫn Công ty Hoàng Long bổ sung hồ sơ; "
    "giấy chứng nhận đăng ký doanh nghiệp được cấp ngày 05/03/2026."
)
SCRIPT = "<script>alert('xss')</script>"
CONFIDENTIAL_PHRASE = "Nội dung mật về cán bộ Kho bạc XQZ"
TO_CAO_PHRASE = "Tố cáo cán bộ đòi tiền bôi trơn QWX"
NOTE_PHRASE = "Ghi chú nội bộ KHÔNG CÔNG KHAI ZZQ"
HIDDEN_PHRASE = "Nội dung sẽ bị ẩn VVK"
NO_CONSENT_PHRASE = "Không đồng ý công khai nội dung JJP"
SECRETS = (
    SUBMITTER_NAME,
    "Nguyen Thi Hang",
    "NGUYEN THI HANG",
    "chị Hằng",
    SUBMITTER_EMAIL,
    "Hoàng Long",
    SUBMITTER_DISPLAY,
    CONFIDENTIAL_PHRASE,
    TO_CAO_PHRASE,
    NOTE_PHRASE,
    HIDDEN_PHRASE,
    NO_CONSENT_PHRASE,
)
SECRET_DIGITS = (SUBMITTER_PHONE, SUBMITTER_PHONE[1:], SUBMITTER_TAX, SUBMITTER_CCCD, "19035678901234")


@dataclass
class Seeded:
    """The codes of the seeded tickets, by role."""

    pii: str = ""
    script: str = ""
    confidential: str = ""
    to_cao: str = ""
    hidden: str = ""
    no_consent: str = ""
    moved: str = ""
    all: list[str] = field(default_factory=list)


async def _identity(app: App) -> int:
    async with app.core.maker() as session, session.begin():
        identity = Identity(
            channel="telegram",
            user_id="555000111",
            chat_id="555000111",
            display_name=SUBMITTER_DISPLAY,
            language="vi",
            unreachable=False,
            created_at=app.core.now(),
        )
        session.add(identity)
        await session.flush()
        return identity.id


async def _submit(app: App, draft: Draft) -> Ticket:
    async with app.core.maker() as session, session.begin():
        return await lifecycle.submit(session, app.core, draft, COORDINATOR)


async def _act(app: App, code: str, action: str, *args: object) -> None:
    async with app.core.maker() as session, session.begin():
        ticket = await lifecycle.get_ticket(session, code)
        assert ticket is not None
        await getattr(lifecycle, action)(session, app.core, ticket, COORDINATOR, *args)


def _draft(text: str, **kw: object) -> Draft:
    values: dict[str, object] = {
        "contact_name": SUBMITTER_NAME,
        "contact_phone": SUBMITTER_PHONE,
        "company": SUBMITTER_COMPANY,
        "tax_code": SUBMITTER_TAX,
        "consent_publish": True,
        "topic_id": "gia_nhap_thi_truong",
    }
    values.update(kw)
    return Draft(text=text, source="telegram", **values)  # type: ignore[arg-type]


async def seed(app: App, clock: FakeClock) -> Seeded:
    """Seven tickets covering every publication rule; the hidden one is hidden with the /hide command."""
    s = Seeded()
    identity_id = await _identity(app)
    pii = await _submit(app, _draft(PII_TEXT, identity_id=identity_id))
    s.pii = pii.code
    clock.advance(hours=1)
    s.script = (await _submit(app, _draft(f"{SCRIPT} Thủ tục cấp phép <b>chậm</b> & rườm rà"))).code
    s.confidential = (await _submit(app, _draft(CONFIDENTIAL_PHRASE, confidential=True))).code
    s.to_cao = (await _submit(app, _draft(TO_CAO_PHRASE, kind="to_cao", topic_id="chi_phi_khong_chinh_thuc"))).code
    s.hidden = (await _submit(app, _draft(HIDDEN_PHRASE))).code
    s.no_consent = (await _submit(app, _draft(NO_CONSENT_PHRASE, consent_publish=False))).code
    s.moved = (await _submit(app, _draft("Thủ tục thuê đất kéo dài", topic_id="tiep_can_dat_dai"))).code
    clock.advance(days=1)
    await _act(app, s.pii, "take")
    await _act(app, s.pii, "note", NOTE_PHRASE)
    await _act(app, s.pii, "extend", 3, "Cần lấy ý kiến chị Hằng và Sở Xây dựng, gọi 0912345678")
    clock.advance(days=2)
    await _act(app, s.pii, "resolve", PII_ANSWER)
    await _act(app, s.pii, "rate", 4)
    for code in (s.confidential, s.to_cao, s.no_consent):
        await _act(app, code, "resolve", f"Đã xử lý {code}; liên hệ chị Hằng 0912345678")
    await _act(app, s.moved, "transfer", "so_xay_dung", "Thuộc thẩm quyền Sở Xây dựng")
    driver = ConsoleDriver(app)
    await driver.type("/as coordinator")
    out = await driver.type(f"/hide {s.hidden} Nội dung có thông tin cá nhân của bên thứ ba")
    assert "Đã ẩn" in out, out
    clock.advance(minutes=5)
    s.all = [s.pii, s.script, s.confidential, s.to_cao, s.hidden, s.no_consent, s.moved]
    return s


THIRD_PERSONS_TEXT = (
    "Cán bộ địa chính xã là ông Hoàng Văn Thắng yêu cầu nộp thêm giấy tờ không có trong quy định; "
    "chị Lường Thị Mai ở bộ phận một cửa của UBND xã Đồng Đăng cũng trả lời như vậy."
)
THIRD_PERSONS_ANSWER = (
    "Sở Tài chính đã làm việc với đồng chí Nông Văn Bình, Phó Chủ tịch UBND xã Đồng Đăng; "
    "giấy tờ bổ sung không còn được yêu cầu."
)
THIRD_PERSONS = ("Hoàng Văn Thắng", "Thắng", "Lường Thị Mai", "Mai", "Nông Văn Bình", "Bình")


async def seed_third_persons(app: App) -> str:
    """A resolved, publishable ticket whose text and answer name officials of a commune."""
    ticket = await _submit(app, _draft(THIRD_PERSONS_TEXT))
    await _act(app, ticket.code, "take")
    await _act(app, ticket.code, "resolve", THIRD_PERSONS_ANSWER)
    return ticket.code
