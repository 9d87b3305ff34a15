"""System checks: the province's crime threshold lies inside the national ranges."""

from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core import checks

# 法释〔2013〕3号 Art. 3: the ranges inside which each province fixes its figures.
ONE_WORKER_RANGE = (Decimal(5000), Decimal(20000))
TEN_WORKERS_RANGE = (Decimal(30000), Decimal(100000))


@checks.register()
def crime_threshold_check(**kwargs: Any) -> list[checks.CheckMessage]:
    found: list[checks.CheckMessage] = []
    for name, (low, high) in (
        ("QINGLING_CRIME_THRESHOLD_ONE_WORKER", ONE_WORKER_RANGE),
        ("QINGLING_CRIME_THRESHOLD_TEN_WORKERS", TEN_WORKERS_RANGE),
    ):
        value = Decimal(getattr(settings, name))
        if not low <= value <= high:
            found.append(
                checks.Error(
                    f"{name} is {value}; 法释〔2013〕3号 Art. 3 puts it between {low} and {high}.",
                    id="qingling.sanctions.E001",
                )
            )
    return found
