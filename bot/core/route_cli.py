"""Helpers behind `pcibot route`: route a stream of messages, or evaluate the router on labelled JSONL."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO

from bot.core.routing import RouteDecision, Router

__all__ = ["Example", "evaluate", "load_examples", "route_stream"]


def _text_of(line: str) -> str:
    stripped = line.strip()
    if stripped.startswith("{"):
        try:
            obj = json.loads(stripped)
        except json.JSONDecodeError:
            return stripped
        if isinstance(obj, dict) and isinstance(obj.get("text"), str):
            return str(obj["text"])
    return stripped


def route_stream(router: Router, lines: Iterable[str], out: TextIO) -> None:
    """Route each line (plain text or a JSON object with "text"); write exactly one JSON object per input line.

    A blank line is an empty message: it is answered as unclassified, so output line N always answers input line N.
    """
    for line in lines:
        text = _text_of(line)
        out.write(json.dumps(router.route(text).to_json(), ensure_ascii=False))
        out.write("\n")
        out.flush()


@dataclass(frozen=True)
class Example:
    """One labelled message: acceptable topics and agencies."""

    text: str
    topics: tuple[str, ...]
    agencies: tuple[str, ...]
    line: int


def _as_tuple(value: Any) -> tuple[str, ...]:
    if isinstance(value, str):
        return (value,)
    if isinstance(value, list):
        return tuple(str(v) for v in value)
    return ()


def load_examples(path: Path) -> list[Example]:
    """Read labelled JSONL: {"text": ..., "topic": [ids], "agency": [ids]} per line."""
    examples: list[Example] = []
    with Path(path).open(encoding="utf-8") as fh:
        for number, raw in enumerate(fh, start=1):
            if not raw.strip():
                continue
            try:
                obj = json.loads(raw)
            except json.JSONDecodeError as exc:
                raise ValueError(f"{path}:{number}: invalid JSON: {exc.msg}") from None
            if not isinstance(obj, dict) or not isinstance(obj.get("text"), str):
                raise ValueError(f'{path}:{number}: expected an object with a "text" string')
            examples.append(
                Example(obj["text"], _as_tuple(obj.get("topic")), _as_tuple(obj.get("agency")), number)
            )
    return examples


def _pct(k: int, n: int) -> str:
    return f"{100.0 * k / n:.1f}%" if n else "n/a"


def evaluate(router: Router, path: Path, out: TextIO) -> float:
    """Route every labelled example, print accuracy overall / per agency / per topic and every miss.

    Returns agency accuracy in [0, 1] (a prediction is right when it is one of the acceptable labels).
    """
    examples = load_examples(path)
    decisions: list[RouteDecision] = [router.route(ex.text) for ex in examples]
    n = len(examples)
    agency_ok = [d.agency in ex.agencies for ex, d in zip(examples, decisions, strict=True)]
    topic_ok = [d.topic in ex.topics for ex, d in zip(examples, decisions, strict=True)]
    agency_acc = sum(agency_ok) / n if n else 0.0

    w = out.write
    w(f"examples: {n} ({path})\n")
    w(f"agency accuracy: {sum(agency_ok)}/{n} = {_pct(sum(agency_ok), n)}\n")
    w(f"topic accuracy: {sum(topic_ok)}/{n} = {_pct(sum(topic_ok), n)}\n")

    by_agency_total: Counter[str] = Counter()
    by_agency_ok: Counter[str] = Counter()
    by_topic_total: Counter[str] = Counter()
    by_topic_ok: Counter[str] = Counter()
    for ex, a_ok, t_ok in zip(examples, agency_ok, topic_ok, strict=True):
        a_key = ex.agencies[0] if ex.agencies else "?"
        t_key = ex.topics[0] if ex.topics else "?"
        by_agency_total[a_key] += 1
        by_agency_ok[a_key] += a_ok
        by_topic_total[t_key] += 1
        by_topic_ok[t_key] += t_ok
    w("by agency (expected first label):\n")
    for key in sorted(by_agency_total):
        k, m = by_agency_ok[key], by_agency_total[key]
        w(f"  {key:<28} {k:>4}/{m:<4} {_pct(k, m)}\n")
    w("by topic (expected first label):\n")
    for key in sorted(by_topic_total):
        k, m = by_topic_ok[key], by_topic_total[key]
        w(f"  {key:<28} {k:>4}/{m:<4} {_pct(k, m)}\n")

    small_talk = [(ex, d) for ex, d in zip(examples, decisions, strict=True) if "unclassified" in ex.topics]
    in_triage = sum(1 for _, d in small_talk if d.agency == "triage")
    w(f"unclassified examples routed to triage: {in_triage}/{len(small_talk)}\n")

    misses = [
        (ex, d)
        for ex, d, a_ok, t_ok in zip(examples, decisions, agency_ok, topic_ok, strict=True)
        if not (a_ok and t_ok)
    ]
    w(f"misses: {len(misses)}\n")
    for ex, d in misses:
        w(f"- line {ex.line}: {ex.text}\n")
        w(f"    expected: topic={'|'.join(ex.topics)} agency={'|'.join(ex.agencies)}\n")
        w(f"    got:      topic={d.topic} agency={d.agency} confidence={d.confidence}\n")
        w(f"    matched:  {', '.join(d.matched) if d.matched else '(none)'}  scores={d.scores}\n")
    return agency_acc
