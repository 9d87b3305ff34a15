"""Precision and recall per field of `qingling.intake.extraction` on a labelled set.

Run: .venv/bin/python bench/extraction_quality.py [--set labelled|heldout]

`labelled` (the default) is `extraction_cases.py`, the set the rules were
written against; `heldout` is `extraction_heldout.py`, the narrative work
orders written for issue 11 before the rules were run on them.

Prints, in one run, the rules' figures, a naive baseline's (the first number
before 元, the first "…公司", …) so the rules' worth is measured rather than
asserted, for the labelled set also the figures on its own late part alone
(HELD_OUT), and the time per text. No Django set-up is needed: the extractor
and the cases are pure.
"""

import argparse
import os
import platform
import re
import sys
import time
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from qingling.intake.extraction import extract
from qingling.intake.tests.extraction_cases import (
    FIELDS,
    HELD_OUT,
    LABELLED,
    Case,
    FieldScore,
    field_scores,
)
from qingling.intake.tests.extraction_heldout import HELD_OUT_NARRATIVES

SETS: dict[str, list[Case]] = {"labelled": LABELLED, "heldout": HELD_OUT_NARRATIVES}


@dataclass(frozen=True)
class Naive:
    employer: str | None
    project: str | None
    amount: Decimal | None
    headcount: int | None
    period: str | None
    phones: list[str] | None


def _first(pattern: str, text: str) -> str | None:
    match = re.search(pattern, text)
    return match.group(1) if match else None


def naive(text: str) -> Naive:
    """What a first afternoon with `re` gives: the first match of one pattern per field."""
    amount = _first(r"(\d+(?:\.\d+)?)元", text)
    headcount = _first(r"(\d+)人", text)
    phones = re.findall(r"1\d{10}", text)
    return Naive(
        employer=_first(r"([\u4e00-\u9fff]+?公司)", text),
        project=_first(r"([\u4e00-\u9fff]+?(?:项目|工程|小区|工地))", text),
        amount=Decimal(amount) if amount else None,
        headcount=int(headcount) if headcount else None,
        period=_first(r"(\d{4}年\d{1,2}月(?:至今|以来|起|至\d{1,2}月))", text),
        phones=phones or None,
    )


def _figure(value: float | None) -> str:
    return "  —  " if value is None else f"{value:5.3f}"


def table(title: str, rules: dict[str, FieldScore], baseline: dict[str, FieldScore]) -> None:
    print(f"\n{title}")
    print(f"{'field':<10} {'rules P':>8} {'rules R':>8} {'naive P':>8} {'naive R':>8}")
    for field in FIELDS:
        r, b = rules[field], baseline[field]
        print(
            f"{field:<10} {_figure(r.precision):>8} {_figure(r.recall):>8} "
            f"{_figure(b.precision):>8} {_figure(b.recall):>8}"
        )


def machine() -> str:
    model = "unknown CPU"
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        for line in cpuinfo.read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    return f"{os.cpu_count()} CPUs ({model}), Python {platform.python_version()}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--set", choices=SETS, default="labelled", dest="name")
    cases = SETS[parser.parse_args().name]
    print(f"Machine: {machine()}")
    if cases is LABELLED:
        print(f"Labelled texts: {len(LABELLED)} (of which held out: {len(HELD_OUT)})")
        table("All labelled texts", field_scores(extract), field_scores(naive))
        table(
            "Held-out texts only",
            field_scores(extract, HELD_OUT),
            field_scores(naive, HELD_OUT),
        )
    else:
        print(f"Held-out narrative texts (issue 11): {len(cases)}")
        table(
            "Held-out narrative texts",
            field_scores(extract, cases),
            field_scores(naive, cases),
        )
    texts = [item["text"] for item in cases] * 50
    start = time.perf_counter()
    for text in texts:
        extract(text)
    elapsed = time.perf_counter() - start
    print(f"\nTime: {elapsed / len(texts) * 1e6:.0f} µs per text ({len(texts)} extractions)")


if __name__ == "__main__":
    main()
