import datetime as dt

import time_machine
from django.test import override_settings
from django.urls import reverse

from qingling.inspections.models import Finding, Inspection
from qingling.inspections.tests.world import InspectionWorld, all_ok, photo
from qingling.testing import CURRENT_TIME


def form_data(test: InspectionWorld, key: str = "key-1", **violations: str) -> dict[str, object]:
    data: dict[str, object] = {
        "project": test.project.pk,
        "done_on": "2026-11-27",
        "inspectors": [test.inspector.pk, test.inspector2.pk],
        "place": "三号楼",
        "idempotency_key": key,
        "summary": "",
    }
    for item, (result, note) in all_ok(**violations).items():
        data[f"check_{item}"] = result
        data[f"note_{item}"] = note
    return data


@time_machine.travel(CURRENT_TIME, tick=False)
class InspectionPagesTests(InspectionWorld):
    def test_each_persona_gets_the_expected_status(self) -> None:
        inspection = self.record()
        ok, no = 200, 403
        pages = (
            reverse("inspections:home"),
            reverse("inspections:inspection_new"),
            reverse("inspections:campaign_list"),
            reverse("inspections:campaign_new"),
            reverse("inspections:inspection_detail", args=[inspection.public_id]),
        )
        matrix = {
            "inspector": (ok, ok, ok, no, ok),
            "xian": (ok, ok, ok, no, 404),
            "chief": (ok, ok, ok, ok, ok),
            "director": (ok, no, ok, ok, ok),
            "intake": (no, no, no, no, no),
            "outsider": (no, no, no, no, no),
        }
        for persona, statuses in matrix.items():
            self.login(getattr(self, persona))
            for url, status in zip(pages, statuses, strict=True):
                with self.subTest(persona=persona, url=url):
                    self.assertEqual(self.client.get(url).status_code, status)

    def test_the_list_runs_the_same_queries_whatever_the_number_of_inspections(self) -> None:
        self.login(self.inspector)
        self.record()
        url = reverse("inspections:home")
        with self.assertNumQueries(8) as first:  # 7 and the totals
            self.client.get(url)
        for day in (20, 21, 22):
            self.record(done_on=dt.date(2026, 11, day))
        with self.assertNumQueries(len(first.captured_queries)):
            self.client.get(url)

    def test_records_an_inspection_once_when_the_form_is_sent_twice(self) -> None:
        self.login(self.inspector)
        url = reverse("inspections:inspection_new")
        data = form_data(self, information_board="没有告示牌")
        first = self.client.post(url, {**data, "evidence": photo()})
        again = self.client.post(url, data)
        inspection = Inspection.objects.get()
        detail = reverse("inspections:inspection_detail", args=[inspection.public_id])
        self.assertEqual(first.status_code, 302)
        self.assertTrue(first["Location"].startswith(detail))
        self.assertTrue(again["Location"].startswith(detail))
        self.assertEqual(inspection.findings.get().item, "information_board")
        self.assertEqual(inspection.evidence.count(), 1)
        page = self.client.get(first["Location"])
        self.assertContains(page, 'data-draft-sent="key-1"')
        self.assertContains(page, "条例第三十四条")

    def test_one_inspector_is_refused_on_the_form(self) -> None:
        self.login(self.inspector)
        data = form_data(self)
        data["inspectors"] = [self.inspector.pk]
        response = self.client.post(reverse("inspections:inspection_new"), data)
        self.assertEqual(response.status_code, 200)
        self.assertIn("inspectors", response.context["form"].errors)
        self.assertFalse(Inspection.objects.exists())

    def test_the_chief_opens_a_case_from_a_finding_with_one_action(self) -> None:
        finding = self.record(uploads=[photo()]).findings.get()
        self.login(self.chief)
        response = self.client.post(
            reverse("inspections:finding_act", args=[finding.public_id, "case"]), follow=True
        )
        finding.refresh_from_db()
        self.assertEqual(finding.status, Finding.Status.CASE)
        assert finding.case is not None
        self.assertContains(response, finding.case.number)

    def test_sets_a_deadline_and_reports_a_refusal_on_the_page(self) -> None:
        finding = self.record().findings.get()
        self.login(self.inspector)
        url = reverse("inspections:finding_act", args=[finding.public_id, "deadline"])
        self.client.post(url, {"working_days": "5"})
        finding.refresh_from_db()
        self.assertEqual(finding.status, Finding.Status.DEADLINE)
        response = self.client.post(url, {"working_days": "5"}, follow=True)
        self.assertEqual(response.status_code, 200)
        levels = [m.level_tag for m in response.context["messages"]]
        self.assertEqual(levels[-1], "error")  # a deadline is set once

    def test_evidence_is_downloaded_only_through_the_page_that_checks_access(self) -> None:
        inspection = self.record(uploads=[photo()])
        evidence = inspection.evidence.get()
        url = reverse("inspections:evidence_download", args=[inspection.public_id, evidence.pk])
        self.login(self.inspector)
        response = self.client.get(url)
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response["Cache-Control"], "private, no-store")
        self.login(self.xian)
        self.assertEqual(self.client.get(url).status_code, 404)

    @override_settings(LANGUAGE_CODE="en")
    def test_plans_a_campaign(self) -> None:
        self.login(self.chief)
        response = self.client.post(
            reverse("inspections:campaign_new"),
            {
                "name": "根治欠薪冬季攻坚行动",
                "starts_on": "2026-11-01",
                "ends_on": "2027-01-31",
                "division": "220400",
            },
            follow=True,
        )
        self.assertContains(response, "根治欠薪冬季攻坚行动")
        self.assertContains(response, self.project.name)
