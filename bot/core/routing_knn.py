"""Lexical nearest-neighbour fallback for the router: TF-IDF over word uni+bi-grams of labelled examples.

Used only when the phrase rules find weak or no evidence. Examples are the labelled JSONL files officials
correct and extend ({"text": ..., "topic": [ids], ...}); small talk ("unclassified") is a neighbour too, so
chit-chat that resembles earlier chit-chat stays in triage. Pure Python; the index is built once.
"""

from __future__ import annotations

import heapq
import json
import math
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from bot.core.textnorm import NUMBER, cjk_runs, fold, normalize

__all__ = ["KnnExample", "KnnIndex", "KnnVerdict", "features", "load_knn_examples"]

# Very common function words carry no topic; they are dropped from unigrams (bigrams keep them).
_STOP = frozenset(
    """
    la va cua co cho cac nhung mot duoc khong da dang se thi ma de voi tai trong ra vao nay do nao gi
    toi em anh chi minh chung ban a oi nhe a ay roi con cung rat qua lam nhu the nen vi neu khi tu den
    bi hay hoac ve theo sau truoc len xuong nguoi viec phai can muon hoi xin the
    the a an of to in on for and or is are was be our we i my it this that with at by from have has
    what how do does can need want there here you your
    """.split()
)
# Place names and generic geography say nothing about the topic ("pho restaurant in Lang Son city").
_PLACES = ("lang son", "viet nam", "thanh pho", "city", "province", "vietnam", "tinh")


def _drop_places(words: list[str]) -> list[str]:
    out: list[str] = []
    i = 0
    while i < len(words):
        if i + 1 < len(words) and f"{words[i]} {words[i + 1]}" in _PLACES:
            i += 2
            continue
        if words[i] not in _PLACES:
            out.append(words[i])
        i += 1
    return out


_COMMON = 0.1  # share of examples above which a feature is not looked up


@dataclass(frozen=True, slots=True)
class KnnExample:
    """One labelled example: its text and its first (preferred) topic id."""

    text: str
    topic: str


@dataclass(frozen=True, slots=True)
class KnnVerdict:
    """What the neighbours say: topic, best similarity, share of the top-k vote, nearest example text."""

    topic: str
    similarity: float
    agreement: float
    example: str


def features(text: str) -> list[str]:
    """Word unigrams (minus stop words) and bigrams of the normalised text; CJK character bigrams."""
    words = _drop_places([t.folded for t in normalize(text) if t.folded != NUMBER])
    feats = [w for w in words if w not in _STOP and len(w) > 1]
    feats.extend(f"{a} {b}" for a, b in zip(words, words[1:], strict=False))
    for run in cjk_runs(text):
        if len(run) == 1:
            feats.append(run)
        feats.extend(run[i : i + 2] for i in range(len(run) - 1))
    return feats


def load_knn_examples(paths: Iterable[Path]) -> list[KnnExample]:
    """Labelled examples from JSONL files that exist (unreadable lines are skipped)."""
    out: list[KnnExample] = []
    for path in paths:
        if not path.is_file():
            continue
        with path.open(encoding="utf-8") as fh:
            for raw in fh:
                if not raw.strip():
                    continue
                try:
                    obj = json.loads(raw)
                except json.JSONDecodeError:
                    continue
                if not isinstance(obj, dict) or not isinstance(obj.get("text"), str):
                    continue
                topic = obj.get("topic")
                first = topic[0] if isinstance(topic, list) and topic else topic
                if isinstance(first, str) and first:
                    out.append(KnnExample(obj["text"], first))
    return out


class KnnIndex:
    """Cosine TF-IDF nearest neighbours with an inverted index (only examples sharing a feature are scored)."""

    def __init__(self, examples: Iterable[KnnExample], *, exclude: Iterable[str] = ()) -> None:
        excluded = {fold(t).strip() for t in exclude}
        seen: set[str] = set()
        kept: list[KnnExample] = []
        for ex in examples:
            key = fold(ex.text).strip()
            if key in excluded or key in seen:
                continue
            seen.add(key)
            kept.append(ex)
        self.examples = kept
        docs = [features(ex.text) for ex in kept]
        df: dict[str, int] = {}
        for feats in docs:
            for f in set(feats):
                df[f] = df.get(f, 0) + 1
        n = max(1, len(docs))
        self._idf = {f: math.log((n + 1) / (c + 0.5)) for f, c in df.items()}
        self._postings: dict[str, list[tuple[int, float]]] = {}
        # Features in more than _COMMON of the examples add little but cost most of the lookup time:
        # they still count in the vector norms, they are just not looked up.
        common = max(8, int(n * _COMMON))
        for i, feats in enumerate(docs):
            vec = self._vector(feats)
            for f, w in vec.items():
                if df[f] <= common:
                    self._postings.setdefault(f, []).append((i, w))

    def __len__(self) -> int:
        return len(self.examples)

    def _vector(self, feats: list[str]) -> dict[str, float]:
        tf: dict[str, int] = {}
        for f in feats:
            if f in self._idf:
                tf[f] = tf.get(f, 0) + 1
        vec = {f: (1.0 + math.log(c)) * self._idf[f] for f, c in tf.items()}
        norm = math.sqrt(sum(w * w for w in vec.values())) or 1.0
        return {f: w / norm for f, w in vec.items()}

    def neighbours(self, text: str, k: int) -> list[tuple[float, KnnExample]]:
        """The k most similar examples, most similar first."""
        acc: dict[int, float] = {}
        postings = self._postings
        for f, w in self._vector(features(text)).items():
            for i, v in postings.get(f, ()):
                acc[i] = acc.get(i, 0.0) + w * v
        best = heapq.nlargest(k, acc.items(), key=lambda kv: kv[1])
        return [(s, self.examples[i]) for i, s in best]

    def vote(self, text: str, k: int = 5) -> KnnVerdict | None:
        """Similarity-weighted vote of the top-k neighbours (None: no neighbour shares a feature)."""
        near = self.neighbours(text, k)
        if not near:
            return None
        tally: dict[str, float] = {}
        for s, ex in near:
            tally[ex.topic] = tally.get(ex.topic, 0.0) + s
        total = sum(tally.values()) or 1.0
        topic = max(tally, key=lambda t: tally[t])
        top_sim, top_ex = next((s, ex) for s, ex in near if ex.topic == topic)
        return KnnVerdict(topic, top_sim, tally[topic] / total, top_ex.text)
