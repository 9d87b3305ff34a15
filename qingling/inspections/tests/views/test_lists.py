"""The inspections list and the findings list, filtered by period, show the figures."""

import datetime as dt
from decimal import Decimal

import time_machine
from django.test import override_settings
from django.urls import reverse

from qingling.inspections import statistics
from qingling.inspections.models import Finding
from qingling.inspections.services import (
    SpotPaymentLine,
    finding_correct_on_spot,
    finding_corrected,
    finding_deadline_set,
)
from qingling.inspections.tests.test_statistics import NOVEMBER, Scope
from qingling.inspections.tests.world import InspectionWorld, all_ok
from qingling.testing import CURRENT_TIME, make_project

HOME = reverse("inspections:home")
FINDINGS = reverse("inspections:finding_list")
DONE_IN_NOVEMBER = {"status": "done", "done_from": "2026-11-01", "done_to": "2026-11-30"}
CORRECTED_IN_NOVEMBER = {
    "status": list(Finding.CORRECTED_STATUSES),
    "corrected_from": "2026-11-01",
    "corrected_to": "2026-11-30",
}


@override_settings(LANGUAGE_CODE="en")  # the tests read the English status lines
class InspectionListsTests(InspectionWorld):
    def setUp(self) -> None:
        super().setUp()
        other = make_project(division=self.longshan, name="龙山区安居小区", actor=self.chief)
        with time_machine.travel(dt.datetime(2026, 11, 27, 2, tzinfo=dt.UTC), tick=False):
            first = self.record(
                done_on=dt.date(2026, 11, 2),
                checks=all_ok(
                    wage_account="无专户", monthly_pay="拖欠两个月", payroll_ledger="无台账"
                ),
            )
            self.record(
                done_on=dt.date(2026, 11, 20),
                inspectors=[self.inspector, self.inspector2, self.chief],
                checks=all_ok(),
            )
            self.record(project=other, done_on=dt.date(2026, 11, 26), checks=all_ok())
            self.record(done_on=dt.date(2026, 10, 30))  # before the period
            found = {finding.item: finding for finding in first.findings.all()}
            wage_account, monthly_pay = found["wage_account"], found["monthly_pay"]
            payroll = found["payroll_ledger"]
            finding_correct_on_spot(
                finding=monthly_pay,
                payments=[SpotPaymentLine("王建国", Decimal(3000))],
                actor=self.inspector,
            )
            finding_deadline_set(finding=wage_account, working_days=5, actor=self.inspector)
            finding_deadline_set(finding=payroll, working_days=5, actor=self.inspector)
            finding_corrected(finding=payroll, note="已建台账", actor=self.inspector)
        with time_machine.travel(dt.datetime(2026, 12, 2, 2, tzinfo=dt.UTC), tick=False):
            finding_corrected(finding=wage_account, note="已开设", actor=self.inspector)

    def test_the_inspections_done_in_a_period_show_its_visits_and_projects(self) -> None:
        self.login(self.director)
        response = self.client.get(HOME, DONE_IN_NOVEMBER)
        totals = response.context["totals"]
        self.assertEqual(totals.inspections, statistics.inspections(NOVEMBER, Scope()))
        self.assertEqual(totals.inspector_visits, statistics.inspector_visits(NOVEMBER, Scope()))
        self.assertEqual(totals.projects, statistics.projects_inspected(NOVEMBER, Scope()))
        self.assertEqual((totals.inspections, totals.inspector_visits, totals.projects), (3, 7, 2))
        self.assertEqual(response.context["page"].paginator.count, 3)
        self.assertContains(response, "3 inspections")
        self.assertContains(response, "7 inspector visits (人次)")
        self.assertContains(response, "2 projects")
        self.assertContains(response, 'name="done_from" value="2026-11-01"')

    def test_without_a_period_lists_every_inspection(self) -> None:
        self.login(self.inspector)
        response = self.client.get(HOME)
        self.assertEqual(response.context["totals"].inspections, 4)
        self.assertEqual(response.context["page"].paginator.count, 4)

    def test_the_findings_corrected_in_a_period_are_the_figure(self) -> None:
        self.login(self.director)
        with time_machine.travel(CURRENT_TIME, tick=False):
            response = self.client.get(FINDINGS, CORRECTED_IN_NOVEMBER)
        count = response.context["page"].paginator.count
        self.assertEqual(count, statistics.violations_corrected(NOVEMBER, Scope()))
        self.assertEqual(count, 2)  # on the spot, and the payroll by its deadline
        self.assertContains(response, "2 findings")
        statuses = {finding.status for finding in response.context["page"]}
        self.assertEqual(statuses, set(Finding.CORRECTED_STATUSES))

    def test_the_findings_list_filters_by_one_status(self) -> None:
        self.login(self.inspector)
        response = self.client.get(FINDINGS, {"status": "corrected"})
        self.assertEqual(response.context["page"].paginator.count, 2)  # November, December
        everything = self.client.get(FINDINGS).context["page"].paginator.count
        self.assertEqual(everything, 4)  # and the October visit's, open

    def test_who_may_see_the_findings(self) -> None:
        expected = {"inspector": 4, "chief": 4, "director": 4, "xian": 0}
        for persona, count in expected.items():
            with self.subTest(persona):
                self.login(getattr(self, persona))
                response = self.client.get(FINDINGS)
                self.assertEqual(response.context["page"].paginator.count, count)
        for persona in ("intake", "employment", "outsider"):
            with self.subTest(persona):
                self.login(getattr(self, persona))
                self.assertEqual(self.client.get(FINDINGS).status_code, 403)

    def test_the_findings_list_runs_the_same_queries_whatever_the_number(self) -> None:
        self.login(self.inspector)
        # session, user, unit, division; the count, the page (inspection, project, division)
        with self.assertNumQueries(6):
            self.client.get(FINDINGS)
        with time_machine.travel(dt.datetime(2026, 11, 27, 2, tzinfo=dt.UTC), tick=False):
            self.record(done_on=dt.date(2026, 11, 27), checks=all_ok(wage_account="无专户"))
        with self.assertNumQueries(6):
            response = self.client.get(FINDINGS)
        self.assertEqual(response.context["page"].paginator.count, 5)
