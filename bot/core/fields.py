"""Untrusted field values shared by every intake boundary (import files, Open311, web): yes/no flags and clean text."""

from __future__ import annotations

import re
import unicodedata

TRUE_WORDS = ("true", "1", "yes", "y", "on", "có", "co", "x")
FALSE_WORDS = ("false", "0", "no", "n", "off", "không", "khong")
# What a flag accepts, as told to whoever sent a value that is none of these.
FLAG_CHOICES = "true/false, 1/0, yes/no, có/không, x (đánh dấu) hoặc để trống"
FLAG_CHOICES_EN = "true/false, 1/0, yes/no, on/off, có/không, or empty"
# Lone surrogates (only JSON escapes can make them), NUL and the other C0/C1 controls but tab and line breaks.
_UNPRINTABLE = re.compile(r"[\ud800-\udfff\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


class FieldError(ValueError):
    """A value that is not what its field accepts."""


def parse_flag(raw: object, default: bool = False) -> bool:
    """A yes/no value: a JSON boolean, one of TRUE_WORDS or FALSE_WORDS (any case), or empty for `default`.

    Anything else ("maybe", "2", "nope") is a FieldError: a flag is never guessed.
    """
    if isinstance(raw, bool):
        return raw
    if raw is None:
        return default
    if isinstance(raw, int) and raw in (0, 1):
        return bool(raw)
    if not isinstance(raw, str):
        raise FieldError(repr(raw))
    word = unicodedata.normalize("NFC", raw).strip().lower()
    if not word:
        return default
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise FieldError(raw)


def unprintable(value: str) -> bool:
    """True when the text holds a lone surrogate or a control character other than tab and line breaks."""
    return _UNPRINTABLE.search(value) is not None
