"""Phrase-based router: feedback text → PCI/BPI topic and lead agency, with an explanation."""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bot.core.routing_knn import KnnIndex, load_knn_examples
from bot.core.routing_model import TopicModel, topic_model
from bot.core.rules import TRIAGE_AGENCY, UNCLASSIFIED_TOPIC, Rules
from bot.core.textnorm import Token, has_cjk, normalize

__all__ = ["RouteDecision", "Router"]

_FUZZY_MIN_LEN = 5  # only words this long are typo-corrected
_FUZZY_SINGLE_MIN_LEN = 7  # a corrected word may stand alone as a phrase only if this long
_FUZZY_FACTOR = 0.8  # a phrase matched through a typo counts this much
_KNN_PREFIX = "giống ví dụ: "  # explanation of a nearest-neighbour routing
_KNN_SHOW = 80  # characters of the similar example shown
_MODEL_PREFIX = "theo mô hình ví dụ: "  # explanation when the topic model changed the phrases' verdict
# A message must be this many times as likely to be about some topic as small talk (whether it is ours at all is
# asked once, of all topics together, not of the best agency alone), and at least this likely for the chosen agency
# when no phrase matched at all (text without any vocabulary officials wrote down is more often chit-chat than a
# topic's new wording).
_MODEL_OVER_SMALL_TALK = 2.0
_MODEL_OVER_SMALL_TALK_WITHOUT_PHRASES = 3.0
_MODEL_MIN_WITHOUT_PHRASES = 0.45


@dataclass(frozen=True)
class RouteDecision:
    """Where a message goes and why."""

    topic: str
    agency: str
    confidence: float
    matched: list[str] = field(default_factory=list)
    runner_up: dict[str, Any] | None = None
    scores: dict[str, float] = field(default_factory=dict)

    @property
    def is_triage(self) -> bool:
        """True when no topic was recognised and the coordinator must assign it."""
        return self.topic == UNCLASSIFIED_TOPIC

    def to_json(self) -> dict[str, Any]:
        """The public JSON shape: topic, agency, confidence, matched, runner_up."""
        return {
            "topic": self.topic,
            "agency": self.agency,
            "confidence": self.confidence,
            "matched": list(self.matched),
            "runner_up": dict(self.runner_up) if self.runner_up is not None else None,
        }


@dataclass(frozen=True, slots=True)
class _Phrase:
    text: str  # as written in the YAML
    key: str  # normalised form; spellings that normalise alike count once
    topic: int  # index into Router._topic_ids
    weight: float  # negative for "negative" phrases
    marks: tuple[frozenset[str] | None, ...]  # diacritics per word as written (None: written without)


@dataclass(slots=True)
class _Hit:
    start: int
    end: int
    phrase: _Phrase
    fuzzy: bool


def _outranks(other: _Hit, hit: _Hit) -> bool:
    """Whether a phrase match makes another a misreading: they share words, `other` does not lie inside `hit`, and
    it reads first (longer; as long and heavier; or as long, as heavy and earlier). Two phrases over one syllable
    are seldom both meant: "kiem tra ve sinh" is "kiểm tra | vệ sinh", not "trả về"."""
    overlap = other.start < hit.end and hit.start < other.end
    inside = hit.start <= other.start and other.end <= hit.end
    rank = (other.end - other.start, other.phrase.weight, -other.start)
    return overlap and not inside and rank > (hit.end - hit.start, hit.phrase.weight, -hit.start)


@dataclass(frozen=True, slots=True)
class _Evidence:
    """Phrase evidence the examples may overrule: the phrases' verdict (-1: too little evidence), their leading
    topic (-1: none scored), the topics a negative phrase spoke against, the scores and what matched."""

    best: int
    leader: int
    against: set[int]
    scores: list[float]
    matched: list[str]
    score_map: dict[str, float]


