"""Two issues in one message: find where an item splits into parts that belong to different lead agencies."""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.core.routing import RouteDecision, Router

# Where a second issue usually starts: a sentence end, or a comma (or a space) before a word that adds a matter.
_ADDING = r"còn|con|ngoài ra|ngoai ra|thêm nữa|them nua|bên cạnh đó|ben canh do|mặt khác|mat khac|với lại|voi lai"
_BOUNDARY = re.compile(
    rf"[.;!?\n]+\s*|,\s*(?:{_ADDING})\s+|\s+(?:ngoài ra|ngoai ra|bên cạnh đó|ben canh do|mặt khác|mat khac)\s+",
    re.IGNORECASE,
)
_OPENING = r"ngoài ra|ngoai ra|thêm nữa|them nua|bên cạnh đó|ben canh do|mặt khác|mat khac|với lại|voi lai"
_LEADING = re.compile(rf"^(?:{_OPENING})\b[,\s]*", re.IGNORECASE)
MAX_PARTS = 12  # a long letter is not searched clause by clause
_CLEAR_SCORE = 2.1  # phrase score of a part clearly about its topic (weights: 3 clear, 2 fairly clear, 1 support)


@dataclass(frozen=True)
class Part:
    """One issue of a split item, with where the router sends it."""

    text: str
    decision: RouteDecision


def _strong(decision: RouteDecision) -> bool:
    """Routed by its own phrases, clearly: one decisive phrase, or a clear one and a supporting one, for the topic
    it was routed to (not one the topic model overruled)."""
    return not decision.is_triage and decision.scores.get(decision.topic, 0.0) >= _CLEAR_SCORE


def _clauses(text: str) -> list[tuple[int, int]]:
    """(start, end) of the clauses between boundaries, without the boundary words themselves."""
    spans: list[tuple[int, int]] = []
    pos = 0
    for match in _BOUNDARY.finditer(text):
        if match.start() > pos:
            spans.append((pos, match.start()))
        pos = match.end()
    if pos < len(text):
        spans.append((pos, len(text)))
    return [(s, e) for s, e in spans if text[s:e].strip()]


def split_offer(router: Router, text: str) -> tuple[Part, Part] | None:
    """The best cut of `text` into two parts clearly routed to two different agencies, or None."""
    clauses = _clauses(text)
    if not 2 <= len(clauses) <= MAX_PARTS:
        return None
    best: tuple[float, Part, Part] | None = None
    for cut in range(1, len(clauses)):
        left = text[clauses[0][0] : clauses[cut - 1][1]].strip(" ,")
        right = _LEADING.sub("", text[clauses[cut][0] : clauses[-1][1]].strip(" ,"))
        first, second = router.route(left), router.route(right)
        if first.agency == second.agency or not (_strong(first) and _strong(second)):
            continue
        weakest = min(first.confidence, second.confidence)
        if best is None or weakest > best[0]:
            best = (weakest, Part(left, first), Part(right, second))
    return None if best is None else (best[1], best[2])
