"""A ticket event as people read it: one catalog for the public page and the officers' /show history."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from bot.core.fmt import fmt_date
from bot.core.i18n import CATALOGS, t
from storage.models import TicketEvent


def event_text(ev: TicketEvent, lang: str, agency: Callable[[str], str]) -> str:
    """The sentence for one event in `lang` (`agency` names an agency id)."""
    if ev.action in {"assign", "transfer"}:
        return t(
            f"web_ev_{ev.action}",
            lang,
            source=agency(ev.from_agency or ""),
            target=agency(ev.to_agency or ""),
        )
    if ev.action == "extended":
        due = ev.data.get("to")
        return t(
            "web_ev_extended",
            lang,
            days=ev.data.get("days", ""),
            due=fmt_date(datetime.fromisoformat(due)) if isinstance(due, str) else "—",
        )
    if ev.action == "rated":
        return t("web_ev_rated", lang, rating=ev.data.get("rating", ""))
    if ev.action == "close":
        return t("web_ev_close_confirmed" if ev.reason == "confirmed" else "web_ev_close", lang)
    key = f"web_ev_{ev.action}"
    return t(key, lang) if key in CATALOGS["vi"] else ev.action
