"""Tests for submitter detail validation (phone, tax code, name, commune)."""

from __future__ import annotations

import unicodedata

import pytest
from stdnum.vn import mst

from bot.core.contact import (
    MAX_ATTACHMENTS,
    MAX_TEXT,
    Commune,
    ContactError,
    find_commune,
    find_communes,
    fold,
    load_communes,
    normalize_name,
    normalize_phone,
    normalize_tax_code,
)


def test_limits() -> None:
    assert MAX_TEXT == 4000
    assert MAX_ATTACHMENTS == 10


def test_contact_error_is_value_error_with_code() -> None:
    err = ContactError("phone_invalid")
    assert isinstance(err, ValueError)
    assert err.code == "phone_invalid"


# --------------------------------------------------------------------------- phones
@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("0912345678", "0912345678"),
        ("0912 345 678", "0912345678"),
        ("0912.345.678", "0912345678"),
        ("0912-345-678", "0912345678"),
        ("  0386 123 456 ", "0386123456"),
        ("+84912345678", "0912345678"),
        ("+84 912 345 678", "0912345678"),
        ("84912345678", "0912345678"),
        ("0084 912 345 678", "0912345678"),
        ("+84 0912 345 678", "0912345678"),
        ("0523456789", "0523456789"),
        ("0771234567", "0771234567"),
        ("0881234567", "0881234567"),
        ("0205 3812 345", "02053812345"),
        ("(0205) 3812.345", "02053812345"),
        ("+84 205 3812 345", "02053812345"),
    ],
)
def test_phone_valid(raw: str, expected: str) -> None:
    assert normalize_phone(raw) == expected


@pytest.mark.parametrize(
    "raw",
    [
        "",
        "   ",
        "0112345678",  # wrong prefix
        "0412345678",  # wrong prefix
        "0612345678",  # wrong prefix
        "091234567",  # too short
        "09123456789",  # too long for a mobile
        "0205381234",  # landline too short
        "912345678",  # missing trunk 0
        "+1 415 555 0100",  # not Vietnamese
        "0912abc678",
        "phone: 0912345678",
        "++84912345678",
    ],
)
def test_phone_invalid(raw: str) -> None:
    with pytest.raises(ContactError) as exc:
        normalize_phone(raw)
    assert exc.value.code == "phone_invalid"


# --------------------------------------------------------------------------- tax codes
def _valid_10() -> str:
    base = "010023348"
    return base + mst.calc_check_digit(base)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("0100109106", "0100109106"),
        (" 0100109106 ", "0100109106"),
        ("0100 109 106", "0100109106"),
        ("0100109106-001", "0100109106-001"),
        ("0100109106001", "0100109106-001"),
        ("0100109106 - 001", "0100109106-001"),
        ("001203012345", "001203012345"),  # 12-digit CCCD, no checksum
        ("001 203 012 345", "001203012345"),
    ],
)
def test_tax_code_valid(raw: str, expected: str) -> None:
    assert normalize_tax_code(raw) == expected


def test_tax_code_computed_with_stdnum() -> None:
    code = _valid_10()
    assert normalize_tax_code(code) == code


@pytest.mark.parametrize(
    "raw",
    [
        "",
        "0100109107",  # wrong check digit
        "0100109107-001",  # wrong check digit on a branch
        "0100109106-000",  # branch 000 is not a branch
        "010010910",  # 9 digits
        "0100109106-01",  # mistyped branch code, not a CCCD
        "01001091060012",  # 14 digits
        "01001O9106",  # letter O
        "MST0100109106",
        "abcdefghij",
    ],
)
def test_tax_code_invalid(raw: str) -> None:
    with pytest.raises(ContactError) as exc:
        normalize_tax_code(raw)
    assert exc.value.code == "tax_code_invalid"


# --------------------------------------------------------------------------- names
@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Nguyễn Văn A", "Nguyễn Văn A"),
        ("  Nguyễn   Văn\tA  ", "Nguyễn Văn A"),
        ("Công ty TNHH 3 Lá", "Công ty TNHH 3 Lá"),
        ("Lò", "Lò"),
        ("HTX Nông nghiệp Mẫu Sơn", "HTX Nông nghiệp Mẫu Sơn"),
    ],
)
def test_name_valid(raw: str, expected: str) -> None:
    assert normalize_name(raw) == expected


