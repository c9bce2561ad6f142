"""One status vocabulary: the same state reads the same on every screen, and each kind is called by its noun."""

from __future__ import annotations

import html
from typing import Any

from bot.app import App
from bot.core import digest as weekly
from bot.core import lifecycle
from bot.core.i18n import t
from tests.conftest import FakeClock
from tests.console_driver import ConsoleDriver
from tests.fakes.world import make_cast, on_ticket, ticket_in
from tests.test_console import submit_tax_complaint

STATES = ("triage", "new", "in_progress", "awaiting_info", "resolved", "closed", "rejected")
OPEN = ("triage", "new", "in_progress", "awaiting_info")
# Words the screens used before there was one vocabulary; none may come back.
RETIRED = ("đã đóng", "chờ phân loại", "Đã có kết quả", "từ chối —", "— mới —")


def v(key: str, **params: object) -> str:
    return t(key, "vi", **params)


async def test_a_state_reads_the_same_on_every_screen(app: App, clock: FakeClock, aiohttp_client: Any) -> None:
    cast = await make_cast(app, clock)
    codes = {state: await ticket_in(app, cast, state) for state in STATES}
    console = ConsoleDriver(app)
    web = await aiohttp_client(app.webapp)
    await console.type("/as coordinator")
    inbox = await console.type("/inbox")
    async with app.core.maker() as session:
        built = await weekly.build_digest(session, app.core, weekly.Week.containing(clock()))
    summary = weekly.render_text(built)[0]
    for state, code in codes.items():
        label = v(f"state_{state}")
        await console.type("/as coordinator")
        card = await console.type(f"/show {code}")
        assert card.split("\n")[1].endswith(f"{code} · {label}"), (state, card)
        line = next((x for x in inbox.splitlines() if code in x), "")
        assert (f"— {label} —" in line) == (state in OPEN), (state, line)
        await console.type("/as enterprise")
        business = await console.type(f"/status {code}")
        assert f"{code} — Phản ánh — {label}" in business, (state, business)
        page = html.unescape(await (await web.get(f"/t/{code}")).text())
        assert f">{label}</dd>" in page, state
        assert f"{label} 1" in summary, (state, summary)
        for screen in (card, business, page):
            assert not any(word in screen for word in RETIRED), (state, screen)
    assert not any(word in inbox + summary for word in RETIRED)


async def test_a_question_is_called_a_question_in_every_message(app: App, clock: FakeClock) -> None:
    console = ConsoleDriver(app)
    code = await submit_tax_complaint(console, kind="Hỏi đáp")
    cast = await make_cast(app, clock)
    await on_ticket(app, code, lifecycle.take, cast.officer)
    await on_ticket(app, code, lifecycle.ask, cast.officer, "Xin cho biết kỳ kê khai")
    await console.type("Kỳ tháng 12/2025")
    await on_ticket(app, code, lifecycle.resolve, cast.officer, "Hồ sơ được giải quyết trong 6 ngày", None)
    await console.type("/as officer thue_tinh")
    messages = console.out.getvalue()  # everything the business and then the agency's group were sent
    for expected in (
        f"Hệ thống đã tiếp nhận câu hỏi của Quý doanh nghiệp. Mã tra cứu: {code}",
        f"Câu hỏi {code} đã được Thuế tỉnh tiếp nhận xử lý",
        f"bổ sung thông tin cho câu hỏi {code}",
        f"cơ quan xử lý câu hỏi {code}",
        f"Doanh nghiệp đã bổ sung thông tin cho câu hỏi {code}",
        f"Câu hỏi {code} đã được trả lời.",
        f"📥 Câu hỏi {code} · {v('state_new')}",
    ):
        assert expected in messages, expected
    assert f"hản ánh {code}" not in messages and "tiếp nhận hỏi đáp" not in messages
