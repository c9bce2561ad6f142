"""Malformed requests to the public site and Open311 get 400 (413 for big bodies) in the surface's format, never 500."""

from __future__ import annotations

import gzip
import json
import logging
from typing import Any
from xml.etree import ElementTree as ET

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient

from bot.app import App
from bot.web.apikeys import create_key
from storage.web_queries import ticket_count
from tests.conftest import FakeClock
from tests.web_seed import seed

Client = TestClient[Any, Any]
REQUESTS = "/open311/v2/requests"
FORM = {"service_code": "gia_nhap_thi_truong", "description": "Hồ sơ đăng ký kinh doanh quá hạn."}
SECRET_MESSAGE = "connection string postgresql://admin:hunter2@db"


async def boom(_request: web.Request) -> web.Response:
    raise RuntimeError(SECRET_MESSAGE)


@pytest.fixture
async def client(app: App, clock: FakeClock, aiohttp_client: Any) -> Client:
    await seed(app, clock)
    app.webapp.router.add_get("/boom", boom)
    app.webapp.router.add_get("/open311/v2/boom.xml", boom)
    return await aiohttp_client(app.webapp)  # type: ignore[no-any-return]


@pytest.fixture
async def key(app: App) -> str:
    async with app.core.maker() as session, session.begin():
        _row, value = await create_key(session, "Cổng thông tin điện tử tỉnh", app.core.now())
    return value


async def tickets(app: App) -> int:
    async with app.core.maker() as session:
        return await ticket_count(session)


async def open311_error(response: Any, status: int) -> str:
    """The description of the spec's error list (JSON or XML), after checking its code."""
    body = await response.read()
    assert response.status == status, body[:300]
    if response.headers["Content-Type"].startswith("text/xml"):
        root = ET.fromstring(body)
        assert root.tag == "errors" and root.findtext("error/code") == str(status)
        return root.findtext("error/description") or ""
    [error] = json.loads(body)
    assert error["code"] == status and error["description"]
    return str(error["description"])


@pytest.mark.parametrize(
    "path",
    [
        "/agencies/so_xay_dung?page=99999999999999999999",
        "/topics/tiep_can_dat_dai?page=%C2%B2",  # a superscript two is a digit to str.isdigit()
        "/?days=%C2%B2",
        "/?days=7",
        "/t?code=%FF%FE",
        "/agencies/so_xay_dung?page=1%00",
        "/t/LS-%ED%A0%80",  # an encoded lone surrogate
        "/open-data?" + "x=1&" * 100,
    ],
)
async def test_web_site_answers_malformed_addresses_with_a_polite_400(client: Client, path: str) -> None:
    response = await client.get(path)
    html = await response.text()
    assert response.status == 400, (path, html[:300])
    assert response.headers["Content-Type"].startswith("text/html")
    assert "Yêu cầu không hợp lệ" in html and "Xin lỗi Quý doanh nghiệp" in html and "Traceback" not in html
    english = await client.get(path.replace("?", "?lang=en&") if "?" in path else path + "?lang=en")
    assert english.status == 400


@pytest.mark.parametrize(
    "query",
    [
        "page=99999999999999999999",
        "page_size=99999999999999999999",
        "start_date=9999-12-31T23:59:59-23:59",
        "end_date=0001-01-01T00:00:00%2B14:00",
        "start_date=%C2%B2",
        "status=%ED%A0%80",
        "service_request_id=" + "LS-AAAAAA," * 40,
        "jurisdiction_id=" + "a" * 5000,
    ],
)
async def test_open311_answers_malformed_queries_with_the_spec_error(client: Client, query: str) -> None:
    assert await open311_error(await client.get(f"{REQUESTS}.json?{query}"), 400)
    assert await open311_error(await client.get(f"{REQUESTS}.xml?{query}"), 400)


@pytest.mark.parametrize(
    ("content_type", "body"),
    [
        ("application/x-www-form-urlencoded", "description=H%E1%BB%93 s%FF%FE&{rest}"),  # not UTF-8
        ("application/x-www-form-urlencoded", "description=%ED%A0%80&{rest}"),  # an encoded lone surrogate
        ("application/x-www-form-urlencoded", "{rest}&attribute[confidential]=maybe"),
        ("application/x-www-form-urlencoded", "{rest}&phone=0912%00345678"),
        ("multipart/form-data", "{rest}"),  # no boundary
        ("multipart/form-data; boundary=zz", "--zz\r\nContent-Disposition: form-data\r\n\r\nx\r\n--zz--\r\n"),
        ("application/json", '{{"description": "\\ud800", {json_rest}}}'),
        ("application/json", '{{"description": ["a"], {json_rest}}}'),
        ("application/json", "[" * 5000),
        ("text/plain", "{rest}"),
    ],
)
async def test_open311_refuses_malformed_bodies_and_saves_nothing(
    app: App, client: Client, key: str, content_type: str, body: str
) -> None:
    rest = f"api_key={key}&service_code=gia_nhap_thi_truong&description=Hoan+thue"
    json_rest = f'"api_key": "{key}", "service_code": "gia_nhap_thi_truong"'
    data = body.format(rest=rest, json_rest=json_rest).encode("utf-8").replace(b"%FF%FE", b"\xff\xfe")
    before = await tickets(app)
    response = await client.post(f"{REQUESTS}.json", data=data, headers={"Content-Type": content_type})
    assert await open311_error(response, 400)
    assert await tickets(app) == before


