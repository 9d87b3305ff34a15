"""qingling stats --from YYYY-MM-DD --to YYYY-MM-DD [--json]

Prints the city's figures for the inclusive period, counted from the records: with
``--json`` the same object as ``GET /api/v1/stats``, otherwise a readable table.
docs/statistics.md defines each key.
"""

import json
import unicodedata
from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from qingling.core.exceptions import InvalidInput
from qingling.reports.statistics import (
    METRICS,
    figure_parts,
    part_labels,
    period_parse,
    statistics_for_period,
)


class Command(BaseCommand):
    help = "Print the figures for a period (see docs/statistics.md), as a table or as JSON."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--from", dest="start", required=True, help="first day, YYYY-MM-DD")
        parser.add_argument("--to", dest="end", required=True, help="last day, YYYY-MM-DD")
        parser.add_argument("--json", action="store_true", help="print one JSON object")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            period = period_parse(start=options["start"], end=options["end"])
        except InvalidInput as error:
            fields = error.extra.get("fields", {})
            detail = "; ".join(f"--{name}: {' '.join(msgs)}" for name, msgs in fields.items())
            raise CommandError(f"{error.message} {detail}".strip()) from None
        figures = statistics_for_period(start=period.start, end=period.end)
        if options["json"]:
            self.stdout.write(json.dumps(figures, ensure_ascii=False, indent=2))
            return
        self.stdout.write(self._table(figures, title=f"{period.start} – {period.end}"))

    @staticmethod
    def _table(figures: dict[str, Any], *, title: str) -> str:
        rows: list[tuple[str, str]] = []
        labels = part_labels()
        for key, value in figures.items():
            label = str(METRICS[key].label)
            if isinstance(value, dict):
                total, parts = figure_parts(value)
                rows.append((label, str(total)))
                rows.extend((f"  {labels.get(sub, sub)}", str(n)) for sub, n in parts.items())
            else:
                rows.append((label, str(value)))
        width = max(_display_width(label) for label, _value in rows)
        lines = [title, ""]
        for label, value in rows:
            lines.append(f"{label}{' ' * (width - _display_width(label))}  {value:>14}")
        return "\n".join(lines)


def _display_width(text: str) -> int:
    """Terminal columns: CJK characters take two."""
    return sum(2 if unicodedata.east_asian_width(ch) in {"W", "F"} else 1 for ch in text)
