"""Tracking codes (LS-7K3QX9) and one-time codes: random, unambiguous, case-insensitive on input."""

from __future__ import annotations

import re
import secrets

ALPHABET = "23456789ABCDEFGHJKMNPQRSTVWXYZ"
CODE_LENGTH = 6


def new_code(prefix: str = "LS") -> str:
    """A fresh random tracking code such as LS-7K3QX9."""
    return f"{prefix}-" + "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))


def new_secret_code(length: int = 8) -> str:
    """A one-time code for invites and identity links."""
    return "".join(secrets.choice(ALPHABET) for _ in range(length))


def code_pattern(prefix: str = "LS") -> re.Pattern[str]:
    """Regex finding a tracking code in free text, case-insensitively, with or without the dash."""
    return re.compile(rf"\b({re.escape(prefix)})-?([{ALPHABET}]{{{CODE_LENGTH}}})\b", re.IGNORECASE)


def normalize_code(raw: str, prefix: str = "LS") -> str | None:
    """Canonical upper-case code for user input such as 'ls-7k3qx9', or None if it is not one."""
    m = code_pattern(prefix).fullmatch(raw.strip().upper())
    if m is None:
        return None
    return f"{m.group(1).upper()}-{m.group(2).upper()}"


def find_code(text: str, prefix: str = "LS") -> str | None:
    """The first tracking code mentioned in a text."""
    m = code_pattern(prefix).search(text.upper())
    return f"{m.group(1).upper()}-{m.group(2).upper()}" if m else None
