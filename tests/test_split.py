"""Two issues in one message are offered as two tickets; small talk and private matters go to triage."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import select

from bot.app import App
from bot.core.routing import Router
from bot.core.rules import load_rules
from bot.core.split import split_offer
from storage.models import Ticket
from tests.console_driver import ConsoleDriver
from tests.test_console import CODE, button, v

TWO_ISSUES = "hoàn thuế chậm, còn cấp phép xây dựng cũng lâu"
DATA = Path(__file__).resolve().parent / "data"


@pytest.fixture(scope="module")
def router() -> Router:
    return Router(load_rules(None))


@pytest.mark.parametrize(
    "text",
    [TWO_ISSUES, "hoan thue cham qua, con cap phep xay dung cung lau"],
)
def test_two_issues_split_between_their_agencies(router: Router, text: str) -> None:
    offer = split_offer(router, text)
    assert offer is not None
    assert [part.decision.agency for part in offer] == ["thue_tinh", "van_phong_ubnd"]
    assert offer[0].text.lower().startswith("hoàn thuế") or offer[0].text.startswith("hoan thue")
    assert "xây dựng" in offer[1].text or "xay dung" in offer[1].text


def test_sentences_with_an_opening_word_split_without_it(router: Router) -> None:
    text = "Hồ sơ hoàn thuế GTGT nộp từ tháng 5 chưa được giải quyết. Ngoài ra, thủ tục giao đất làm nhà xưởng kéo dài."
    offer = split_offer(router, text)
    assert offer is not None
    assert offer[1].text.startswith("thủ tục giao đất")
    assert offer[1].decision.agency == "so_nong_nghiep_moi_truong"


def test_one_issue_told_in_several_sentences_is_not_split(router: Router) -> None:
    """Across every labelled single-issue message we have, at most 1 in 200 is offered a split."""
    texts = [
        json.loads(line)["text"]
        for path in sorted(DATA.glob("routing_*.jsonl"))
        for line in path.read_text(encoding="utf-8").splitlines()
        if line.strip()
    ]
    offered = [text for text in texts if split_offer(router, text) is not None]
    assert len(texts) > 1000
    assert len(offered) <= len(texts) / 200, offered


@pytest.mark.parametrize(
    "text",
    ["đổi tiền ở đâu tỷ giá tốt", "doi tien nhan dan te o dau gia tot vay", "tìm việc làm kế toán ở Lạng Sơn"],
)
def test_private_matters_go_to_triage(router: Router, text: str) -> None:
    decision = router.route(text)
    assert (decision.topic, decision.agency) == ("unclassified", "triage")
    assert "off_topic" in decision.scores


def test_an_official_asking_for_money_is_still_misconduct(router: Router) -> None:
    """"đòi tiền" (asking for money) and "đổi tiền" (changing money) differ only by their marks."""
    decision = router.route("Cán bộ một cửa đòi tiền mới giải quyết hồ sơ cho doanh nghiệp")
    assert decision.agency == "thanh_tra_tinh"


async def _to_split_offer(console: ConsoleDriver) -> str:
    out = await console.type(TWO_ISSUES)
    for answer in ("Phản ánh", None, "Bỏ qua", "Bỏ qua", "Bỏ qua", "Không", "Có"):
        out = await console.type(button(out, answer) if answer else "Trần Văn Bình")
        if answer is None:
            out = await console.type("0912345678")
    return out


async def _tickets(app: App) -> list[Ticket]:
    async with app.core.maker() as session:
        return list((await session.execute(select(Ticket).order_by(Ticket.id))).scalars())


async def test_console_business_splits_into_two_tickets(app: App) -> None:
    console = ConsoleDriver(app)
    out = await _to_split_offer(console)
    assert "hai vấn đề thuộc hai cơ quan khác nhau" in out
    assert "1. hoàn thuế chậm — Thuế tỉnh" in out and "2. cấp phép xây dựng cũng lâu — Văn phòng UBND tỉnh" in out
    out = await console.type("anything else")  # not an answer: the question again, nothing saved
    assert "hai vấn đề" in out and await _tickets(app) == []
    out = await console.type(button(out, v("btn_split")))
    assert "Phiếu 1/2" in out and "Phiếu 2/2" in out
    assert "Cơ quan chủ trì: Thuế tỉnh" in out and "Cơ quan chủ trì: Văn phòng UBND tỉnh" in out
    out = await console.type(button(out, "Gửi"))
    codes = CODE.findall(out)
    assert len(set(codes)) == 2, out
    tickets = await _tickets(app)
    assert [(tk.text, tk.agency_id, tk.contact_name) for tk in tickets] == [
        ("hoàn thuế chậm", "thue_tinh", "Trần Văn Bình"),
        ("cấp phép xây dựng cũng lâu", "van_phong_ubnd", "Trần Văn Bình"),
    ]
    assert {tk.code for tk in tickets} == set(codes)


async def test_console_business_keeps_one_ticket(app: App) -> None:
    console = ConsoleDriver(app)
    out = await _to_split_offer(console)
    out = await console.type(button(out, v("btn_no_split")))
    assert "Phiếu 1/2" not in out and "Xin kiểm tra lại trước khi gửi" in out
    out = await console.type(button(out, "Gửi"))
    assert len(CODE.findall(out)) == 1
    [ticket] = await _tickets(app)
    assert ticket.text == TWO_ISSUES


@pytest.mark.parametrize(
    "text",
    [
        "Hồ sơ xin giấy phép xây dựng nhà xưởng đã quá hạn mà chưa được cấp",
        "xin gp xay dung 2 thang chua co",
        "cấp phép xây dựng lâu quá",
    ],
)
def test_construction_permits_go_to_the_compliance_cost_lead(router: Router, text: str) -> None:
    """The decision written beside the phrase in routing_rules.yaml: Văn phòng UBND tỉnh, which may transfer."""
    decision = router.route(text)
    assert (decision.topic, decision.agency) == ("chi_phi_tuan_thu", "van_phong_ubnd")
    rules_text = (DATA.parent.parent / "routing_rules.yaml").read_text(encoding="utf-8")
    assert "Sở Xây dựng không chủ trì chỉ số nào" in rules_text
