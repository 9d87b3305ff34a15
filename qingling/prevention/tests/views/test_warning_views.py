import datetime as dt

import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse

from qingling.core.models import ImportJob
from qingling.core.services import import_job_claim, import_job_run
from qingling.inspections.models import Inspection
from qingling.prevention.lifecycle import WarningStatus
from qingling.prevention.models import Warning
from qingling.prevention.services import warning_acknowledge
from qingling.prevention.tests.world import APRIL_10, MonitoringWorld, month_zip
from qingling.reports.statistics import METRICS

LIST = reverse("prevention:warning_list")
UPLOAD = reverse("prevention:month_upload")
DASHBOARD = reverse("reports:dashboard")
APRIL = {"from": "2024-04-01", "to": "2024-04-30"}


def detail(warning: Warning) -> str:
    return reverse("prevention:warning_detail", args=[warning.public_id])


def act(warning: Warning, action: str) -> str:
    return reverse("prevention:warning_act", args=[warning.public_id, action])


@override_settings(LANGUAGE_CODE="en")  # the tests read the English status lines
@time_machine.travel(APRIL_10, tick=False)
class WarningListTests(MonitoringWorld):
    def setUp(self) -> None:
        super().setUp()
        self.load()

    def test_a_county_sees_its_own_warnings_and_the_city_sees_all(self) -> None:
        for user, count in ((self.inspector, 3), (self.xian, 1), (self.chief, 4)):
            with self.subTest(user=user.username):
                self.login(user)
                response = self.client.get(LIST)
                self.assertEqual(response.context["page"].paginator.count, count)

    def test_the_outsider_and_the_employment_officer_see_nothing(self) -> None:
        for user in (self.outsider, self.employment):
            with self.subTest(user=user.username):
                self.login(user)
                self.assertEqual(self.client.get(LIST).status_code, 403)
                warning = self.warning("WORKER_UNPAID", "P1")
                self.assertEqual(self.client.get(detail(warning)).status_code, 403)
        self.login(self.xian)  # another county's
        self.assertEqual(
            self.client.get(detail(self.warning("WORKER_UNPAID", "P1"))).status_code, 404
        )

    def test_filters_by_level_rule_county_month_and_status(self) -> None:
        self.login(self.chief)
        warning_acknowledge(warning=self.warning("NO_LABOUR_COST", "Q9"), actor=self.chief)
        for query, expected in (
            ({"level": "red"}, {"WORKER_UNPAID", "PROJECT_UNPAID_SHARE"}),
            ({"rule": "NOT_ON_ROSTER"}, {"NOT_ON_ROSTER"}),
            ({"county": "220403"}, {"NOT_ON_ROSTER"}),
            ({"month": "2024-03", "status": "acknowledged"}, {"NO_LABOUR_COST"}),
            ({"month": "2024-02"}, set()),
        ):
            with self.subTest(query=query):
                page = self.client.get(LIST, query).context["page"]
                self.assertEqual({w.rule for w in page}, expected)

    def test_the_list_runs_the_same_queries_whatever_the_rows(self) -> None:
        self.login(self.chief)
        self.client.get(LIST)  # warm the session
        # session, user, unit and division, count, counties, months, rows
        with self.assertNumQueries(8):
            response = self.client.get(LIST)
        self.assertContains(response, "4 warnings")

    def test_the_overdue_filter_shows_what_the_figure_counts(self) -> None:
        with time_machine.travel(dt.datetime(2024, 4, 12, 2, tzinfo=dt.UTC), tick=False):
            self.login(self.chief)
            query = {"overdue": "1", "due_from": "2024-04-01", "due_to": "2024-04-30"}
            page = self.client.get(LIST, query).context["page"]
            self.assertEqual({w.level for w in page}, {"red"})
            figures = self.client.get(DASHBOARD, APRIL).context["figures"]
            overdue = next(f for f in figures if f.key == "warnings_overdue")
            self.assertEqual(overdue.value, str(page.paginator.count))


