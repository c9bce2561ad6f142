"""Clusters of similar items: found within a topic, unrelated items kept apart, in the digest, /clusters, /reply."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.app import App, build, stop
from bot.cli import main
from bot.core import clusters
from bot.core import digest as weekly
from bot.core.clusters import Item, cluster_id_of, find_clusters, group
from bot.core.publication import Private
from tests.cluster_seed import ITEMS, LAND, REG, START, TAX, seed_clusters, submit_item
from tests.conftest import FakeClock, make_config
from tests.console_driver import ConsoleDriver
from tests.sla_support import Outbox, bind_chats, ticket

W45 = weekly.Week.parse("2026-W45")  # 02/11–08/11/2026: the seeded items' week


def _items() -> list[Item]:
    return [
        Item(
            code=name,
            topic_id=topic,
            agency_id=agency,
            commune_code=commune,
            created_at=START + timedelta(hours=i),
            state="new",
            text=text,
            private=Private(names=(), companies=(), numbers=()),
        )
        for i, (name, topic, agency, commune, text) in enumerate(ITEMS)
    ]


def test_rewordings_of_one_problem_cluster_and_other_problems_stay_apart() -> None:
    found = group(_items())
    # formal and chat-style wording ("GCN QSDĐ", "cty", no diacritics) land together
    assert [c.codes for c in found] == [LAND, TAX, REG]
    assert [c.topic_id for c in found] == ["tiep_can_dat_dai", "thue_thanh_quyet_toan", "gia_nhap_thi_truong"]
    # the one-offs of the same topics are not merged, nor the same text filed under another topic
    clustered = {code for c in found for code in c.codes}
    assert not clustered & {"CLEAR", "INVOICE", "RENAME", "ELSEWHERE"}
    land = found[0]
    assert land.size == 5 and land.agencies == ["so_nong_nghiep_moi_truong"]
    assert land.communes[0] == "05986"  # named twice
    assert land.id == cluster_id_of(list(reversed(LAND))) and land.id.startswith("N-")
    assert cluster_id_of(LAND) != cluster_id_of(LAND[:4])  # a cluster that changed has a new id


def test_a_stricter_threshold_splits_and_one_item_is_no_cluster() -> None:
    assert group(_items(), min_similarity=0.95) == []
    assert group(_items()[:1]) == []


async def test_open_and_recent_items_of_the_database(app: App, clock: FakeClock) -> None:
    codes = await seed_clusters(app, clock)
    async with app.core.maker() as session:
        found = await find_clusters(session, app.core, until=W45.end)
        own = await find_clusters(session, app.core, until=W45.end, agency_id="thue_tinh")
    assert [sorted(c.codes) for c in found] == [sorted(codes[n] for n in group_) for group_ in (LAND, TAX, REG)]
    assert codes["OLD"] not in found[0].codes  # answered a year ago: outside the window
    assert [c.codes for c in own] == [[codes[n] for n in TAX]]
    # the sample names no one: REG1's phone number is masked
    assert "0912345678" not in (found[2].sample or "") and found[2].sample


async def test_only_the_most_recent_items_of_a_topic_are_compared(
    app: App, clock: FakeClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    codes = await seed_clusters(app, clock)
    monkeypatch.setattr(clusters, "MAX_PER_TOPIC", 3)
    async with app.core.maker() as session:
        found = await find_clusters(session, app.core, until=W45.end)
    land = next(c for c in found if c.topic_id == "tiep_can_dat_dai")
    # the land topic's three latest items (LAND4, LAND5, CLEAR) are compared: the two rewordings cluster
    assert land.codes == [codes["LAND4"], codes["LAND5"]]


async def test_items_no_rule_matched_are_compared_among_themselves(app: App, clock: FakeClock) -> None:
    """Triage items (no topic) recur too: each topic, and the unrouted items, are read by their own index walk."""
    flood = "Đường vào cụm công nghiệp Hợp Thành bị ngập mỗi khi mưa, xe chở hàng không vào được"
    texts = [flood, "duong vao cum cong nghiep hop thanh ngap moi khi mua, xe hang ko vao dc", "Xin số điện thoại"]
    codes = [await submit_item(app, clock, START + timedelta(hours=i), f"U{i}", None, "so_tai_chinh", None, text)
             for i, text in enumerate(texts)]  # fmt: skip
    async with app.core.maker() as session:
        found = await find_clusters(session, app.core, until=W45.end)
    assert [(c.topic_id, c.codes) for c in found] == [(None, codes[:2])]


async def test_digest_lists_the_recurring_problems(app: App, clock: FakeClock) -> None:
    codes = await seed_clusters(app, clock)
    async with app.core.maker() as session:
        built = await weekly.build_digest(session, app.core, W45)
    *_, recurring = weekly.render_text(built)
    assert recurring.startswith("🔁 VẤN ĐỀ LẶP LẠI")
    land, tax, reg = recurring.split("\n\n")[1:4]
    assert "5 phản ánh · Tiếp cận đất đai" in land
    assert "Sở Nông nghiệp và Môi trường" in land
    assert "Xã/phường: Tam Thanh, Lương Văn Tri, Kỳ Lừa, Đông Kinh" in land
    assert all(codes[n] in land for n in LAND) and "còn mở: 5" in land
    assert "4 phản ánh" in tax and "Thuế tỉnh" in tax and "3 phản ánh" in reg
    assert codes["CLEAR"] not in recurring and codes["RENAME"] not in recurring


async def test_digest_says_when_nothing_recurs(app: App, clock: FakeClock) -> None:
    async with app.core.maker() as session:
        built = await weekly.build_digest(session, app.core, W45)
    assert weekly.render_text(built)[-1].startswith("🔁 VẤN ĐỀ LẶP LẠI: chưa thấy nhóm")


async def _clusters_shown(driver: ConsoleDriver) -> str:
    printed = await driver.type("/clusters")
    assert "VẤN ĐỀ LẶP LẠI — 3 nhóm" in printed
    return printed


async def test_clusters_command_for_the_coordinator_and_officers(app: App, clock: FakeClock) -> None:
    codes = await seed_clusters(app, clock)
    clock.now = START + timedelta(days=3)
    driver = ConsoleDriver(app)
    await driver.type("/as coordinator")
    printed = await _clusters_shown(driver)
    assert "5 phản ánh · Tiếp cận đất đai" in printed and "4 phản ánh" in printed and "3 phản ánh" in printed
    assert codes["LAND1"] in printed and "/reply <mã nhóm>" in printed

    # items answered long ago count from an earlier day on: OLD joins the land cluster
    assert "6 phản ánh · Tiếp cận đất đai" in await driver.type(f"/clusters {START - timedelta(days=400):%d/%m/%Y}")
    assert "Cú pháp: /clusters" in await driver.type("/clusters hôm qua")

    await driver.type("/as officer thue_tinh")
    printed = await driver.type("/clusters")
    assert "1 nhóm" in printed and codes["TAX1"] in printed and codes["LAND1"] not in printed

    await driver.type("/as enterprise")
    assert "Tiếp cận đất đai" not in await driver.type("/clusters")


async def test_reply_to_many_codes_notifies_each_business(app: App, clock: FakeClock) -> None:
    codes = await seed_clusters(app, clock)
    await bind_chats(app)
    clock.now = START + timedelta(days=3)
    outbox = Outbox(app)
    await outbox.skip()
    driver = ConsoleDriver(app)
    await driver.type("/as officer so_nong_nghiep_moi_truong")
    answer = "Sở đang rà soát toàn bộ hồ sơ cấp giấy chứng nhận tồn đọng, dự kiến trả kết quả trước 30/11."
    printed = await driver.type(f"/reply {codes['LAND1']} {codes['LAND2'].lower()} {codes['TAX1']} {answer}")
    assert (
        f"Đã gửi trả lời tới 2 doanh nghiệp, mỗi doanh nghiệp một tin riêng: {codes['LAND1']}, {codes['LAND2']}."
        in printed
    )
    assert printed.count(answer) == 2
    assert f"Không gửi cho 1 phản ánh của cơ quan khác: {codes['TAX1']} (Thuế tỉnh)." in printed

    # one message with the answer to each business (after the acknowledgement of its item being taken)
    rows = [r for r in await outbox.new() if r.audience == "business" and answer in str(r.payload["text"])]
    assert sorted(r.chat_id for r in rows) == ["biz-LAND1", "biz-LAND2"]
    for name in ("LAND1", "LAND2"):
        tk = await ticket(app, codes[name])
        [replied] = [e for e in tk.events if e.action == "replied"]
        assert replied.data["group"] == [codes["LAND1"], codes["LAND2"], codes["TAX1"]]
        assert tk.state == "in_progress" and tk.first_response_at == clock.now
    assert not [e for e in (await ticket(app, codes["TAX1"])).events if e.action == "replied"]


async def test_reply_to_a_cluster_id(app: App, clock: FakeClock) -> None:
    codes = await seed_clusters(app, clock)
    clock.now = START + timedelta(days=3)
    async with app.core.maker() as session:
        land = (await find_clusters(session, app.core))[0]
    driver = ConsoleDriver(app)
    await driver.type("/as officer so_nong_nghiep_moi_truong")
    assert "Không có nhóm" in await driver.type(f"/reply {land.id} Đã tiếp thu.")  # not shown yet
    await driver.type("/reject " + codes["LAND5"] + " Không thuộc thẩm quyền")
    shown = await driver.type("/clusters")
    assert land.id in shown  # the id names the members shown, whatever happened to them since
    outbox = Outbox(app)
    await outbox.skip()
    printed = await driver.type(f"/reply {land.id.lower()} Sở đã tổ chức đối thoại về việc cấp giấy chứng nhận.")
    assert "Đã gửi trả lời tới 4 doanh nghiệp" in printed
    assert f"Không gửi được cho 1 phản ánh: {codes['LAND5']}: " in printed
    rows = [r for r in await outbox.new() if r.audience == "business" and "đối thoại" in str(r.payload["text"])]
    assert sorted(r.chat_id for r in rows) == [f"biz-{n}" for n in LAND[:4]]
    [replied] = [e for e in (await ticket(app, codes["LAND3"])).events if e.action == "replied"]
    assert replied.data["cluster"] == land.id and replied.data["group"] == [codes[n] for n in LAND]

    await driver.type("/as officer thue_tinh")
    printed = await driver.type(f"/reply {land.id} Thuế trả lời thay.")
    assert "Đã gửi trả lời" not in printed and "của cơ quan khác" in printed


def test_cli_prints_the_clusters(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'cli.db'}"

    async def seed() -> dict[str, str]:
        clock = FakeClock(datetime.now(UTC) - timedelta(days=10))
        application = await build(make_config(url), clock=clock, migrate=True)
        try:
            return await seed_clusters(application, clock, start=clock.now)
        finally:
            await stop(application)

    codes = asyncio.run(seed())
    monkeypatch.setenv("PCIBOT_DATABASE_URL", url)
    monkeypatch.setenv("PCIBOT_LOG_LEVEL", "WARNING")
    assert main(["clusters"]) == 0
    out, err = capsys.readouterr()
    assert out.count("• N-") == 3 and codes["TAX4"] in out and "3 nhóm phản ánh tương tự" in err
    since = (datetime.now(UTC) - timedelta(days=400)).strftime("%Y-%m-%d")
    assert main(["clusters", "--since", since, "--samples", "9"]) == 0
    assert "6 phản ánh" in capsys.readouterr().out  # OLD, answered a year before, joins
