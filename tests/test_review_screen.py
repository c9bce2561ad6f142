"""The review screen before "Gửi" names every field that will be published, and Open311 publishes no more."""

from __future__ import annotations

import html
import re
from typing import Any

import pytest

from bot.app import App
from tests.console_driver import ConsoleDriver
from tests.test_console import TEXT, button

SAID = TEXT + " Xin liên hệ anh Nguyễn Văn An, 0912345678."


async def review(console: ConsoleDriver, *, confidential: bool, consent: bool) -> str:
    """The intake dialog up to the review screen, with a commune and a tax code given."""
    out = await console.type(SAID)
    out = await console.type(button(out, "Phản ánh"))
    await console.type("Nguyễn Văn An")
    await console.type("0912 345 678")
    await console.type("Công ty TNHH Hữu Nghị")
    await console.type("0100109106")
    out = await console.type("Đồng Đăng")
    out = await console.type(button(out, "Có" if confidential else "Không"))
    return await console.type(button(out, "Có" if consent else "Không"))


def line(screen: str, label: str) -> str:
    found = re.search(rf"^• {re.escape(label)}: (.*)$", screen, re.MULTILINE)
    assert found is not None, f"no {label!r} on:\n{screen}"
    return found.group(1)


@pytest.mark.parametrize(("confidential", "consent"), [(False, True), (False, False), (True, True)])
async def test_the_review_screen_lists_what_open311_publishes(
    app: App, aiohttp_client: Any, confidential: bool, consent: bool
) -> None:
    console = ConsoleDriver(app)
    screen = await review(console, confidential=confidential, consent=consent)
    assert line(screen, "Xã, phường") == "Đồng Đăng"
    assert line(screen, "Liên hệ") == "Nguyễn Văn An, 0912345678, Công ty TNHH Hữu Nghị, MST 0100109106"
    public = line(screen, "Sẽ công khai").split(", ")
    assert line(screen, "Không bao giờ công khai") == "họ tên, số điện thoại, mã số thuế"
    out = await console.type(button(screen, "Gửi"))
    found = re.search(r"LS-[0-9A-Z]{6}", out)
    assert found is not None
    code = found.group(0)

    web = await aiohttp_client(app.webapp)
    [record] = await (await web.get(f"/open311/v2/requests.json?service_request_id={code}")).json()
    page = html.unescape(await (await web.get(f"/t/{code}")).text())
    shown = consent and not confidential
    assert ("xã/phường" in public) == shown == (record["address"] == "Đồng Đăng, Lạng Sơn")
    assert ("nội dung (đã ẩn thông tin cá nhân)" in public) == shown == (record["description"] is not None)
    assert ("loại" in public) == (not confidential) == ("<dt>Loại</dt><dd>Phản ánh</dd>" in page)
    assert ("xã/phường" in public) == ("<dt>Xã, phường</dt><dd>Đồng Đăng</dd>" in page)
    assert {"mã tra cứu", "lĩnh vực", "cơ quan chủ trì", "trạng thái và các mốc thời gian"} <= set(public)
    if shown:  # the text as published is on the review screen, word for word
        published = screen.split("Nội dung sẽ công khai (đã ẩn thông tin cá nhân):\n", 1)[1].split("\n  [")[0]
        assert published == record["description"] and "0912345678" not in published
        assert "Nguyễn Văn An" not in published
    else:
        assert "Nội dung sẽ công khai" not in screen
    for private in ("0912345678", "0100109106", "Nguyễn Văn An", "Hữu Nghị"):
        assert private not in str(record) and private not in page
