"""The router's topic model: logistic regression over character and word n-grams of labelled examples.

The phrase rules decide alone when they find decisive evidence. Otherwise this model says how likely each topic is
given the labelled examples as a whole, and the router weighs that with the phrase scores. It weighs every word
and word part of the message against every example at once, which carries over to wording that no phrase and no
single example contains. Small talk is one of its classes, so chit-chat stays in triage; text of fewer than
three words is never guessed at. Models are cached by their training examples, so the
app, the CLI and the tests train each one once per process.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache
from typing import TYPE_CHECKING

from scipy.sparse import hstack

from bot.core.routing_knn import KnnExample
from bot.core.textnorm import NUMBER, cjk_runs, normalize

if TYPE_CHECKING:
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression

__all__ = ["TopicModel", "topic_model"]

_MIN_WORDS = 3  # shorter text ("123", "ok anh") is left to the phrases and to triage
_MIN_CJK_CHARS = 4


def _model_text(text: str) -> tuple[str, bool]:
    """What the model reads (folded words, shorthand expanded, then CJK runs) and whether there is enough of it:
    three words that are not numbers, or four CJK characters."""
    words, cjk = [t.folded for t in normalize(text)], cjk_runs(text)
    enough = sum(w != NUMBER for w in words) >= _MIN_WORDS or sum(len(run) for run in cjk) >= _MIN_CJK_CHARS
    return " ".join([*words, *cjk]), enough


class TopicModel:
    """TF-IDF (character 2–5-grams within words, word uni- and bigrams) and multinomial logistic regression."""

    def __init__(self, examples: Sequence[KnnExample]) -> None:
        from sklearn.feature_extraction.text import TfidfVectorizer
        from sklearn.linear_model import LogisticRegression

        texts: list[str] = []
        topics: list[str] = []
        for ex in examples:  # short examples too: "ok", "chào bạn" teach what small talk looks like
            prepared, _ = _model_text(ex.text)
            if prepared:
                texts.append(prepared)
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
        prepared, enough = _model_text(text)
        if not enough:
            return None
        features = hstack([vec.transform([prepared]) for vec in self._features], "csr")
        row = self._classifier.predict_proba(features)[0]
        return dict(zip(self._topics, (float(p) for p in row), strict=True))


@lru_cache(maxsize=8)
def topic_model(examples: tuple[KnnExample, ...]) -> TopicModel | None:
    """The model trained on these examples (None: fewer than two topics among them), trained once per process."""
    try:
        return TopicModel(examples)
    except ValueError:
        return None
