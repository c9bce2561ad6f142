"""Statistical fallback for the router: logistic regression over character and word n-grams of labelled examples.

The phrase rules decide whenever they find clear evidence. When they find little, and the nearest examples do not
agree either, this model says which topic the labelled examples as a whole suggest, and how sure it is. It weighs
every word and word part of the message against every example at once, which carries over to wording that no
phrase and no single example contains. Small talk is one of its classes, so chit-chat stays in
triage; text of fewer than three words is never guessed at. Models are cached by their training examples, so the
app, the CLI and the tests train each one once per process.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

from scipy.sparse import hstack

from bot.core.routing_knn import KnnExample
from bot.core.rules import UNCLASSIFIED_TOPIC
from bot.core.textnorm import NUMBER, cjk_runs, normalize

if TYPE_CHECKING:
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression

__all__ = ["ModelVerdict", "TopicModel", "topic_model"]

_MIN_WORDS = 3  # shorter text ("123", "ok anh") is left to the phrases and to triage
_MIN_CJK_CHARS = 4


@dataclass(frozen=True, slots=True)
class ModelVerdict:
    """The model's most probable topic, its probability and the probability of small talk ("unclassified")."""

    topic: str
    probability: float
    small_talk: float


def _words(text: str) -> tuple[list[str], list[str]]:
    """Folded words (shorthand expanded) and CJK runs."""
    return [t.folded for t in normalize(text)], cjk_runs(text)


def _judgeable(words: list[str], cjk: list[str]) -> bool:
    return sum(w != NUMBER for w in words) >= _MIN_WORDS or sum(len(run) for run in cjk) >= _MIN_CJK_CHARS


class TopicModel:
    """TF-IDF (character 2–5-grams within words, word uni- and bigrams) and multinomial logistic regression."""

    def __init__(self, examples: Sequence[KnnExample]) -> None:
        from sklearn.feature_extraction.text import TfidfVectorizer
        from sklearn.linear_model import LogisticRegression

        texts: list[str] = []
        topics: list[str] = []
        for ex in examples:  # short examples too: "ok", "chào bạn" teach what small talk looks like
            words, cjk = _words(ex.text)
            if words or cjk:
                texts.append(" ".join([*words, *cjk]))
                topics.append(ex.topic)
        if len(set(topics)) < 2:
            raise ValueError("a topic model needs examples of at least two topics")
        # parts of words (character 2–5-grams) and words (uni- and bigrams) of the folded text
        self._features: list[TfidfVectorizer] = [
            TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), sublinear_tf=True, min_df=2),
            TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True, token_pattern=r"\S+"),
        ]
        matrix = hstack([vec.fit_transform(texts) for vec in self._features], "csr")
        self._classifier: LogisticRegression = LogisticRegression(C=10.0, max_iter=2000).fit(matrix, topics)
        self._topics: list[str] = [str(c) for c in self._classifier.classes_]

    def probabilities(self, text: str) -> dict[str, float] | None:
        """Each topic's probability (None: too short to judge)."""
        words, cjk = _words(text)
        if not _judgeable(words, cjk):
            return None
        prepared = [" ".join([*words, *cjk])]
        features = hstack([vec.transform(prepared) for vec in self._features], "csr")
        row = self._classifier.predict_proba(features)[0]
        return dict(zip(self._topics, (float(p) for p in row), strict=True))

    def predict(self, text: str) -> ModelVerdict | None:
        """The most probable topic (None: too short to judge)."""
        by_topic = self.probabilities(text)
        if by_topic is None:
            return None
        best = max(by_topic, key=lambda t: by_topic[t])
        return ModelVerdict(best, by_topic[best], by_topic.get(UNCLASSIFIED_TOPIC, 0.0))


@lru_cache(maxsize=8)
def topic_model(examples: tuple[KnnExample, ...]) -> TopicModel | None:
    """The model trained on these examples (None: fewer than two topics among them), trained once per process."""
    try:
        return TopicModel(examples)
    except ValueError:
        return None
