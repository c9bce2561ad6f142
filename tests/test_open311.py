"""Open311 GeoReport v2: discovery, services, requests with the spec's fields and filters, XML = JSON, POST."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any
from xml.etree import ElementTree as ET

import pytest
from aiohttp.test_utils import TestClient
from sqlalchemy import select

from bot.app import App
from bot.core import lifecycle
from bot.core.fmt import local
from bot.web.apikeys import create_key, revoke_keys
from storage.models import Ticket
from tests.conftest import FakeClock
from tests.web_seed import COORDINATOR, Seeded, seed

Client = TestClient[Any, Any]
BASE = "/open311/v2"
SINCE = "start_date=2020-01-01T00:00:00%2B07:00"
REQUEST_FIELDS = {
    "service_request_id", "status", "status_notes", "service_name", "service_code", "description",
    "agency_responsible", "service_notice", "requested_datetime", "updated_datetime", "expected_datetime",
    "address", "address_id", "zipcode", "lat", "long", "media_url",
}  # fmt: skip


@pytest.fixture
async def seeded(app: App, clock: FakeClock) -> Seeded:
    return await seed(app, clock)


@pytest.fixture
async def client(app: App, seeded: Seeded, aiohttp_client: Any) -> Client:
    return await aiohttp_client(app.webapp)  # type: ignore[no-any-return]


async def get_json(client: Client, path: str, status: int = 200) -> Any:
    response = await client.get(path)
    assert response.status == status, (path, await response.text())
    assert response.headers["Content-Type"].startswith("application/json")
    return await response.json()


async def get_xml(client: Client, path: str, status: int = 200) -> ET.Element:
    response = await client.get(path)
    assert response.status == status, (path, await response.text())
    assert response.headers["Content-Type"].startswith("text/xml")
    body = await response.read()
    assert body.startswith(b'<?xml version="1.0" encoding="utf-8"?>')
    return ET.fromstring(body)


def xml_items(root: ET.Element) -> list[dict[str, str | None]]:
    return [{child.tag: child.text for child in item} for item in root]


async def test_discovery_services_and_definitions(app: App, client: Client) -> None:
    discovery = await get_json(client, f"{BASE}/discovery.json")
    endpoint = discovery["endpoints"][0]
    assert endpoint["specification"] == "http://wiki.open311.org/GeoReport_v2"
    assert endpoint["url"] == "http://test.local/open311/v2" and "text/xml" in endpoint["formats"]
    services = await get_json(client, f"{BASE}/services.json")
    assert [s["service_code"] for s in services] == list(app.core.rules.topics_by_id)
    first = services[0]
    assert first["service_name"] == "Gia nhập thị trường" and first["metadata"] is True
    assert first["type"] == "realtime" and first["group"] == "PCI"
    xml = await get_xml(client, f"{BASE}/services.xml")
    assert xml.tag == "services" and [i["service_code"] for i in xml_items(xml)] == list(app.core.rules.topics_by_id)
    definition = await get_json(client, f"{BASE}/services/gia_nhap_thi_truong.json")
    attrs = {a["code"]: a for a in definition["attributes"]}
    assert attrs["kind"]["datatype"] == "singlevaluelist"
    assert {v["key"] for v in attrs["kind"]["values"]} == {"phan_anh", "kien_nghi", "hoi_dap", "to_cao"}
    assert all(a["variable"] is True and a["required"] is False for a in attrs.values())
    root = await get_xml(client, f"{BASE}/services/gia_nhap_thi_truong.xml")
    assert root.tag == "service_definition"
    assert [a.findtext("code") for a in root.iter("attribute")] == list(attrs)
    assert [v.findtext("key") for v in root.find("attributes/attribute/values")] == [  # type: ignore[union-attr]
        "phan_anh", "kien_nghi", "hoi_dap", "to_cao"
    ]  # fmt: skip
    error = await get_json(client, f"{BASE}/services/khong_co.json", 404)
    assert error == [{"code": 404, "description": "service_code 'khong_co' not found"}]
    xml_error = await get_xml(client, f"{BASE}/services/khong_co.xml", 404)
    assert xml_error.tag == "errors" and xml_error.findtext("error/code") == "404"


async def test_request_fields_follow_the_spec(app: App, client: Client, seeded: Seeded) -> None:
    [record] = await get_json(client, f"{BASE}/requests/{seeded.pii}.json")
    assert set(record) == REQUEST_FIELDS
    async with app.core.maker() as session:
        ticket = await lifecycle.get_ticket(session, seeded.pii)
    assert ticket is not None
    assert record["status"] == "closed" and record["status_notes"] == "Đã kết thúc"
    assert record["service_code"] == "gia_nhap_thi_truong" and record["service_name"] == "Gia nhập thị trường"
    assert record["agency_responsible"] == "Sở Tài chính tỉnh Lạng Sơn"
    assert record["expected_datetime"] == local(ticket.answer_due_at).isoformat(timespec="seconds")
    assert record["expected_datetime"].endswith("+07:00") and record["requested_datetime"].endswith("+07:00")
    assert record["requested_datetime"] == "2026-03-10T09:00:00+07:00"
    assert record["description"].startswith("Tôi là [đã ẩn], giám đốc [đã ẩn]")
    assert record["service_notice"] == "Đã gia hạn: Cần lấy ý kiến [đã ẩn] và Sở Xây dựng, gọi [đã ẩn]"
    [restricted] = await get_json(client, f"{BASE}/requests/{seeded.to_cao}.json")
    assert restricted["description"] is None and restricted["service_notice"] is None
    assert restricted["agency_responsible"] == "Thanh tra tỉnh Lạng Sơn"
    [open_one] = await get_json(client, f"{BASE}/requests/{seeded.moved.lower()}.json")
    assert open_one["status"] == "open" and open_one["agency_responsible"] == "Sở Xây dựng tỉnh Lạng Sơn"
    await get_json(client, f"{BASE}/requests/{seeded.hidden}.json", 404)
    await get_json(client, f"{BASE}/requests/LS-222222.json", 404)
    xml = await get_xml(client, f"{BASE}/requests/{seeded.pii}.xml")
    assert xml.tag == "service_requests" and xml_items(xml)[0]["description"] == record["description"]


async def test_request_list_filters(app: App, client: Client, clock: FakeClock, seeded: Seeded) -> None:
    async with app.core.maker() as session, session.begin():
        old = lifecycle.Draft(text="Phản ánh cũ", topic_id="chuyen_doi_so", created_at=clock.now - timedelta(days=100))
        old_code = (await lifecycle.submit(session, app.core, old, COORDINATOR)).code
    default = {r["service_request_id"] for r in await get_json(client, f"{BASE}/requests.json")}
    assert default == set(seeded.all) - {seeded.hidden}  # last 90 days by default, hidden left out
    everything = await get_json(client, f"{BASE}/requests.json?{SINCE}")
    assert {r["service_request_id"] for r in everything} == default | {old_code}
    ids = await get_json(client, f"{BASE}/requests.json?service_request_id={seeded.pii},{seeded.hidden},{old_code}")
    assert {r["service_request_id"] for r in ids} == {seeded.pii, old_code}  # overrides the date window
    land = await get_json(client, f"{BASE}/requests.json?service_code=tiep_can_dat_dai,chuyen_doi_so&{SINCE}")
    assert {r["service_request_id"] for r in land} == {seeded.moved, old_code}
    opened = await get_json(client, f"{BASE}/requests.json?status=open")
    assert {r["service_request_id"] for r in opened} == {seeded.script, seeded.moved}
    closed = await get_json(client, f"{BASE}/requests.json?status=closed")
    assert {r["service_request_id"] for r in closed} == {
        seeded.pii,
        seeded.confidential,
        seeded.to_cao,
        seeded.no_consent,
    }
    both = await get_json(client, f"{BASE}/requests.json?status=open,closed")
    assert len(both) == len(default)
    window = await get_json(
        client, f"{BASE}/requests.json?start_date=2025-11-01T00:00:00Z&end_date=2025-12-31T23:59:59%2B07:00"
    )
    assert [r["service_request_id"] for r in window] == [old_code]
    page1 = await get_json(client, f"{BASE}/requests.json?page_size=4&{SINCE}")
    page2 = await get_json(client, f"{BASE}/requests.json?page_size=4&page=2&{SINCE}")
    assert len(page1) == 4 and len(page2) == 3
    assert [r["service_request_id"] for r in page1 + page2] == [r["service_request_id"] for r in everything]
    assert everything[-1]["service_request_id"] == old_code  # newest first
    xml = await get_xml(client, f"{BASE}/requests.xml?page_size=4&{SINCE}")
    assert xml_items(xml) == [
        {k: (None if v is None else str(v).lower() if isinstance(v, bool) else str(v)) for k, v in r.items()}
        for r in page1
    ]
    for bad in ("status=pending", "start_date=yesterday", "page=0", "page_size=x", f"end_date=2019-01-01&{SINCE}"):
        error = await get_json(client, f"{BASE}/requests.json?{bad}", 400)
        assert error[0]["code"] == 400 and error[0]["description"]
    assert (await get_json(client, f"{BASE}/requests.json?service_code=khong_co", 404))[0]["code"] == 404
    xml_error = await get_xml(client, f"{BASE}/requests.xml?status=pending", 400)
    assert xml_error.findtext("error/code") == "400"
    await get_json(client, f"{BASE}/requests.yaml", 404)


async def test_post_request_with_api_keys(app: App, client: Client) -> None:
    async with app.core.maker() as session, session.begin():
        _row, key = await create_key(session, "Cổng thông tin điện tử tỉnh", app.core.now())
        _old, revoked = await create_key(session, "Cổng cũ", app.core.now())
        await revoke_keys(session, "Cổng cũ", app.core.now())
    form = {
        "service_code": "gia_nhap_thi_truong",
        "description": "Hồ sơ thay đổi đăng ký kinh doanh nộp qua cổng dịch vụ công đã quá hạn.",
        "first_name": "Trần Văn",
        "last_name": "Bình",
        "phone": "+84 987 654 321",
        "address_string": "Tam Thanh, Lạng Sơn",
        "attribute[kind]": "kien_nghi",
        "attribute[consent_publish]": "true",
        "attribute[company]": "Công ty CP Bình Minh",
    }
    for bad_key, description in (
        ({}, "api_key is required"),
        ({"api_key": "pcb_wrong"}, "not valid"),
        ({"api_key": revoked}, "not valid"),
    ):
        response = await client.post(f"{BASE}/requests.json", data={**form, **bad_key})
        assert response.status == 403
        [error] = await response.json()
        assert error["code"] == 403 and description in error["description"]
    response = await client.post(f"{BASE}/requests.json", data={**form, "api_key": key})
    assert response.status == 200, await response.text()
    [created] = await response.json()
    code = created["service_request_id"]
    assert code.startswith("LS-") and created["service_notice"].startswith(f"Đã tiếp nhận, mã tra cứu {code}")
    async with app.core.maker() as session:
        ticket = (await session.execute(select(Ticket).where(Ticket.code == code))).scalar_one()
        await session.refresh(ticket, ["events"])
    assert ticket.source == "open311" and ticket.kind == "kien_nghi" and ticket.consent_publish
    assert ticket.contact_name == "Trần Văn Bình" and ticket.contact_phone == "0987654321"
    assert ticket.commune_code == "05986" and ticket.agency_id == "so_tai_chinh"
    assert ticket.events[0].data["partner"] == "Cổng thông tin điện tử tỉnh"
    [public] = await get_json(client, f"{BASE}/requests/{code}.json")
    assert public["status"] == "open" and public["address"] == "Tam Thanh, Lạng Sơn"
    as_json = await client.post(
        f"{BASE}/requests.json",
        data=json.dumps({"api_key": key, "service_code": "chuyen_doi_so", "description": "Cổng DVC hay lỗi"}),
        headers={"Content-Type": "application/json"},
    )
    assert as_json.status == 200
    for changes, status in (
        ({"service_code": ""}, 400),
        ({"service_code": "khong_co"}, 404),
        ({"description": "  "}, 400),
        ({"phone": "12345"}, 400),
        ({"attribute[kind]": "spam"}, 400),
    ):
        response = await client.post(f"{BASE}/requests.json", data={**form, "api_key": key, **changes})
        assert response.status == status, (changes, await response.text())
        assert (await response.json())[0]["code"] == status
    xml = await client.post(f"{BASE}/requests.xml", data={**form, "api_key": "nope"})
    assert xml.status == 403 and ET.fromstring(await xml.read()).findtext("error/code") == "403"
