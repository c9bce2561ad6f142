"""Ticket states: the allowed transitions and what each state and kind is called, one table for every screen."""

from __future__ import annotations

from bot.core.i18n import t

STATES = ("triage", "new", "in_progress", "awaiting_info", "resolved", "closed", "rejected")

# action -> {from_state: to_state}; anything else is refused.
TRANSITIONS: dict[str, dict[str, str]] = {
    "assign": {"triage": "new"},
    "take": {"new": "in_progress"},
    "transfer": {"new": "new", "in_progress": "new"},
    "ask": {"in_progress": "awaiting_info"},
    "info_received": {"awaiting_info": "in_progress"},
    "resolve": {"in_progress": "resolved"},
    "reject": {"new": "rejected", "in_progress": "rejected"},
    "close": {"resolved": "closed"},
    "reopen": {"resolved": "in_progress", "closed": "in_progress"},
}
# Actions an officer may do on a `new` ticket by implicitly taking it first.
IMPLICIT_TAKE = frozenset({"ask", "resolve", "reply"})
# Actions that record an event without moving the ticket: the states they are allowed in.
IN_PLACE: dict[str, frozenset[str]] = {
    "reply": frozenset({"in_progress", "awaiting_info"}),
    "extend": frozenset({"new", "in_progress", "awaiting_info"}),
}
# A sign in front of each state on the agency card, so a glance tells a new item from a closed one.
ICONS = {
    "triage": "🗂",
    "new": "📥",
    "in_progress": "🛠",
    "awaiting_info": "⏳",
    "resolved": "✅",
    "closed": "🏁",
    "rejected": "⛔",
}


def allows(action: str, state: str) -> bool:
    """Whether `action` may be done on a ticket in `state` (a `new` ticket is taken first for IMPLICIT_TAKE)."""
    if state in TRANSITIONS.get(action, {}) or state in IN_PLACE.get(action, frozenset()):
        return True
    return action in IMPLICIT_TAKE and state == "new" and allows(action, TRANSITIONS["take"]["new"])


def state_label(state: str, lang: str = "vi") -> str:
    """What a state is called, the same on the business's /status, the card, /inbox, the public page and the digest."""
    return t(f"state_{state}", lang)


def noun(kind: str, lang: str = "vi", *, capital: bool = False) -> str:
    """What an item of a kind is called in a sentence: "phản ánh", "kiến nghị", "câu hỏi", "tố cáo"."""
    word = t(f"noun_{kind}", lang)
    return word[:1].upper() + word[1:] if capital else word


def ticket_words(kind: str | None, lang: str = "vi") -> dict[str, str]:
    """The kind's noun for message templates: {noun} mid-sentence, {Noun} at the start of one.

    `kind` None where the kind is withheld (a confidential item or a denunciation on public pages): "phản ánh".
    """
    kind = kind or "phan_anh"
    return {"noun": noun(kind, lang), "Noun": noun(kind, lang, capital=True)}
