"""The public site as a reader sees it: home, ticket pages, scorecards, pagination, trends, open data, 404, headers."""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import AsyncIterator, Awaitable
from dataclasses import replace
from typing import Any

import pytest
from aiohttp.test_utils import TestClient

from bot.app import App
from bot.core import lifecycle
from bot.core.lease import DbLease
from bot.core.stats import GroupStats
from bot.core.trends import Month
from bot.scheduler import LEASE_NAME
from bot.web.opendata import FIELDS
from bot.web.trends import chart_of
from tests.conftest import FakeClock
from tests.sla_support import act, submit, vn
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
    assert (await (await client.get("/healthz")).json()) == {"status": "ok", "database": "ok", "channels": {}}
    text = await get_text(client, "/metrics")
    assert 'pcibot_tickets{state="new"} 3.0' in text  # the <script> one, the hidden one, the transferred one
    assert "pcibot_tickets_hidden 1.0" in text
    assert "pcibot_outbox_depth" in text and "pcibot_outbox_failed 0.0" in text
    assert "pcibot_scheduler_up 0.0" in text and "pcibot_sweep_lag_seconds" not in text
    lease = DbLease(app.core.maker, LEASE_NAME, clock=app.core.clock)
    assert await lease.acquire()
    text = await get_text(client, "/metrics")
    assert "pcibot_scheduler_up 1.0" in text and "pcibot_sweep_lag_seconds 0.0" in text


def _trend_rows(html: str, topic_id: str) -> dict[str, list[str]]:
    """The month rows of a topic's trend table: {"11/2025": [received, answered, on time, overdue, rate]}."""
    table = re.search(rf'<table class="trend-table" id="table-{topic_id}">(.*?)</table>', html, re.S)
    assert table is not None, topic_id
    rows = re.findall(r'<tr><th scope="row">([^<]+)</th>(.*?)</tr>', table.group(1))
    return {month: re.findall(r'<td class="num">([^<]*)</td>', cells) for month, cells in rows}


async def test_trends_page_month_by_month(app: App, client: Client, clock: FakeClock, seeded: Seeded) -> None:
    seeded_at = clock.now  # Fri 13/03/2026: the last twelve months are 04/2025 – 03/2026
    def minh_bach(year: int, month: int, day: int, hour: int, minute: int = 0) -> Awaitable[str]:
        return submit(app, clock, vn(year, month, day, hour, minute), agency="van_phong_ubnd", topic="tinh_minh_bach")

    late_october = await minh_bach(2025, 10, 31, 23, 30)  # 16:30 UTC: still October
    await act(app, clock, vn(2025, 11, 5, 10), late_october, "resolve", "Đã công khai quy hoạch.")
    slow = await minh_bach(2025, 11, 3, 9)  # due mid-November, answered in January
    await act(app, clock, vn(2026, 1, 5, 10), slow, "resolve", "Đã cung cấp thông tin.")
    too_old = await minh_bach(2025, 3, 10, 9)
    await act(app, clock, vn(2025, 3, 11, 9), too_old, "resolve", "Đã trả lời.")
    clock.now = seeded_at

    response = await client.get("/trends")
    html = await response.text()
    assert response.status == 200 and "default-src 'none'" in response.headers["Content-Security-Policy"]
    assert '<html lang="vi">' in html and "Xu hướng 12 tháng theo chỉ số PCI và lĩnh vực BPI" in html
    assert "<script" not in html and " style=" not in html and "<style" not in html  # nothing the CSP would block
    assert html.count("<svg") == len(app.core.rules.topics) and 'role="img"' in html
    assert '<a href="/trends">Xu hướng</a>' in html and 'href="/trends?lang=en"' in html

    rows = _trend_rows(html, "tinh_minh_bach")
    assert list(rows)[0] == "04/2025" and list(rows)[-1] == "03/2026" and len(rows) == 12  # 03/2025 left out
    assert rows["10/2025"] == ["1", "0", "0", "0", "—"]
    assert rows["11/2025"] == ["1", "1", "1", "1", "50,0 %"]  # one on time, one past its deadline at the month's end
    assert rows["12/2025"] == ["0", "0", "0", "1", "0,0 %"]
    assert rows["01/2026"] == ["0", "1", "0", "0", "0,0 %"]  # answered, late
    assert rows["02/2026"] == ["0", "0", "0", "0", "—"]
    market = _trend_rows(html, "gia_nhap_thi_truong")
    # counted as on the rest of the public site: five received (the hidden one too), three answered on time
    assert market["03/2026"] == ["5", "3", "3", "0", "100,0 %"]
    assert all(cells[0] == "0" for month, cells in market.items() if month != "03/2026")
    assert '<span class="big">5</span> Tiếp nhận' in await get_text(client, "/topics/gia_nhap_thi_truong")
    assert _trend_rows(html, "tiep_can_dat_dai")["03/2026"] == ["1", "0", "0", "0", "—"]  # open, not yet due

    chart = html.split('id="topic-tinh_minh_bach"')[1].split("</svg>")[0]
    assert "<title>11/2025: 1 tiếp nhận</title>" in chart and "<title>11/2025: 50,0 % đúng hạn</title>" in chart
    assert "<title>12/2025: 0,0 % đúng hạn</title>" in chart
    path = re.search(r'<path class="rate" d="([^"]+)"', chart)
    assert path is not None and path.group(1).count("M") == 1 and path.group(1).count("L") == 2  # Nov–Jan joined

    en = await get_text(client, "/trends?lang=en")
    assert '<html lang="en">' in en and "12-month trends by PCI sub-index and BPI area" in en
    assert "<title>11/2025: 1 received</title>" in en and 'href="/topics/tinh_minh_bach?lang=en"' in en
    assert "Transparency" in en and "<script" not in en


def test_trend_chart_breaks_the_line_where_a_month_has_no_rate() -> None:
    def month(received: int, rate: float | None) -> GroupStats:
        return replace(GroupStats.empty("x", "x"), received=received, on_time_rate=rate)

    points = [(Month(2026, m), month(r, rate)) for m, r, rate in ((1, 4, 0.5), (2, 0, None), (3, 8, 1.0))]
    chart = chart_of(points, "vi")
    assert chart.path.startswith("M") and chart.path.count("M") == 2 and "L" not in chart.path
    assert [b.height for b in chart.bars] == [85.0, 0.0, 170.0]  # 4 and 8 on a 0–8 axis of 170 units
    assert [tick.label for tick in chart.count_ticks] == ["0", "2", "4", "6", "8"]
    assert [tick.label for tick in chart.rate_ticks] == ["0 %", "50 %", "100 %"]
    assert [(tick.label, tick.extra) for tick in chart.month_ticks] == [("T1", "2026"), ("T2", ""), ("T3", "")]
    assert chart.points[1].y == chart.y0 - 170.0  # 100 % at the top


@pytest.mark.parametrize("path", ["/open-data/tickets.csv", "/open-data/tickets.json"])
async def test_a_head_request_for_a_file_gets_headers_only_and_the_connection_stays_usable(
    client: Client, path: str
) -> None:
    head = await client.head(path)
    assert head.status == 200 and head.headers["Content-Type"].endswith("charset=utf-8")
    assert await head.read() == b""
    # The next request on the same kept-alive connection must read a clean answer, not the HEAD's body.
    assert (await client.get("/healthz")).status == 200
    assert json.loads(await get_text(client, "/open-data/tickets.json"))
