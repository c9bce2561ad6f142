"""Language of a business's first message: short Vietnamese without diacritics must not read as English."""

from __future__ import annotations

import pytest

from bot.core.language import detect_language


@pytest.mark.parametrize(
    "text",
    [
        "thu tuc hoan thue bi cham",
        "xin hoi ve giay phep kinh doanh",
        "cty em bi phat sai",
        "lam sao de dang ky",
        "dat dai o xa minh chua duoc cap so",
        "hai quan thong quan cham qua",
        "toi muon phan anh",
        "cho em hoi",
        "ok",
        "hoan thue",
        "phi cao qua",
        "mat dien lien tuc",
        "giai phong mat bang",
        "cho thue nha",
        "Thủ tục hoàn thuế bị chậm",
    ],
)
def test_vietnamese_even_without_diacritics(text: str) -> None:
    assert detect_language(text) == "vi"


@pytest.mark.parametrize(
    "text",
    [
        "The customs clearance at the border gate takes far too long for our trucks",
        "We would like to complain about the delay in our construction permit application",
    ],
)
def test_english(text: str) -> None:
    assert detect_language(text) == "en"


@pytest.mark.parametrize("text", ["海关通关太慢了", "我们公司的退税申请被延误"])
def test_chinese(text: str) -> None:
    assert detect_language(text) == "zh"
