"""The message catalogs: coverage of business-facing keys, placeholders, fallback, Vietnamese text quality."""

from __future__ import annotations

import string
import unicodedata

import pytest

from bot.core.i18n import CATALOGS, en, t, vi, zh

AGENCY_PREFIXES = (
    "card_", "agency_", "off_", "join_", "inbox_", "show_", "take_ok", "reply_ok", "ask_ok", "resolve_ok",
    "transfer_ok", "extend_ok", "extend_new_due", "extend_usage", "reject_ok", "note_ok", "prompt_",
    "admin_only", "invite_", "bind_", "agencies_title", "officers_", "assign_", "overdue_", "stats_title",
)
# Sent to the business (notify.to_business) despite the "agency_" prefix: translated too.
BUSINESS_AGENCY_KEYS = frozenset({"agency_reply", "agency_question"})


def is_business_facing(key: str) -> bool:
    return key in BUSINESS_AGENCY_KEYS or not key.startswith(AGENCY_PREFIXES)


BUSINESS_KEYS = sorted(k for k in vi.MESSAGES if is_business_facing(k))
TRANSLATED = {"en": en.MESSAGES, "zh": zh.MESSAGES}


def fields(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name is not None}


def test_catalogs_registered() -> None:
    assert CATALOGS == {"vi": vi.MESSAGES, "en": en.MESSAGES, "zh": zh.MESSAGES}


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_every_business_key_translated(lang: str) -> None:
    missing = [k for k in BUSINESS_KEYS if k not in TRANSLATED[lang]]
    assert not missing, f"{lang} lacks {missing}"


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_no_keys_beyond_vietnamese(lang: str) -> None:
    extra = sorted(set(TRANSLATED[lang]) - set(vi.MESSAGES))
    assert not extra, f"{lang} has keys vi lacks: {extra}"


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_agency_keys_stay_vietnamese_only(lang: str) -> None:
    leaked = sorted(k for k in TRANSLATED[lang] if not is_business_facing(k))
    assert not leaked, f"{lang} translates agency-facing keys: {leaked}"


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_placeholders_match_vietnamese(lang: str) -> None:
    for key, template in TRANSLATED[lang].items():
        assert fields(template) == fields(vi.MESSAGES[key]), f"{lang}:{key}"


@pytest.mark.parametrize("lang", ["vi", "en", "zh"])
def test_templates_well_formed_and_non_empty(lang: str) -> None:
    for key, template in CATALOGS[lang].items():
        assert template.strip(), f"{lang}:{key} is empty"
        params = {name: "X" for name in fields(template)}
        template.format(**params)  # no stray braces, no positional or attribute fields


def test_agency_key_falls_back_to_vietnamese() -> None:
    assert "card_title" not in en.MESSAGES
    params = {"icon": "📥", "code": "LS-7K3QX9", "state": "mới", "Noun": "Phản ánh"}
    assert t("card_title", "en", **params) == "📥 Phản ánh LS-7K3QX9 · mới"
    assert t("take_ok", "zh", code="LS-7K3QX9", due="01/07/2025") == vi.MESSAGES["take_ok"].format(
        code="LS-7K3QX9", due="01/07/2025")


def test_unknown_language_falls_back_to_vietnamese() -> None:
    assert t("lang_set", "fr") == vi.MESSAGES["lang_set"]
    assert t("lang_set", None) == vi.MESSAGES["lang_set"]


def test_receipt_in_english() -> None:
    text = t("receipt", "en", noun="recommendation", code="LS-7K3QX9", agency="Department of Finance",
             due="15/07/2025", days=10)
    assert "LS-7K3QX9" in text
    assert "Department of Finance" in text and "15/07/2025" in text and "10 working days" in text
    assert "your enterprise" in text


def test_receipt_in_chinese() -> None:
    text = t("receipt", "zh", noun="建议", code="LS-7K3QX9", agency="财政厅", due="15/07/2025", days=10)
    assert "LS-7K3QX9" in text and "贵企业" in text and "系统" in text


def test_lang_set_names_the_language() -> None:
    assert "English" in t("lang_set", "en")
    assert "中文" in t("lang_set", "zh")
    assert "Tiếng Việt" in t("lang_set", "vi")


def test_vietnamese_has_diacritics() -> None:
    assert "Quý doanh nghiệp" in vi.MESSAGES["greeting"]
    assert "Lạng Sơn" in vi.MESSAGES["greeting"]
    ascii_forms = ("Quy doanh nghiep", "phan anh", "kien nghi", "Lang Son", "He thong", "Xin nhap")
    for key, template in vi.MESSAGES.items():
        for form in ascii_forms:
            assert form.lower() not in template.lower(), f"vi:{key} has ASCII-only {form!r}"


def test_vietnamese_is_nfc() -> None:
    for key, template in vi.MESSAGES.items():
        assert unicodedata.normalize("NFC", template) == template, f"vi:{key} is not NFC"


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_translations_are_nfc(lang: str) -> None:
    for key, template in TRANSLATED[lang].items():
        assert unicodedata.normalize("NFC", template) == template, f"{lang}:{key} is not NFC"


def test_english_addresses_the_business_formally() -> None:
    assert "your enterprise" in en.MESSAGES["greeting"]
    assert "the system" in en.MESSAGES["greeting"]


def test_chinese_addresses_the_business_formally() -> None:
    assert "贵企业" in zh.MESSAGES["greeting"]
    assert "系统" in zh.MESSAGES["greeting"]
