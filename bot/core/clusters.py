"""Clusters of similar items: TF-IDF on character n-grams of the folded text, grouped per topic by cosine distance."""

from __future__ import annotations

import asyncio
import hashlib
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cached_property

import numpy as np
from sqlalchemy.ext.asyncio import AsyncSession

from bot.core.codes import ALPHABET
from bot.core.contact import find_commune
from bot.core.i18n import t
from bot.core.lifecycle import OPEN_STATES
from bot.core.notify import agency_label, topic_label
from bot.core.publication import Private, is_restricted, private_details, scrub
from bot.core.services import Core
from bot.core.textnorm import normalize_text
from storage import analytics
from storage.analytics import Candidate

__all__ = [
    "DEFAULT_WINDOW",
    "MAX_PER_TOPIC",
    "MIN_SIMILARITY",
    "Cluster",
    "Item",
    "cluster_id_of",
    "commune_names",
    "find_clusters",
    "group",
    "item_of",
    "render_cluster",
]

# Items received in this window before the end (plus every item still open) are compared.
DEFAULT_WINDOW = timedelta(days=90)
# Average cosine similarity two groups of items need to be merged (TF-IDF of 3–5 character n-grams).
# Measured on tests/cluster_seed.py's items: rewordings of one problem (formal, chat-style, without
# diacritics) score 0.36–0.74 pairwise, different problems of the same topic 0.07–0.21.
MIN_SIMILARITY = 0.3
MIN_SIZE = 2
# At most this many candidates per topic, the most recent: a working group acts on what recurs now, and
# average-linkage clustering grows with the square of the items (500 items: ~0.1 s per topic).
MAX_PER_TOPIC = 500
CLUSTER_ID_RE = re.compile(rf"^N-[{ALPHABET}]{{5}}$", re.IGNORECASE)
_SNIPPET = 90


@dataclass(frozen=True)
class Item:
    """What clustering needs of one ticket; `private` holds the submitter's details (None: restricted item)."""

    code: str
    topic_id: str | None
    agency_id: str
    commune_code: str | None
    created_at: datetime
    state: str
    text: str
    private: Private | None

    @cached_property
    def snippet(self) -> str | None:
        """The text with the submitter's details masked, shortened; None for a restricted item.

        Computed when shown only: most candidates are never shown."""
        if self.private is None:
            return None
        private = self.private
        masked = " ".join(scrub(self.text, private.names, private.numbers, private.companies).split())
        return masked if len(masked) <= _SNIPPET else masked[: _SNIPPET - 1].rstrip() + "…"


@dataclass(frozen=True)
class Cluster:
    """Similar items of one topic, oldest first."""

    id: str
    topic_id: str | None
    items: tuple[Item, ...]

    @property
    def size(self) -> int:
        """How many items."""
        return len(self.items)

    @property
    def codes(self) -> list[str]:
        """Tracking codes, oldest first."""
        return [i.code for i in self.items]

    @property
    def open_codes(self) -> list[str]:
        """Codes of the items not answered yet."""
        return [i.code for i in self.items if i.state in OPEN_STATES]

    @property
    def agencies(self) -> list[str]:
        """Agency ids, the most frequent first."""
        return [a for a, _ in Counter(i.agency_id for i in self.items).most_common()]

    @property
    def communes(self) -> list[str]:
        """Commune codes named by the items, the most frequent first."""
        return [c for c, _ in Counter(i.commune_code for i in self.items if i.commune_code).most_common()]

    @property
    def sample(self) -> str | None:
        """One item's masked text, to say what the cluster is about (None if every item is restricted)."""
        return next((i.snippet for i in self.items if i.snippet), None)


def item_of(ticket: Candidate) -> Item:
    """The clustering view of a ticket; confidential items and reports of misconduct give no snippet."""
    return Item(
        code=ticket.code,
        topic_id=ticket.topic_id,
        agency_id=ticket.agency_id,
        commune_code=ticket.commune_code,
        created_at=ticket.created_at,
        state=ticket.state,
        text=ticket.text,
        private=None if is_restricted(ticket) else private_details(ticket),
    )


def cluster_id_of(codes: Sequence[str]) -> str:
    """A short id naming exactly these members ("N-" and five letters): a changed cluster gets a new id."""
    digest = int.from_bytes(hashlib.sha256(" ".join(sorted(codes)).encode()).digest()[:8], "big")
    letters = []
    for _ in range(5):
        digest, r = divmod(digest, len(ALPHABET))
        letters.append(ALPHABET[r])
    return "N-" + "".join(letters)