def _marks_ok(phrase: _Phrase, tokens: list[Token], start: int) -> bool:
    """Typed diacritics must equal the phrase's ("đặt" ≠ "đất", "thuê" ≠ "thuế"); none typed matches any."""
    for offset, want in enumerate(phrase.marks):
        if want is None:
            continue
        got = tokens[start + offset].marks
        if got is not None and got != want:
            return False
    return True


def _within_one_edit(a: str, b: str) -> bool:
    """Optimal-string-alignment distance(a, b) <= 1 (insert, delete, substitute, swap neighbours)."""
    la, lb = len(a), len(b)
    if abs(la - lb) > 1:
        return False
    if la == lb:
        diff = [i for i in range(la) if a[i] != b[i]]
        if len(diff) <= 1:
            return True
        i, j = diff[0], diff[-1]
        return len(diff) == 2 and j == i + 1 and a[i] == b[j] and a[j] == b[i]
    if la > lb:
        a, b = b, a
    i = 0
    while i < len(a) and a[i] == b[i]:
        i += 1
    return a[i:] == b[i + 1 :]


class Router:
    """Routes feedback text to a topic and its lead agency using the weighted phrases in Rules."""

    def __init__(
        self,
        rules: Rules,
        *,
        examples: Iterable[Path] | None = None,
        knn_exclude: Iterable[str] = (),
    ) -> None:
        """examples: labelled JSONL for the nearest-neighbour fallback (default: settings.examples);
        knn_exclude: texts left out of that index (leave-one-out evaluation)."""
        self.rules = rules
        self._topic_ids: list[str] = [t.id for t in rules.topics]
        self._leads: list[str] = [t.lead for t in rules.topics]
        # Tie-break between equally scored topics: a provincial lead before a central (forward-only) one
        # (a wrong transfer out of the province costs more than a reassignment inside it), then file order.
        agencies = rules.agencies_by_id
        self._tie_rank: list[int] = [1 if agencies[lead].forward_only else 0 for lead in self._leads]
        self._min_score = rules.settings.min_score
        self._min_evidence = rules.settings.min_evidence
        self._index: dict[str, list[_Phrase]] = {}
        self._prefixes: set[str] = set()
        self._cjk: list[_Phrase] = []
        self._vocab: set[str] = set()
        for t_idx, topic in enumerate(rules.topics):
            for table, sign in ((topic.phrases, 1.0), (topic.negative, -1.0)):
                for text, weight in table.items():
                    self._add(text, t_idx, sign * weight)
        # small talk and private matters score as one more row after the topics; when it wins, triage
        self._off_topic = len(self._topic_ids)
        for text, weight in rules.off_topic.phrases.items():
            self._add(text, self._off_topic, weight)
        self._max_weight: float = max((abs(p.weight) for ps in self._index.values() for p in ps), default=1.0)
        # Typo correction: single-deletion neighbourhoods of the words used in phrases (SymSpell-style).
        self._deletes: dict[str, set[str]] = {}
        for word in self._vocab:
            if len(word) >= _FUZZY_MIN_LEN - 1 and word.isalpha():
                for variant in {word, *(word[:i] + word[i + 1 :] for i in range(len(word)))}:
                    self._deletes.setdefault(variant, set()).add(word)
        self._fuzzy_cache: dict[str, str | None] = {}
        settings = rules.settings
        paths = list(examples) if examples is not None else rules.example_paths()
        known = set(self._topic_ids) | {UNCLASSIFIED_TOPIC}
        knn_examples = [ex for ex in load_knn_examples(paths) if ex.topic in known]
        self._knn: KnnIndex | None = KnnIndex(knn_examples, exclude=knn_exclude) if knn_examples else None
        self._knn_weak = settings.knn_weak_score
        self._knn_sim = settings.knn_min_similarity
        self._knn_agree = settings.knn_min_agreement
        self._knn_k = settings.knn_k
        self._model: TopicModel | None = (
            topic_model(tuple(self._knn.examples)) if self._knn is not None and settings.model else None
        )
        self._model_min = settings.model_min_probability
        self._phrase_weight = settings.model_phrase_weight
        self._decisive = settings.decisive_score
        self._topic_pos = {t: k for k, t in enumerate(self._topic_ids)}

    def _add(self, text: str, topic: int, weight: float) -> None:
        if has_cjk(text) and not normalize(text):
            self._cjk.append(_Phrase(text, text, topic, weight, ()))
            return
        tokens = normalize(text)
        if not tokens:
            return
        key = " ".join(t.folded for t in tokens)
        marks = tuple(t.marks for t in tokens)
        self._index.setdefault(key, []).append(_Phrase(text, key, topic, weight, marks))
        words = key.split(" ")
        self._vocab.update(words)
        for n in range(1, len(words)):
            self._prefixes.add(" ".join(words[:n]))

    @property
    def topic_ids(self) -> list[str]:
        """Topic ids in rule-file order."""
        return list(self._topic_ids)

    # -- matching ---------------------------------------------------------------------------------------

    def _correct(self, word: str) -> str | None:
        """Closest phrase word within one edit, for words not used by any phrase (None: no fix)."""
        if word in self._fuzzy_cache:
            return self._fuzzy_cache[word]
        best: str | None = None
        if len(word) >= _FUZZY_MIN_LEN and word.isalpha() and word.isascii():
            candidates: set[str] = set(self._deletes.get(word, ()))
            for i in range(len(word)):
                candidates.update(self._deletes.get(word[:i] + word[i + 1 :], ()))
            good = sorted(c for c in candidates if _within_one_edit(word, c))
            if len(good) == 1:  # ambiguous corrections are not guessed
                best = good[0]
        if len(self._fuzzy_cache) < 50_000:
            self._fuzzy_cache[word] = best
        return best

    def _token_hits(self, tokens: list[Token]) -> list[_Hit]:
        words = [t.folded for t in tokens]
        fuzzy = [False] * len(words)
        vocab = self._vocab
        for i, w in enumerate(words):
            if w not in vocab and len(w) >= _FUZZY_MIN_LEN:
                fixed = self._correct(w)
                if fixed is not None:
                    words[i] = fixed
                    fuzzy[i] = True
        index, prefixes = self._index, self._prefixes
        hits: list[_Hit] = []
        n = len(words)
        for i in range(n):
            key = words[i]
            j = i + 1
            while True:
                phrases = index.get(key)
                if phrases is not None:
                    typo = any(fuzzy[i:j])
                    if typo and j - i == 1 and len(words[i]) < _FUZZY_SINGLE_MIN_LEN:
                        pass
                    else:
                        for ph in phrases:
                            if _marks_ok(ph, tokens, i):
                                hits.append(_Hit(i, j, ph, typo))
                if j >= n or key not in prefixes:
                    break
                key = f"{key} {words[j]}"
                j += 1
        return hits

    def _cjk_hits(self, text: str) -> list[_Hit]:
        hits: list[_Hit] = []
        for ph in self._cjk:
            pos = text.find(ph.text)
            if pos >= 0:
                hits.append(_Hit(pos, pos + len(ph.text), ph, False))
        return hits

    @staticmethod
    def _longest_only(hits: list[_Hit]) -> list[_Hit]:
        """Drop a positive hit that another positive hit outranks (inside a longer one, or crossing one read first)."""
        if len(hits) < 2:
            return hits
        positive = [h for h in hits if h.phrase.weight > 0]
        return [h for h in hits if h.phrase.weight <= 0 or not any(_outranks(o, h) for o in positive)]

    # -- routing ----------------------------------------------------------------------------------------

    def route(self, text: str) -> RouteDecision:
        """Route one message. Unrecognised or off-topic text goes to triage as 'unclassified'."""
        hits = self._longest_only(self._token_hits(normalize(text)))
        if has_cjk(text):
            hits.extend(self._longest_only(self._cjk_hits(text)))
        hits.sort(key=lambda h: (h.start, h.end))

        n_topics = len(self._topic_ids)
        scores = [0.0] * (n_topics + 1)
        strongest = [0.0] * (n_topics + 1)
        seen: set[tuple[int, str]] = set()
        matched: list[str] = []
        against: set[int] = set()  # topics a negative phrase speaks against: no fallback picks them
        for h in hits:
            ph = h.phrase
            if (ph.topic, ph.key) in seen:
                continue  # a phrase counts once per message
            seen.add((ph.topic, ph.key))
            weight = ph.weight * (_FUZZY_FACTOR if h.fuzzy else 1.0)
            scores[ph.topic] += weight
            if weight < 0:
                against.add(ph.topic)
            else:
                strongest[ph.topic] = max(strongest[ph.topic], weight)
                if ph.text not in matched:
                    matched.append(ph.text)
        scores = [max(0.0, s) for s in scores]

        tie = self._tie_rank
        order = sorted(range(n_topics), key=lambda k: (-scores[k], -strongest[k], tie[k], k))
        best = order[0] if n_topics else -1
        second = order[1] if n_topics > 1 else -1
        top = scores[best] if best >= 0 else 0.0
        score_map = {self._topic_ids[k]: round(scores[k], 3) for k in order if scores[k] > 0}

        classified = top > 0 and top >= self._min_score and strongest[best] >= self._min_evidence
        evidence = _Evidence(best if classified else -1, best if top > 0 else -1, against, scores, matched, score_map)
        if scores[self._off_topic] >= max(top, self._min_evidence):  # "đổi tiền ở đâu tỷ giá tốt": not ours
            score_map["off_topic"] = round(scores[self._off_topic], 3)
            classified = False
        elif not (classified and top >= self._decisive) and (blended := self._blended(text, evidence)) is not None:
            return blended
        elif self._knn is not None and (not classified or top < self._knn_weak):
            fallback = self._neighbours(text, evidence)
            if fallback is not None:
                return fallback
        if classified:
            runner = second if second >= 0 and scores[second] > 0 else -1
            runner_score = scores[runner] if runner >= 0 else 0.0
            margin = (top - runner_score) / top
            strength = 1.0 - math.exp(-top / max(self._min_score, 1e-9) / 1.5)
            confidence = round(min(1.0, max(0.0, strength * (0.5 + 0.5 * margin))), 3)
            return RouteDecision(
                topic=self._topic_ids[best],
                agency=self._leads[best],
                confidence=confidence,
                matched=matched,
                runner_up=self._runner(runner, scores),
                scores=score_map,
            )
        return self._triage(evidence)

    def _triage(self, evidence: _Evidence) -> RouteDecision:
        """Not enough evidence: triage, with the phrases' leading topic (if any) as runner-up for the coordinator."""
        return RouteDecision(
            topic=UNCLASSIFIED_TOPIC,
            agency=TRIAGE_AGENCY,
            confidence=0.0,
            matched=evidence.matched,
            runner_up=self._runner(evidence.leader, evidence.scores),
            scores=evidence.score_map,
        )

    def _blended(self, text: str, evidence: _Evidence) -> RouteDecision | None:
        """The topic model's probabilities, each topic's odds multiplied by e^(phrase_weight × its phrase score).

        Phrases and examples vote together: a clear phrase outweighs a vague model, a confident model outweighs one
        stray word. Off-topic phrases count for small talk; a topic a negative phrase left at zero is not a
        candidate. The message goes to an agency, so the likelihoods of an agency's topics add up: the likeliest
        agency wins, with its likeliest topic. A message less than twice as likely topical as small talk, one whose
        best agency is less likely than small talk or below the minimum probability (stricter when no phrase
        matched at all) goes to triage. None: no model, text too short, or Chinese (too few Chinese examples to
        learn from: its phrases and the nearest examples decide).
        """
        by_topic = self._model.probabilities(text) if self._model is not None and not has_cjk(text) else None
        if by_topic is None:
            return None
        odds: dict[int, float] = {}  # topic index → odds; the off-topic row stands for small talk
        for topic, probability in by_topic.items():
            k = self._off_topic if topic == UNCLASSIFIED_TOPIC else self._topic_pos.get(topic, -1)
            if k < 0 or (k in evidence.against and evidence.scores[k] <= 0):
                continue
            odds[k] = probability * math.exp(self._phrase_weight * evidence.scores[k])
        total = sum(odds.values()) or 1.0
        small_talk = odds.get(self._off_topic, 0.0) / total
        by_agency: dict[str, float] = {}  # the message goes to an agency: its topics' likelihoods add up
        for k, value in odds.items():
            if k != self._off_topic:
                by_agency[self._leads[k]] = by_agency.get(self._leads[k], 0.0) + value
        topics = sorted(
            (k for k in odds if k != self._off_topic), key=lambda k: (-by_agency[self._leads[k]], -odds[k], k)
        )
        best = topics[0] if topics else -1
        likelihood = by_agency[self._leads[best]] / total if best >= 0 else 0.0
        if evidence.matched:
            least, over = self._model_min, _MODEL_OVER_SMALL_TALK
        else:
            least, over = max(self._model_min, _MODEL_MIN_WITHOUT_PHRASES), _MODEL_OVER_SMALL_TALK_WITHOUT_PHRASES
        runner = next((k for k in topics[1:] if evidence.scores[k] > 0), -1)
        if likelihood < least or likelihood < small_talk or 1.0 - small_talk < over * small_talk:
            return self._triage(evidence)
        note = [] if best == evidence.best else [f"{_MODEL_PREFIX}{round(likelihood * 100)} %"]
        return RouteDecision(
            topic=self._topic_ids[best],
            agency=self._leads[best],
            confidence=round(likelihood, 3),
            matched=[*evidence.matched, *note],
            runner_up=self._runner(runner, evidence.scores),
            scores=evidence.score_map,
        )

    def _neighbours(self, text: str, evidence: _Evidence) -> RouteDecision | None:
        """Weak phrase evidence: follow the labelled examples most like this text, if they agree.

        A vote for small talk (or an unknown topic, or one a negative phrase speaks against) never routes
        anything; the phrase result stands.
        """
        assert self._knn is not None
        verdict = self._knn.vote(text, self._knn_k)
        if verdict is None or verdict.similarity < self._knn_sim or verdict.agreement < self._knn_agree:
            return None
        example = verdict.example if len(verdict.example) <= _KNN_SHOW else verdict.example[: _KNN_SHOW - 1] + "…"
        return self._fallback(verdict.topic, verdict.similarity * verdict.agreement, _KNN_PREFIX + example, evidence)

    def _fallback(self, topic: str, certainty: float, note: str, evidence: _Evidence) -> RouteDecision | None:
        """A fallback's topic as the decision (confidence at most 0.5: a guess), or None when it may not pick it."""
        k = self._topic_pos.get(topic, -1)
        if k < 0 or k == evidence.best or k in evidence.against:
            return None
        return RouteDecision(
            topic=self._topic_ids[k],
            agency=self._leads[k],
            confidence=round(min(0.5, certainty), 3),
            matched=[*evidence.matched, note],
            runner_up=self._runner(evidence.leader if evidence.leader != k else -1, evidence.scores),
            scores=evidence.score_map,
        )

    def _runner(self, k: int, scores: list[float]) -> dict[str, Any] | None:
        if k < 0:
            return None
        return {"topic": self._topic_ids[k], "agency": self._leads[k], "score": round(scores[k], 3)}

    def route_many(self, texts: Iterable[str]) -> list[RouteDecision]:
        """Route several messages."""
        return [self.route(t) for t in texts]
