import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import TypeVar

import time_machine
from django.db.models import Model, QuerySet

from qingling.inspections import statistics
from qingling.inspections.services import (
    SpotPaymentLine,
    finding_correct_on_spot,
    finding_corrected,
    finding_deadline_set,
)
from qingling.inspections.tests.world import InspectionWorld, all_ok
from qingling.testing import make_project

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


NOVEMBER = Period(dt.date(2026, 11, 1), dt.date(2026, 11, 30))
DECEMBER = Period(dt.date(2026, 12, 1), dt.date(2026, 12, 31))


class InspectionStatisticsTests(InspectionWorld):
    def test_counts_inspections_visits_projects_findings_and_corrections(self) -> None:
        other = make_project(division=self.longshan, name="龙山区安居小区", actor=self.chief)
        with time_machine.travel(dt.datetime(2026, 11, 27, 2, tzinfo=dt.UTC), tick=False):
            first = self.record(
                done_on=dt.date(2026, 11, 2),
                checks=all_ok(wage_account="无专户", monthly_pay="拖欠两个月"),
            )
            self.record(
                done_on=dt.date(2026, 11, 20),
                inspectors=[self.inspector, self.inspector2, self.chief],
                checks=all_ok(),
            )
            self.record(project=other, done_on=dt.date(2026, 11, 26), checks=all_ok())
            self.record(done_on=dt.date(2026, 10, 30))  # before the period
            wage_account, monthly_pay = first.findings.order_by("id")
            finding_correct_on_spot(
                finding=monthly_pay,
                payments=[SpotPaymentLine("王建国", Decimal(3000))],
                actor=self.inspector,
            )
            finding_deadline_set(finding=wage_account, working_days=5, actor=self.inspector)
        with time_machine.travel(dt.datetime(2026, 12, 2, 2, tzinfo=dt.UTC), tick=False):
            finding_corrected(finding=wage_account, note="已开设", actor=self.inspector)

        figures = {key: fn(NOVEMBER, Scope()) for key, _label, fn in statistics.FIGURES}
        self.assertEqual(
            figures,
            {
                "inspections": 3,
                "inspector_visits": 7,  # 2 + 3 + 2
                "projects_inspected": 2,
                "findings": 2,
                "violations_corrected": 1,  # on the spot in November
            },
        )
        self.assertEqual(statistics.violations_corrected(DECEMBER, Scope()), 1)  # by deadline
        self.assertEqual(statistics.inspections(NOVEMBER, Scope(prefix="220403")), 0)
        self.assertEqual(statistics.inspections(NOVEMBER, Scope(prefix="220402")), 3)

    def test_each_figure_is_one_query(self) -> None:
        for _key, _label, function in statistics.FIGURES:
            with self.assertNumQueries(1):
                function(NOVEMBER, Scope(prefix="2204"))
