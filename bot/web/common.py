"""Helpers shared by the public pages, open data and Open311: language, caching, statuses, labels."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Generic, TypeVar
from urllib.parse import urlencode

from aiohttp import web
from jinja2 import Environment, FileSystemLoader

from bot.core.fmt import fmt_int, fmt_percent
from bot.core.i18n import LANGUAGES, t
from bot.core.lifecycle import OPEN_STATES
from bot.core.notify import agency_label, kind_label, topic_label
from bot.core.services import Core
from bot.core.states import state_label

T = TypeVar("T")
log = logging.getLogger(__name__)
STATS_TTL_SECONDS = 15.0
TEMPLATES = Path(__file__).resolve().parent / "templates"
LANGUAGE_NAMES = (("vi", "Tiếng Việt"), ("en", "English"), ("zh", "中文"))


def lang_of(request: web.Request) -> str:
    """Vietnamese unless ?lang=en or ?lang=zh."""
    lang = request.query.get("lang", "vi")
    return lang if lang in LANGUAGES else "vi"


def open311_status(state: str) -> str:
    """Open311 knows only open and closed: answered, closed and refused items are closed."""
    return "open" if state in OPEN_STATES else "closed"


@dataclass(frozen=True)
class Labels:
    """Localised names of kinds, topics, agencies and states for one language."""

    core: Core
    lang: str

    def kind(self, kind: str) -> str:
        return kind_label(kind, self.lang)

    def topic(self, topic_id: str | None) -> str:
        return topic_label(self.core, topic_id, self.lang)

    def agency(self, agency_id: str) -> str:
        return agency_label(self.core, agency_id)

    def agency_full(self, agency_id: str) -> str:
        agency = self.core.rules.agencies_by_id.get(agency_id)
        return agency.full_name if agency else agency_id

    def state(self, state: str) -> str:
        return state_label(state, self.lang)

    def outcome(self, outcome: str | None) -> str | None:
        return t(f"outcome_{outcome}", self.lang) if outcome else None


@dataclass
class _Entry(Generic[T]):
    value: T
    expires: float


@dataclass
class TTLCache(Generic[T]):
    """Computed values kept for a few seconds (stale-while-revalidate).

    The first request for a key computes it (concurrent ones wait for that one computation); after
    `ttl` seconds the old value is still served while one background task computes the new one, so
    no request waits for a refresh. At most `maxsize` keys are kept (the oldest are dropped).
    """

    ttl: float = STATS_TTL_SECONDS
    maxsize: int = 256
    clock: Callable[[], float] = time.monotonic
    _entries: dict[Any, _Entry[T]] = field(default_factory=dict)
    _locks: dict[Any, asyncio.Lock] = field(default_factory=dict)
    _refreshing: dict[Any, asyncio.Task[None]] = field(default_factory=dict)

    async def get(self, key: Any, compute: Callable[[], Awaitable[T]]) -> T:
        """The cached value; computed on first use, refreshed in the background once stale."""
        entry = self._entries.get(key)
        if entry is not None:
            if entry.expires <= self.clock() and key not in self._refreshing:
                self._refreshing[key] = asyncio.create_task(self._refresh(key, compute))
            return entry.value
        lock = self._locks.setdefault(key, asyncio.Lock())
        async with lock:
            entry = self._entries.get(key)
            if entry is None:
                entry = self._store(key, await compute())
            return entry.value

    async def _refresh(self, key: Any, compute: Callable[[], Awaitable[T]]) -> None:
        try:
            self._store(key, await compute())
        except Exception:  # keep serving the previous value; the next request retries
            log.exception("refreshing cached %r failed", key)
        finally:
            self._refreshing.pop(key, None)

    def _store(self, key: Any, value: T) -> _Entry[T]:
        self._entries.pop(key, None)
        while len(self._entries) >= self.maxsize:
            oldest = next(iter(self._entries))
            del self._entries[oldest]
            self._locks.pop(oldest, None)
        entry = _Entry(value, self.clock() + self.ttl)
        self._entries[key] = entry
        return entry


def _number(x: float, digits: int = 1) -> str:
    return f"{x:.{digits}f}".replace(".", ",")


def make_environment() -> Environment:
    """Jinja2 with autoescaping of every template (all of them are HTML)."""
    env = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=True, trim_blocks=True, lstrip_blocks=True)
    env.globals.update(fmt_int=fmt_int, fmt_percent=fmt_percent, languages=LANGUAGE_NAMES)
    return env


def url_for(path: str, lang: str, **params: Any) -> str:
    """A link that keeps the page language; parameters set to None are left out."""
    query = {k: v for k, v in params.items() if v is not None}
    if lang != "vi":
        query["lang"] = lang
    return f"{path}?{urlencode(query)}" if query else path


def render(env: Environment, request: web.Request, core: Core, template: str, **context: Any) -> str:
    """Render a page in the request's language with the helpers every template uses."""
    lang = lang_of(request)

    def translate(key: str, **params: Any) -> str:
        return t(key, lang, **params)

    def fmt_hours(hours: float | None) -> str:
        return "—" if hours is None else translate("web_hours", h=_number(hours))

    def fmt_rating(value: float | None) -> str:
        return "—" if value is None else f"{_number(value)}/5"

    def switch_lang(code: str) -> str:
        params = {k: v for k, v in request.query.items() if k != "lang"}
        return url_for(request.path, code, **params)

    return env.get_template(template).render(
        lang=lang,
        _=translate,
        url=lambda path, **params: url_for(path, lang, **params),
        switch_lang=switch_lang,
        fmt_hours=fmt_hours,
        fmt_rating=fmt_rating,
        labels=Labels(core, lang),
        **context,
    )
