import datetime as dt
from dataclasses import dataclass
from typing import TypeVar

import time_machine
from django.db.models import Model, QuerySet

from qingling.prevention import statistics
from qingling.prevention.services import (
    warning_acknowledge,
    warning_dismiss,
    warning_dispatch,
    warning_overdue_scan,
    warning_resolve,
)
from qingling.prevention.tests.world import APRIL_10, MonitoringWorld
from qingling.reports.statistics import METRICS

M = TypeVar("M", bound=Model)


@dataclass(frozen=True)
class Period:
    start: dt.date
    end: dt.date


@dataclass(frozen=True)
class Scope:
    prefix: str | None = None

    def apply(self, queryset: QuerySet[M], division_field: str) -> QuerySet[M]:
        if self.prefix is None:
            return queryset
        return queryset.filter(**{f"{division_field}__code__startswith": self.prefix})


APRIL = Period(dt.date(2024, 4, 1), dt.date(2024, 4, 30))
MAY = Period(dt.date(2024, 5, 1), dt.date(2024, 5, 31))
CITY = Scope()
LONGSHAN = Scope("220402")
XIAN = Scope("220403")


class WarningFiguresTests(MonitoringWorld):
    def setUp(self) -> None:
        super().setUp()
        with time_machine.travel(APRIL_10, tick=False):
            self.load()
            unpaid = self.warning("WORKER_UNPAID", "P1")
            warning_acknowledge(warning=unpaid, actor=self.inspector)
            warning_dispatch(warning=unpaid, to="complaint", actor=self.inspector)
            warning_dismiss(
                warning=self.warning("NOT_ON_ROSTER", "X1"), reason="名册已补录", actor=self.xian
            )
        with time_machine.travel(dt.datetime(2024, 5, 6, 2, tzinfo=dt.UTC), tick=False):
            warning_resolve(warning=unpaid, note="已补发", actor=self.inspector)
            warning_overdue_scan(today=dt.date(2024, 5, 6))

    def figures(self, period: Period, scope: Scope) -> dict[str, object]:
        with time_machine.travel(dt.datetime(2024, 5, 6, 2, tzinfo=dt.UTC), tick=False):
            return {key: function(period, scope) for key, _label, function in statistics.FIGURES}

    def test_counts_the_warnings_by_the_day_of_each_step(self) -> None:
        self.assertEqual(
            self.figures(APRIL, CITY),
            {
                "warnings_raised": {"red": 2, "yellow": 2},
                "warnings_dispatched": 1,
                "warnings_resolved": 0,
                # P1's share (red, due 11 April) and Q9's labour cost (yellow, 15 April)
                "warnings_overdue": 2,
            },
        )
        self.assertEqual(
            self.figures(MAY, CITY),
            {
                "warnings_raised": {"red": 0, "yellow": 0},
                "warnings_dispatched": 0,
                "warnings_resolved": 1,
                "warnings_overdue": 0,
            },
        )

    def test_a_countys_figures_are_its_own(self) -> None:
        self.assertEqual(self.figures(APRIL, XIAN)["warnings_raised"], {"red": 0, "yellow": 1})
        self.assertEqual(self.figures(APRIL, LONGSHAN)["warnings_raised"], {"red": 2, "yellow": 1})

    def test_the_figures_are_registered_for_the_command_the_api_and_the_dashboard(self) -> None:
        keys = list(METRICS)
        start = keys.index("warnings_raised")
        self.assertEqual(
            keys[start : start + 4],
            ["warnings_raised", "warnings_dispatched", "warnings_resolved", "warnings_overdue"],
        )
        registry = keys.index("projects_registered")
        self.assertEqual(
            keys[registry : registry + 5],
            [
                "projects_registered",
                "projects_compliant",
                "wage_accounts_opened",
                "deposits_held",
                "deposits_drawn",
            ],
        )
