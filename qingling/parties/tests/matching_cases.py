"""Labelled organization names for `qingling.parties.matching`, and how to score a clustering.

`organizations_heldout.csv` beside this file was written by hand before the
rules were run on it (see its header); `bench/dedupe.py --set heldout` and the
suite score it with `pairwise_scores`.
"""

import csv
from collections import Counter
from collections.abc import Hashable, Sequence
from pathlib import Path

HELDOUT_CSV = Path(__file__).with_name("organizations_heldout.csv")


def heldout_rows() -> list[tuple[str, str, str]]:
    """(name, code, cluster label) rows of the held-out list, in file order."""
    with HELDOUT_CSV.open(encoding="utf-8", newline="") as handle:
        lines = [line for line in handle if line.strip() and not line.startswith("#")]
    records = list(csv.reader(lines))
    assert records[0] == ["name", "code", "cluster"], records[0]
    return [(name, code, label) for name, code, label in records[1:]]


def pairwise_scores(
    labels: Sequence[Hashable], predicted: Sequence[Hashable]
) -> tuple[float, float, float]:
    """Pairwise precision, recall and F1: over pairs of rows put in one cluster."""

    def pairs(counter: Counter[object]) -> int:
        return sum(n * (n - 1) // 2 for n in counter.values())

    true_pairs = pairs(Counter(labels))
    predicted_pairs = pairs(Counter(predicted))
    both = pairs(Counter(zip(labels, predicted, strict=True)))
    precision = both / predicted_pairs if predicted_pairs else 1.0
    recall = both / true_pairs if true_pairs else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1
