"""qingling extract: read one work order's text on stdin, print the fields read from it as JSON.

For trying the rules on a text from the hotline without a browser, and for
scripts that pre-fill intake from an export.
"""

import json
import sys
from decimal import Decimal
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from qingling.intake.extraction import extract


def _json_amount(amount: Decimal | None) -> int | float | None:
    """A JSON number: an int when whole, else a float, whose repr is the decimal given."""
    if amount is None:
        return None
    if amount == amount.to_integral_value():
        return int(amount)
    return float(amount)  # ≤ 15 significant digits print back exactly (125000.5)


class Command(BaseCommand):
    help = "Read one complaint text on stdin and print its employer, project, amount, … as JSON."

    def handle(self, *args: Any, **options: Any) -> None:
        text = sys.stdin.read()
        if not text.strip():
            raise CommandError("no text on standard input")
        found = extract(text)
        self.stdout.write(
            json.dumps(
                {
                    "employer": found.employer,
                    "project": found.project,
                    "amount": _json_amount(found.amount),
                    "headcount": found.headcount,
                    "period": found.period,
                    "phones": found.phones,
                },
                ensure_ascii=False,
            )
        )
