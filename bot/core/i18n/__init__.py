"""Message catalogs for what businesses read: Vietnamese first, English and Chinese."""

from __future__ import annotations

from typing import Any

from bot.core.i18n import en, vi, zh

LANGUAGES = ("vi", "en", "zh")
CATALOGS: dict[str, dict[str, str]] = {"vi": vi.MESSAGES, "en": en.MESSAGES, "zh": zh.MESSAGES}


def t(key: str, lang: str | None = "vi", **params: Any) -> str:
    """The message for `key` in `lang` (falling back to Vietnamese), with parameters filled in."""
    catalog = CATALOGS.get(lang or "vi", vi.MESSAGES)
    template = catalog.get(key) or vi.MESSAGES[key]
    return template.format(**params) if params else template
