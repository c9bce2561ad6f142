"""Zalo text rules: NFC, 2,000-unit parts cut at sentence boundaries, numbered choices, signature formula."""

from __future__ import annotations

import hashlib
import unicodedata

from bot.channels.base import Button, Outgoing
from bot.channels.choices import pick
from bot.channels.zalo_oa import event_key, signature_variant
from bot.channels.zalo_text import numbered_text, split, units

SENTENCE = "Doanh nghiệp đề nghị Sở Xây dựng rút ngắn thời gian cấp phép. "


def test_short_text_is_one_nfc_part() -> None:
    decomposed = unicodedata.normalize("NFD", "Quý doanh nghiệp")
    assert split(decomposed) == ["Quý doanh nghiệp"]
    assert split("") == [""]


def test_long_text_splits_on_sentence_ends_without_losing_words() -> None:
    text = SENTENCE * 70  # ~4,400 characters
    parts = split(text)
    assert len(parts) == 3
    assert all(units(p) <= 2000 for p in parts)
    assert all(p.endswith("cấp phép.") for p in parts)
    assert " ".join(parts).split() == text.split()


def test_paragraph_break_preferred_and_emoji_count_double() -> None:
    text = "Đoạn một. " * 150 + "\n\n" + "Đoạn hai. " * 100
    parts = split(text)
    assert parts[0].endswith("Đoạn một.") and parts[1].startswith("Đoạn hai.")
    emoji = "😀" * 1500  # 3,000 UTF-16 units, no boundary at all: hard cut
    assert [units(p) for p in split(emoji)] == [2000, 1000]


def test_numbered_choices_and_digit_reply() -> None:
    buttons = [[Button("Có", "conf:yes"), Button("Không", "conf:no")]]
    text = numbered_text(Outgoing("Giữ bí mật?", buttons))
    assert text == "Giữ bí mật?\n  [1] Có\n  [2] Không"
    flat = [b for row in buttons for b in row]
    assert pick(" 2 ", flat) == "conf:no" and pick("3", flat) is None and pick("hai", flat) is None


def test_signature_formula_and_ids_as_strings() -> None:
    raw = b'{"event_name":"user_send_text","timestamp":"1699003881354"}'
    mac = hashlib.sha256(b"app1" + raw + b"1699003881354" + b"oa-secret").hexdigest()
    body = {"event_name": "user_send_text", "timestamp": "1699003881354"}
    secrets = {"oa_secret": "oa-secret", "app_secret": "app-secret"}
    assert signature_variant(raw, body, f"mac={mac}", "app1", secrets) == "app_id+oa_secret"
    assert signature_variant(raw, body, f"mac={mac.upper()}", "app1", secrets) == "app_id+oa_secret"
    assert signature_variant(raw, body, "mac=", "app1", secrets) is None
    assert signature_variant(raw, body, "mac=ổ", "app1", secrets) is None
    follow = {"event_name": "follow", "follower": {"id": "7742"}, "timestamp": "1"}
    assert event_key(follow) == ("follow:7742:1", "7742")
    assert event_key({"event_name": "user_seen_message", "sender": {"id": "1"}}) is None