@override_settings(LANGUAGE_CODE="en")
@time_machine.travel(APRIL_10, tick=False)
class WarningPageTests(MonitoringWorld):
    def setUp(self) -> None:
        super().setUp()
        self.load()
        self.unpaid = self.warning("WORKER_UNPAID", "P1")

    def test_shows_the_evidence_masked(self) -> None:
        self.login(self.inspector)
        response = self.client.get(detail(self.unpaid))
        self.assertContains(response, self.unpaid.worker_id_masked)
        self.assertContains(response, "李工")
        self.assertNotContains(response, "220402199001010013")
        self.assertContains(response, "Days present")

    def test_an_inspector_acknowledges_then_dispatches_to_a_new_inspection(self) -> None:
        self.login(self.inspector)
        self.client.post(act(self.unpaid, "acknowledge"))
        self.assertEqual(Warning.objects.get(pk=self.unpaid.pk).status, "acknowledged")
        response = self.client.post(
            act(self.unpaid, "dispatch"),
            {
                "to": "inspection",
                "planned_on": "2024-04-15",
                "inspectors": [self.inspector.pk, self.inspector2.pk],
            },
            follow=True,
        )
        warning = Warning.objects.get(pk=self.unpaid.pk)
        self.assertEqual(warning.status, WarningStatus.DISPATCHED)
        self.assertEqual(Inspection.objects.get().project, self.p1)
        self.assertContains(response, 'id="dispatched-inspection"')

    def test_a_refusal_is_shown_on_the_page(self) -> None:
        self.login(self.inspector)
        response = self.client.post(act(self.unpaid, "dismiss"), {"note": "重复"}, follow=True)
        self.assertContains(response, "Tick the box to confirm the dismissal")
        self.assertEqual(Warning.objects.get(pk=self.unpaid.pk).status, "new")
        response = self.client.post(
            act(self.unpaid, "dismiss"), {"note": "", "confirm": "on"}, follow=True
        )
        self.assertContains(response, "Give the reason for dismissing the warning.")
        self.assertEqual(Warning.objects.get(pk=self.unpaid.pk).status, "new")

    def test_another_countys_inspector_cannot_act(self) -> None:
        self.login(self.xian)
        self.assertEqual(self.client.post(act(self.unpaid, "acknowledge")).status_code, 404)
        self.assertEqual(Warning.objects.get(pk=self.unpaid.pk).status, "new")


@override_settings(LANGUAGE_CODE="en")
@time_machine.travel(APRIL_10, tick=False)
class MonthUploadTests(MonitoringWorld):
    def test_the_city_uploads_a_zip_and_the_worker_records_the_warnings(self) -> None:
        self.login(self.chief)
        upload = SimpleUploadedFile("2024-03.zip", month_zip(self.files()), "application/zip")
        response = self.client.post(UPLOAD, {"month": "2024-03", "upload": upload})
        job = ImportJob.objects.get()
        self.assertRedirects(response, reverse("accounts:import_job", args=[job.public_id]))
        claimed = import_job_claim()
        assert claimed is not None
        job = import_job_run(job=claimed)
        self.assertEqual((job.status, job.rows_created, job.rows_failed), ("done", 4, 1))
        self.assertEqual(job.report[0]["field"], "attendance.csv")
        self.assertEqual(Warning.objects.count(), 4)

    def test_the_five_files_may_come_without_a_zip(self) -> None:
        self.login(self.chief)
        folder = self.files().write()
        uploads = [
            SimpleUploadedFile(path.name, path.read_bytes(), "text/csv")
            for path in sorted(folder.iterdir())
        ]
        self.client.post(UPLOAD, {"month": "2024-03", "upload": uploads})
        claimed = import_job_claim()
        assert claimed is not None
        self.assertEqual(import_job_run(job=claimed).rows_created, 4)

    def test_a_countys_inspector_may_not_upload(self) -> None:
        self.login(self.inspector)
        self.assertEqual(self.client.get(UPLOAD).status_code, 403)

    def test_refuses_a_month_that_is_not_one(self) -> None:
        self.login(self.chief)
        upload = SimpleUploadedFile("m.zip", month_zip(self.files()), "application/zip")
        response = self.client.post(UPLOAD, {"month": "2024-13", "upload": upload})
        self.assertEqual(response.status_code, 200)
        self.assertIn("month", response.context["form"].errors)
        self.assertFalse(ImportJob.objects.exists())


@override_settings(LANGUAGE_CODE="en")
@time_machine.travel(APRIL_10, tick=False)
class WarningPanelTests(MonitoringWorld):
    def test_counts_by_level_rule_county_and_month_and_drills_down(self) -> None:
        self.load()
        self.login(self.chief)
        response = self.client.get(DASHBOARD, APRIL)
        panel = response.context["warning_panel"]
        self.assertEqual(panel["total"], 4)
        by = {
            group.filter: {row.value: row.total for row in group.rows} for group in panel["groups"]
        }
        self.assertEqual(by["level"], {"red": 2, "yellow": 2})
        self.assertEqual(by["county"], {"220402": 3, "220403": 1})
        self.assertEqual(by["month"], {"2024-03": 4})
        self.assertEqual(by["rule"]["WORKER_UNPAID"], 1)
        link = panel["href"].replace("&", "&amp;") + "&amp;county=220403"
        self.assertContains(response, link)
        listed = self.client.get(
            LIST, {"raised_from": "2024-04-01", "raised_to": "2024-04-30", "county": "220403"}
        )
        self.assertEqual(listed.context["page"].paginator.count, 1)

    def test_the_panel_is_one_query(self) -> None:
        self.load()
        self.login(self.chief)
        self.client.get(DASHBOARD, APRIL)
        # session, user, unit and division, one per figure, two chart series, the panel
        with self.assertNumQueries(4 + len(METRICS) + 2 + 1):
            self.client.get(DASHBOARD, APRIL)