def test_name_is_nfc() -> None:
    decomposed = unicodedata.normalize("NFD", "Nguyễn Thị Hoà")
    got = normalize_name(decomposed)
    assert got == unicodedata.normalize("NFC", "Nguyễn Thị Hoà")
    assert unicodedata.is_normalized("NFC", got)


@pytest.mark.parametrize(
    "raw", ["", " ", "A", "   b  ", "12345", "0912 345 678", "---", "x" * 101, "Ab\x00c"]
)
def test_name_invalid(raw: str) -> None:
    with pytest.raises(ContactError) as exc:
        normalize_name(raw)
    assert exc.value.code == "name_invalid"


def test_name_length_bounds() -> None:
    assert normalize_name("x" * 100) == "x" * 100
    assert normalize_name("ab") == "ab"


# --------------------------------------------------------------------------- fold
def test_fold() -> None:
    assert fold("Đồng Đăng") == "dong dang"
    assert fold("Hoà") == fold("Hòa") == "hoa"
    assert fold("LƯƠNG VĂN TRI") == "luong van tri"
    assert fold(unicodedata.normalize("NFD", "Kỳ Lừa")) == "ky lua"


# --------------------------------------------------------------------------- communes
def test_load_communes() -> None:
    communes = load_communes()
    assert len(communes) == 65
    assert sum(c.kind == "phuong" for c in communes) == 4
    assert sum(c.kind == "xa" for c in communes) == 61
    assert len({c.code for c in communes}) == 65
    assert all(len(c.code) == 5 and c.code.isdigit() for c in communes)
    # Returned list is a copy: mutating it does not affect later calls.
    communes.clear()
    assert len(load_communes()) == 65


def test_find_commune_by_code() -> None:
    c = find_commune("05986")
    assert c == Commune(code="05986", name="Tam Thanh", kind="phuong")
    assert find_commune("5986") == c
    assert find_commune(" 06184 ") is not None
    assert find_commune("99999") is None
    assert find_commune("123456") is None


@pytest.mark.parametrize(
    "query",
    [
        "Đồng Đăng",
        "đồng đăng",
        "dong dang",
        "DONG DANG",
        "xã Đồng Đăng",
        "Xã Đồng Đăng",
        "xa dong dang",
        "x. Đồng Đăng",
        "  dong   dang ",
        "dong-dang",
    ],
)
def test_find_commune_by_name(query: str) -> None:
    c = find_commune(query)
    assert c is not None
    assert c.code == "06184"
    assert c.name == "Đồng Đăng"


def test_find_commune_ward_with_prefix() -> None:
    for q in ("phường Kỳ Lừa", "Phuong ky lua", "p. Kỳ Lừa", "ky lua"):
        c = find_commune(q)
        assert c is not None and c.code == "06187" and c.kind == "phuong"


def test_find_commune_mixed_tone_mark_placement() -> None:
    # "Nhất Hòa" in the CSV; users may type the old-style "Nhất Hoà".
    c = find_commune("Nhất Hoà")
    assert c is not None and c.name == "Nhất Hòa"


@pytest.mark.parametrize("query", ["", "   ", "Hà Nội", "xã", "phường", "dong", "Thiện"])
def test_find_commune_unknown_or_partial(query: str) -> None:
    assert find_commune(query) is None


def test_find_communes_suggestions() -> None:
    got = find_communes("thien")
    assert [c.name for c in got] == ["Thiện Hòa", "Thiện Long", "Thiện Tân", "Thiện Thuật"]

    # Exact match ranks first.
    assert find_communes("Văn Quan")[0].name == "Văn Quan"
    # Word-prefix matches, e.g. "son" finds "... Sơn".
    son = find_communes("sơn", limit=20)
    assert {c.name for c in son} >= {"Bắc Sơn", "Mẫu Sơn", "Ba Sơn", "Châu Sơn"}
    assert len(find_communes("sơn", limit=3)) == 3
    # Substring.
    assert any(c.name == "Na Dương" for c in find_communes("duong", limit=20))
    # Code prefix.
    assert {c.code for c in find_communes("0598")} == {"05983", "05986"}
    # Prefix "xã" is ignored for matching.
    assert find_communes("xã Tân")[0].name.startswith("Tân")
    assert find_communes("") == []
    assert find_communes("zzz") == []
    assert find_communes("thien", limit=0) == []
