"""Similarity of short Chinese texts without a model: character n-gram TF-IDF and cosine.

Chinese has no spaces, so words are approximated by overlapping character bigrams (and single
characters, which carry meaning too: 食, 药, 噪). Punctuation, digits and Latin letters are dropped
so that amounts and case numbers do not make two texts look alike. Pure Python, fit per query: an
item rarely has more than a few hundred past decisions, and the caller caps the candidates.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Sequence

_KEEP = re.compile(r"[\u4e00-\u9fff]+")


def grams(text: str, n: int = 2) -> Counter[str]:
    """Character unigrams and n-grams of the Chinese runs of `text`."""
    counts: Counter[str] = Counter()
    for run in _KEEP.findall(text or ""):
        counts.update(run)
        counts.update(run[i : i + n] for i in range(len(run) - n + 1))
    return counts


def tfidf(documents: Sequence[str]) -> list[dict[str, float]]:
    """One L2-normalised TF-IDF vector per document (smoothed idf, sublinear tf)."""
    bags = [grams(d) for d in documents]
    df: Counter[str] = Counter()
    for bag in bags:
        df.update(bag.keys())
    total = len(bags)
    vectors = []
    for bag in bags:
        vec = {g: (1 + math.log(c)) * (math.log((1 + total) / (1 + df[g])) + 1) for g, c in bag.items()}
        norm = math.sqrt(sum(v * v for v in vec.values()))
        vectors.append({g: v / norm for g, v in vec.items()} if norm else {})
    return vectors


def cosine(a: dict[str, float], b: dict[str, float]) -> float:
    if len(a) > len(b):
        a, b = b, a
    return sum(v * b.get(g, 0.0) for g, v in a.items())


def rank(query: str, candidates: Sequence[str]) -> list[float]:
    """Cosine similarity of `query` to each candidate, in the candidates' order (0 when either is empty)."""
    vectors = tfidf([query, *candidates])
    head = vectors[0]
    return [cosine(head, v) for v in vectors[1:]]


def jaccard(a: set | frozenset, b: set | frozenset) -> float:
    if not a and not b:
        return 1.0
    return len(a & b) / len(a | b)
