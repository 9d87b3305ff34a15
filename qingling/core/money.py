"""Yuan as the platform writes them: ``Decimal`` to the fen, never float."""

from decimal import Decimal
from typing import Any

ZERO = Decimal("0.00")
CENT = Decimal("0.01")


def money(amount: Decimal | None) -> str:
    """A decimal string with exactly two places, for figures and JSON ("2800000.00"); an
    aggregate that found nothing (None) is zero."""
    return f"{(amount or ZERO).quantize(CENT):f}"


def yuan(amount: Any) -> str:
    """For people and documents: thousands separated, two places ("18,600.00")."""
    return f"{Decimal(amount):,.2f}"