async def test_open311_checks_the_key_before_a_big_body_and_caps_unauthenticated_bodies(
    app: App, client: Client, key: str
) -> None:
    before = await tickets(app)
    big = {**FORM, "description": "Hồ sơ hoàn thuế chậm. " * 150}  # 3,300 characters, about 9 KB encoded
    xml = await client.post(f"{REQUESTS}.xml", data={**big, "api_key": key})
    assert "larger than 8192 bytes" in await open311_error(xml, 413)
    flood = {"description": "x" * 200_000, "service_code": "gia_nhap_thi_truong"}
    assert await open311_error(await client.post(f"{REQUESTS}.json?api_key=pcb_wrong", data=flood), 403)
    assert await open311_error(await client.post(f"{REQUESTS}.json?api_key={key}", data=flood), 413)
    assert await tickets(app) == before
    accepted = await client.post(f"{REQUESTS}.json?api_key={key}", data=big)
    assert accepted.status == 200, await accepted.text()
    small = await client.post(f"{REQUESTS}.json", data={**FORM, "api_key": key, "attribute[confidential]": "có"})
    assert small.status == 200, await small.text()
    assert await tickets(app) == before + 2


async def test_an_unexpected_error_is_a_logged_500_that_leaks_nothing(
    client: Client, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.ERROR, logger="bot.web.boundary"):
        page = await client.get("/boom?lang=en")
        html = await page.text()
        assert page.status == 500 and "Something went wrong" in html and SECRET_MESSAGE not in html
        assert "hunter2" not in await open311_error(await client.get("/open311/v2/boom.xml"), 500)
    assert [r.exc_info and str(r.exc_info[1]) for r in caplog.records] == [SECRET_MESSAGE, SECRET_MESSAGE]
    assert all("hunter2" not in r.getMessage() for r in caplog.records)


async def test_a_refused_body_that_cannot_be_decoded_is_a_warning_not_a_crash(
    app: App, client: Client, caplog: pytest.LogCaptureFixture
) -> None:
    before = await tickets(app)
    corrupt = b"description=\xff\xfe not gzip at all " * 20
    with caplog.at_level(logging.WARNING):
        response = await client.post(
            f"{REQUESTS}.json?api_key=pcb_wrong",
            data=corrupt,
            headers={"Content-Type": "application/x-www-form-urlencoded", "Content-Encoding": "gzip"},
        )
        assert await open311_error(response, 403)
        assert (await client.get("/healthz")).status == 200
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR], [r.getMessage() for r in caplog.records]
    assert any(r.getMessage().startswith("malformed request refused") for r in caplog.records)
    assert await tickets(app) == before


async def test_a_url_too_long_for_the_parser_is_a_400_and_a_warning(
    client: Client, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING):
        response = await client.get("/t?code=LS-AAAAAA&q=" + "a" * 9000)
        assert response.status == 400
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR], [r.getMessage() for r in caplog.records]
    assert any(r.getMessage().startswith("malformed request refused") for r in caplog.records)


@pytest.mark.parametrize(
    ("encoding", "status", "says"),
    [
        ("gzip", 400, "cannot be read"),  # an authorised body that is not the gzip it claims (bench fuzz: 500)
        ("deflate", 400, "cannot be read"),
        ("x-unknown", 415, "not supported"),  # aiohttp passes the bytes through undecoded: it was saved
        ("br", 400, ""),  # without Brotli installed aiohttp's parser refuses it (plain text) before any route
        ("gzip, gzip", 415, "not supported"),
    ],
)
async def test_a_body_in_an_encoding_we_cannot_decode_is_refused_and_saves_nothing(
    app: App, client: Client, key: str, encoding: str, status: int, says: str
) -> None:
    before = await tickets(app)
    plain = f"api_key={key}&service_code=gia_nhap_thi_truong&description=Ho+so+cham".encode()
    response = await client.post(
        f"{REQUESTS}.json",
        data=plain,
        headers={"Content-Type": "application/x-www-form-urlencoded", "Content-Encoding": encoding},
    )
    if says:
        assert says in await open311_error(response, status)
    assert response.status == status
    assert await tickets(app) == before
    honest = await client.post(
        f"{REQUESTS}.json",
        data=gzip.compress(plain),
        headers={"Content-Type": "application/x-www-form-urlencoded", "Content-Encoding": "gzip"},
    )
    assert honest.status == 200, await honest.text()
    assert await tickets(app) == before + 1


@pytest.mark.parametrize("disposition", ["form-data", "attachment", "inline"])
async def test_a_multipart_part_that_is_not_form_data_is_refused(
    app: App, client: Client, key: str, disposition: str
) -> None:
    fields = {"api_key": key, "service_code": "gia_nhap_thi_truong", "description": "Hồ sơ đăng ký chậm"}
    parts = [
        f'--zz\r\nContent-Disposition: {disposition if name == "service_code" else "form-data"}; name="{name}"'
        f"\r\n\r\n{value}\r\n"
        for name, value in fields.items()
    ]
    data = ("".join(parts) + "--zz--\r\n").encode()
    before = await tickets(app)
    response = await client.post(
        f"{REQUESTS}.json", data=data, headers={"Content-Type": "multipart/form-data; boundary=zz"}
    )
    if disposition == "form-data":
        assert response.status == 200, await response.text()
        assert await tickets(app) == before + 1
    else:
        assert "form-data name" in await open311_error(response, 400)
        assert await tickets(app) == before