def group(items: Sequence[Item], min_similarity: float = MIN_SIMILARITY, min_size: int = MIN_SIZE) -> list[Cluster]:
    """Clusters of at least `min_size` similar items within each topic, largest first (then oldest first).

    TF-IDF weights of 3–5 character n-grams (within words) of the folded text, fitted on all the items so
    that words every topic uses weigh little; then, per topic, average-linkage agglomerative clustering
    on cosine distance, merging groups while their average similarity is at least `min_similarity`.
    The distances come from the sparse L2-normalised vectors (cosine = dot product): no dense matrix of
    items × n-grams is built.
    """
    from sklearn.cluster import AgglomerativeClustering
    from sklearn.feature_extraction.text import TfidfVectorizer

    kept = [(item, folded) for item in items if (folded := normalize_text(item.text))]
    if len(kept) < max(2, min_size):
        return []
    vectors = TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 5), sublinear_tf=True).fit_transform(
        [folded for _, folded in kept]
    )
    rows_by_topic: dict[str | None, list[int]] = {}
    for row, (item, _) in enumerate(kept):
        rows_by_topic.setdefault(item.topic_id, []).append(row)
    clusters: list[Cluster] = []
    for topic_id, rows in rows_by_topic.items():
        if len(rows) < max(2, min_size):
            continue
        model = AgglomerativeClustering(
            n_clusters=None, metric="precomputed", linkage="average", distance_threshold=1.0 - min_similarity
        )
        topic_vectors = vectors[rows]
        distances = np.clip(1.0 - (topic_vectors @ topic_vectors.T).toarray(), 0.0, 2.0)
        groups: dict[int, list[Item]] = {}
        for row, label in zip(rows, model.fit_predict(distances), strict=True):
            groups.setdefault(int(label), []).append(kept[row][0])
        for found in groups.values():
            if len(found) >= min_size:
                found.sort(key=lambda i: (i.created_at, i.code))
                clusters.append(Cluster(cluster_id_of([i.code for i in found]), topic_id, tuple(found)))
    clusters.sort(key=lambda c: (-c.size, c.items[0].created_at, c.id))
    return clusters


async def find_clusters(
    session: AsyncSession,
    core: Core,
    *,
    since: datetime | None = None,
    until: datetime | None = None,
    agency_id: str | None = None,
) -> list[Cluster]:
    """Clusters among the items received before `until` (default now) that are open or received since `since`
    (default DEFAULT_WINDOW before `until`), the MAX_PER_TOPIC most recent of each topic of the rules and of the
    unrouted items; with `agency_id`, only clusters that include that agency's items."""
    end = until or core.now()
    topics = [*core.rules.topics_by_id, None]  # None: items no rule matched (triage)
    tickets = await analytics.cluster_candidates(
        session, OPEN_STATES, since or end - DEFAULT_WINDOW, end, per_topic=MAX_PER_TOPIC, topic_ids=topics
    )
    found = await asyncio.to_thread(group, [item_of(tk) for tk in tickets])  # CPU: keep the event loop free
    return [c for c in found if agency_id is None or agency_id in c.agencies]


def commune_names(codes: list[str], limit: int = 6) -> str:
    """Commune names of codes, the first `limit` of them and how many more ("—" for none)."""
    names = []
    for code in codes[:limit]:
        commune = find_commune(code)
        names.append(commune.name if commune else code)
    if not names:
        return "—"
    if len(codes) > limit:
        return t("agency_cluster_more_places", "vi", names=", ".join(names), n=len(codes) - limit)
    return ", ".join(names)


def render_cluster(core: Core, cluster: Cluster, samples: int = 5) -> str:
    """A cluster in Vietnamese for the agencies: id, size, topic, agencies, communes, sample codes and text."""
    codes = ", ".join(cluster.codes[:samples]) + (" …" if cluster.size > samples else "")
    lines = [
        t("agency_cluster_head", "vi", id=cluster.id, size=cluster.size, topic=topic_label(core, cluster.topic_id)),
        t(
            "agency_cluster_where",
            "vi",
            agencies=", ".join(agency_label(core, a) for a in cluster.agencies),
            communes=commune_names(cluster.communes),
        ),
        t("agency_cluster_codes", "vi", codes=codes, open=len(cluster.open_codes)),
    ]
    if cluster.sample:
        lines.append(t("agency_cluster_sample", "vi", text=cluster.sample))
    return "\n".join(lines)
