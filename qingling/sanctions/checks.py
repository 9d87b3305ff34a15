"""System checks: every province's crime threshold lies inside the national ranges
(E001) with a source (E002), and — in ``qingling check --deploy`` — the deployment's
province has set its own (W001)."""

from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core import checks

# 法释〔2013〕3号 Art. 3: the ranges inside which each province fixes its figures.
ONE_WORKER_RANGE = (Decimal(5000), Decimal(20000))
TEN_WORKERS_RANGE = (Decimal(30000), Decimal(100000))


def _out_of_range(name: str, value: Decimal, low: Decimal, high: Decimal) -> checks.Error:
    return checks.Error(
        f"{name} is {value}; 法释〔2013〕3号 Art. 3 puts it between {low} and {high}.",
        id="qingling.sanctions.E001",
    )


@checks.register()
def crime_threshold_check(**kwargs: Any) -> list[checks.CheckMessage]:
    found: list[checks.CheckMessage] = []
    for name, (low, high) in (
        ("QINGLING_CRIME_THRESHOLD_ONE_WORKER", ONE_WORKER_RANGE),
        ("QINGLING_CRIME_THRESHOLD_TEN_WORKERS", TEN_WORKERS_RANGE),
    ):
        value = Decimal(getattr(settings, name))
        if not low <= value <= high:
            found.append(_out_of_range(name, value, low, high))
    for province, row in settings.QINGLING_CRIME_THRESHOLDS.items():
        for key, (low, high) in (
            ("one_worker", ONE_WORKER_RANGE),
            ("ten_workers", TEN_WORKERS_RANGE),
        ):
            value = Decimal(row[key])
            if not low <= value <= high:
                found.append(
                    _out_of_range(
                        f"QINGLING_CRIME_THRESHOLDS[{province!r}][{key!r}]", value, low, high
                    )
                )
        if not str(row.get("source", "")).strip():
            found.append(
                checks.Error(
                    f"QINGLING_CRIME_THRESHOLDS[{province!r}] gives no source.",
                    hint="Name the provincial high court's document the figures come from.",
                    id="qingling.sanctions.E002",
                )
            )
    return found


@checks.register(deploy=True)
def crime_threshold_province_check(**kwargs: Any) -> list[checks.CheckMessage]:
    """The figures in force must be the deployment's own province's."""
    province = settings.QINGLING_PROVINCE
    if province in settings.QINGLING_CRIME_THRESHOLDS:
        return []
    stand_in = settings.QINGLING_CRIME_THRESHOLD_STAND_IN
    return [
        checks.Warning(
            f"Province {province} (QINGLING_PROVINCE) has not set its crime thresholds "
            f"(法释〔2013〕3号 Art. 3); province {stand_in}'s figures stand in.",
            hint=(
                f"Add QINGLING_CRIME_THRESHOLDS[{province!r}] with the high court's figures and "
                "their source (docs/legal-rules.md)."
            ),
            id="qingling.sanctions.W001",
        )
    ]
