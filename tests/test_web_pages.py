"""The public site as a reader sees it: home, ticket pages, scorecards, pagination, open data, 404, headers."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import AsyncIterator
from typing import Any

import pytest
from aiohttp.test_utils import TestClient

from bot.app import App
from bot.core import lifecycle
from bot.core.lease import DbLease
from bot.scheduler import LEASE_NAME
from bot.web.opendata import FIELDS
from tests.conftest import FakeClock
from tests.web_seed import COORDINATOR, NOTE_PHRASE, SCRIPT, Seeded, seed

Client = TestClient[Any, Any]


@pytest.fixture
async def seeded(app: App, clock: FakeClock) -> Seeded:
    return await seed(app, clock)


@pytest.fixture
async def client(app: App, seeded: Seeded, aiohttp_client: Any) -> AsyncIterator[Client]:
    yield await aiohttp_client(app.webapp)


async def get_text(client: Client, path: str, status: int = 200) -> str:
    response = await client.get(path)
    body = await response.text()
    assert response.status == status, (path, response.status, body[:500])
    return body


async def test_home_shows_totals_league_topics_and_latest_answers(client: Client, seeded: Seeded) -> None:
    response = await client.get("/")
    html = await response.text()
    assert response.status == 200
    assert response.headers["Content-Type"].startswith("text/html")
    assert "default-src 'none'" in response.headers["Content-Security-Policy"]
    assert "script-src" not in response.headers["Content-Security-Policy"]  # no scripts allowed at all
    assert '<html lang="vi">' in html
    assert "Kết quả giải quyết phản ánh, kiến nghị của doanh nghiệp" in html
    assert "Tỷ lệ đúng hạn = số phản ánh trả lời đúng hạn" in html
    assert 'href="/agencies/so_tai_chinh"' in html and 'href="/agencies/so_xay_dung"' in html
    assert 'href="/topics/gia_nhap_thi_truong"' in html
    # 7 received; 4 answered on time and none overdue: 100,0 %
    assert '<span class="big">7</span> Tiếp nhận' in html
    assert '<span class="big">4</span> Đã trả lời' in html
    assert "100,0 %" in html
    assert f'href="/t/{seeded.pii}"' in html  # latest answers
    assert "giấy chứng nhận đăng ký doanh nghiệp được cấp ngày 05/03/2026" in html
    assert "<script" not in html and '<link rel="stylesheet" href="/static/site.css">' in html


async def test_home_in_english_and_chinese_keeps_the_language_in_links(client: Client) -> None:
    en = await get_text(client, "/?lang=en")
    assert '<html lang="en">' in en and "Agencies ranked by on-time answer rate" in en
    assert 'href="/agencies/so_tai_chinh?lang=en"' in en
    zh = await get_text(client, "/?lang=zh&days=30")
    assert '<html lang="zh">' in zh and "各机关按时答复率排名" in zh
    assert "<strong>最近 30 天</strong>" in zh


async def test_ticket_page_shows_public_record_and_history(client: Client, seeded: Seeded) -> None:
    html = await get_text(client, f"/t/{seeded.pii.lower()}")  # codes are case-insensitive
    assert f"Phản ánh {seeded.pii}" in html
    for expected in (
        "Gia nhập thị trường",
        "Sở Tài chính",
        "10/03/2026",  # received
        "Hạn trả lời",
        "4/5",
        "Tiếp nhận phản ánh",
        "Cơ quan chủ trì nhận xử lý",
        "Gia hạn 3 ngày làm việc",
        "Cơ quan đã trả lời",
        "Kết thúc (doanh nghiệp xác nhận)",
        "— Sở Tài chính tỉnh Lạng Sơn",
        "[đã ẩn]",
    ):
        assert expected in html, expected
    assert NOTE_PHRASE not in html and "Ghi chú" not in html
    moved = await get_text(client, f"/t/{seeded.moved}")
    assert "Chuyển từ Sở Nông nghiệp và Môi trường sang Sở Xây dựng" in moved
    assert "Không thuộc phạm vi" not in moved


async def test_lookup_form_redirects_to_the_ticket(client: Client, seeded: Seeded) -> None:
    response = await client.get(f"/t?code={seeded.pii.lower()}&lang=en", allow_redirects=False)
    assert response.status == 302
    assert response.headers["Location"] == f"/t/{seeded.pii}?lang=en"
    assert "Not found" in await get_text(client, "/t?code=hello&lang=en", 404)


async def test_restricted_hidden_and_unknown_tickets(client: Client, seeded: Seeded) -> None:
    html = await get_text(client, f"/t/{seeded.to_cao}")
    assert "chỉ công khai mã, lĩnh vực, cơ quan, trạng thái" in html
    assert "Thanh tra tỉnh" in html and "Tố cáo" not in html  # kind not shown for restricted items
    assert "Trả lời của cơ quan" not in html
    for path in (f"/t/{seeded.hidden}", "/t/LS-222222", "/t/not-a-code", "/no/such/page"):
        page = await get_text(client, path, 404)
        assert "Không tìm thấy" in page and "<main" in page


async def test_script_payload_is_escaped(client: Client, seeded: Seeded) -> None:
    html = await get_text(client, f"/t/{seeded.script}")
    assert "&lt;script&gt;alert(&#39;xss&#39;)&lt;/script&gt;" in html
    assert "&lt;b&gt;chậm&lt;/b&gt; &amp; rườm rà" in html
    assert SCRIPT not in html and "<b>" not in html


async def test_scorecards_and_pagination(app: App, client: Client, clock: FakeClock) -> None:
    async with app.core.maker() as session, session.begin():
        for i in range(43):
            clock.advance(minutes=1)
            draft = lifecycle.Draft(
                text=f"Chậm cấp phép xây dựng số {i}", topic_id="tiep_can_dat_dai", agency_id="so_xay_dung"
            )
            await lifecycle.submit(session, app.core, draft, COORDINATOR)
    first = await get_text(client, "/agencies/so_xay_dung")
    assert "Sở Xây dựng tỉnh Lạng Sơn" in first and "Danh sách phản ánh (44)" in first
    assert first.count('<tr><th scope="row"><a href="/t/') == 20
    assert "Trang 1/3" in first and 'rel="next" href="/agencies/so_xay_dung?page=2"' in first
    assert 'rel="prev"' not in first
    last = await get_text(client, "/agencies/so_xay_dung?page=3&lang=en")
    assert last.count('<tr><th scope="row"><a href="/t/') == 4 and "Page 3 of 3" in last
    assert 'rel="next"' not in last
    await get_text(client, "/agencies/so_xay_dung?page=4", 404)
    await get_text(client, "/agencies/so_xay_dung?page=0", 400)
    topic = await get_text(client, "/topics/tiep_can_dat_dai")
    assert "Chỉ số PCI" in topic and "Danh sách phản ánh (44)" in topic
    await get_text(client, "/agencies/khong_co", 404)
    await get_text(client, "/topics/khong_co", 404)


async def test_open_data_page_and_files(client: Client, seeded: Seeded) -> None:
    page = await get_text(client, "/open-data")
    for name, _kind in FIELDS:
        assert f"<code>{name}</code>" in page
    assert "Hiện đang ẩn: 1; tổng số lần ẩn: 1" in page
    assert "CC BY 4.0" in page
    response = await client.get("/open-data/tickets.csv")
    assert response.headers["Content-Type"].startswith("text/csv")
    assert "Content-Security-Policy" in response.headers
    rows = list(csv.DictReader(io.StringIO((await response.read()).decode("utf-8-sig"))))
    codes = {r["code"] for r in rows}
    assert codes == set(seeded.all) - {seeded.hidden}
    as_json = json.loads(await get_text(client, "/open-data/tickets.json"))
    assert [r["code"] for r in as_json] == [r["code"] for r in rows]
    assert list(as_json[0]) == [name for name, _ in FIELDS]
    by_code = {r["code"]: r for r in as_json}
    assert by_code[seeded.to_cao]["kind"] is None and by_code[seeded.to_cao]["answer"] is None
    assert by_code[seeded.no_consent]["summary"] is None and by_code[seeded.no_consent]["answer"]
    assert by_code[seeded.pii]["created_at"].endswith("+07:00") and by_code[seeded.pii]["status"] == "closed"
    assert by_code[seeded.pii]["company"] is None and by_code[seeded.pii]["rating"] == 4


async def test_stylesheet_health_and_metrics(app: App, client: Client) -> None:
    css = await client.get("/static/site.css")
    assert css.headers["Content-Type"].startswith("text/css") and "@media" in await css.text()
    assert (await (await client.get("/healthz")).json()) == {"status": "ok", "database": "ok"}
    text = await get_text(client, "/metrics")
    assert 'pcibot_tickets{state="new"} 3.0' in text  # the <script> one, the hidden one, the transferred one
    assert "pcibot_tickets_hidden 1.0" in text
    assert "pcibot_outbox_depth" in text and "pcibot_outbox_failed 0.0" in text
    assert "pcibot_scheduler_up 0.0" in text and "pcibot_sweep_lag_seconds" not in text
    lease = DbLease(app.core.maker, LEASE_NAME, clock=app.core.clock)
    assert await lease.acquire()
    text = await get_text(client, "/metrics")
    assert "pcibot_scheduler_up 1.0" in text and "pcibot_sweep_lag_seconds 0.0" in text
