"""The spring 2021 season, replayed once for the class (about a minute): its figures are
the seed's, and a person following the dashboard's links finds the records behind them."""

import re
import shutil
import tempfile
from decimal import Decimal
from pathlib import Path
from typing import Any, ClassVar

import pytest
from django.contrib.staticfiles.testing import StaticLiveServerTestCase
from django.core.management import call_command
from django.test import override_settings

from qingling.cases.lifecycle import CaseStatus
from qingling.cases.models import Case
from qingling.core.browser import PHONE, chromium
from qingling.intake.lifecycle import ComplaintStatus
from qingling.intake.models import Complaint
from qingling.parties.demo import DEMO_PASSWORD
from qingling.reports.statistics import statistics_for_period
from qingling.scenarios.liaoyuan_2021 import SEASON_END, SEASON_START, SeasonResult, season_replay


class LiaoyuanSeasonTests(StaticLiveServerTestCase):
    """Built once in the first test's set-up and kept for the class: Django would empty the
    tables after each test of a live-server class, and the replay is the slow part."""

    serialized_rollback = True  # the divisions, occupations and calendar the migrations load
    season: ClassVar[SeasonResult | None] = None
    lines: ClassVar[list[str]] = []
    media: ClassVar[str]
    media_override: ClassVar[Any]

    @classmethod
    def setUpClass(cls) -> None:
        # the orders' documents and proofs of service go to a folder of the class's own
        cls.media = tempfile.mkdtemp(prefix="qingling-season-media-")
        cls.media_override = override_settings(
            MEDIA_ROOT=cls.media, QINGLING_MONITORING_DIR=Path(cls.media) / "monitoring"
        )
        cls.media_override.enable()
        cls.addClassCleanup(shutil.rmtree, cls.media, ignore_errors=True)
        cls.addClassCleanup(cls.media_override.disable)
        super().setUpClass()

    @classmethod
    def _fixture_setup(cls) -> None:
        """Empty the tables before the rows the migrations loaded are put back: a live
        server test that ran before flushed them and its flush made the content types
        and permissions again, which on PostgreSQL get new ids and would collide with
        the serialized ones (on SQLite the ids are reused)."""
        if LiaoyuanSeasonTests.season is None:
            call_command("flush", verbosity=0, interactive=False, inhibit_post_migrate=True)
        super()._fixture_setup()  # type: ignore[misc]  # not in django-stubs

    def setUp(self) -> None:
        if LiaoyuanSeasonTests.season is None:
            LiaoyuanSeasonTests.season = season_replay(seed=2021, progress=self.lines.append)

    def _fixture_teardown(self) -> None:
        """Keep the season for the next test; ``tearDownClass`` empties the tables."""

    @classmethod
    def tearDownClass(cls) -> None:
        try:
            call_command("flush", verbosity=0, interactive=False)
            cls.season = None
        finally:
            super().tearDownClass()

    def test_gives_the_figures_of_the_liaoyuan_daily(self) -> None:
        figures = statistics_for_period(start=SEASON_START, end=SEASON_END)

        self.assertEqual(figures["hotline_replies"], 65)
        self.assertEqual(figures["transfer_orders_handled"], 22)
        self.assertEqual(figures["inspector_visits"], 30)
        self.assertEqual(figures["projects_inspected"], 14)
        self.assertEqual(figures["violations_corrected"], 5)
        self.assertEqual(figures["cases_opened"], 8)
        self.assertEqual(figures["workers_paid"], 305)
        self.assertEqual(figures["amount_recovered"], "2800000.00")
        # each case's order, served directly; the two notices of intended decisions, the
        # two handling decisions and one penalty decision (plan_decisions)
        self.assertEqual(figures["documents_served"], 13)
        self.assertGreater(figures["postings_collected"]["total"], 14_000)
        self.assertEqual(figures["workers_transported"], 60)
        self.assertEqual(set(figures["workers_transported_by_destination"]), {"大连市", "山东省"})

    def test_takes_the_late_payers_through_the_decision_procedure(self) -> None:
        figures = statistics_for_period(start=SEASON_START, end=SEASON_END)

        self.assertEqual(figures["hearing_notices"], 2)
        self.assertEqual(figures["decisions_issued"], 3)
        self.assertEqual(figures["penalties_imposed"], 1)
        self.assertEqual(figures["penalty_amount"], "5000.00")
        self.assertEqual(figures["court_enforcement_applications"], 0)
        ordered = Decimal(figures["compensation_ordered"])
        paid = Decimal(figures["compensation_paid"])
        self.assertGreater(paid, 0)  # case 6 paid its compensation before closing
        self.assertGreater(ordered, paid)  # case 7's is still owed
        self.assertEqual(figures["amount_recovered"], "2800000.00")  # wages only
        self.assertEqual(figures["cases_closed"], 6)

    def test_carries_the_texture_of_a_real_season(self) -> None:
        figures = statistics_for_period(start=SEASON_START, end=SEASON_END)

        self.assertGreater(figures["complaints_not_accepted"], 0)
        self.assertTrue(Complaint.objects.filter(status=ComplaintStatus.JOINED).exists())
        self.assertGreater(figures["cases_outstanding"], 0)
        self.assertTrue(Case.objects.exclude(status=CaseStatus.CLOSED).exists())
        self.assertTrue(Case.objects.filter(warned_at__isnull=False, escalated_at=None).exists())
        self.assertEqual(figures["complaints_overdue"], 0)  # triage within the deadlines
        # Three 12345 orders settled after a call, without a case, apart from the cases'
        # money (amount_recovered stays 280万元 above) and answered like the others.
        self.assertEqual(figures["complaints_settled"], 3)
        self.assertGreater(Decimal(figures["amount_settled"]), 0)
        settled = Complaint.objects.filter(status=ComplaintStatus.SETTLED)
        self.assertEqual(settled.filter(channel="12345", replied_at__isnull=False).count(), 3)
        self.assertFalse(settled.filter(case_number__gt="").exists())
        self.assertTrue(any("2021-03-05" in line for line in self.lines))  # progress shown

    def test_monitoring_warnings_lead_to_the_seasons_inspections(self) -> None:
        from qingling.prevention.models import Warning

        figures = statistics_for_period(start=SEASON_START, end=SEASON_END)
        self.assertEqual(figures["warnings_raised"], {"red": 5, "yellow": 3})
        self.assertEqual(figures["warnings_dispatched"], 7)
        self.assertEqual(figures["warnings_resolved"], 3)
        self.assertEqual(figures["warnings_overdue"], 0)
        dispatched = Warning.objects.filter(inspection__isnull=False).select_related("inspection")
        self.assertEqual(dispatched.count(), 7)
        for warning in dispatched:
            inspection = warning.inspection
            assert inspection is not None
            self.assertEqual(inspection.project_id, warning.project_id)
            self.assertTrue(inspection.idempotency_key.startswith("liaoyuan-2021:inspection:"))

    @pytest.mark.browser
    def test_each_figure_leads_to_its_records(self) -> None:
        """Signed in as the director (who may open every list the figures link to), on a
        phone: each figure's link opens a list that shows the figure."""
        figures = statistics_for_period(start=SEASON_START, end=SEASON_END)
        dashboard = f"{self.live_server_url}/reports/?from={SEASON_START}&to={SEASON_END}"
        with chromium() as browser:
            page = browser.new_context(**PHONE).new_page()
            page.goto(f"{self.live_server_url}/accounts/login/")
            page.fill("#id_username", "director")
            page.fill("#id_password", DEMO_PASSWORD)
            page.click("button[type=submit]")
            page.wait_for_url(f"{self.live_server_url}/")
            page.goto(dashboard)
            shown = {key: self._figure_value(page, key) for key in FOLLOWED}
            self.assertEqual(shown["hotline_replies"], 65)
            self.assertEqual(shown["transfer_orders_handled"], 22)
            self.assertEqual(shown["inspector_visits"], 30)
            self.assertEqual(shown["projects_inspected"], 14)
            self.assertEqual(shown["violations_corrected"], 5)
            self.assertEqual(shown["cases_opened"], 8)
            self.assertEqual(shown["workers_paid"], 305)
            self.assertEqual(shown["amount_recovered"], Decimal("2800000.00"))
            self.assertEqual(shown["postings_collected"], figures["postings_collected"]["total"])
            self.assertEqual(shown["workers_transported"], 60)
            for key, (read, where) in FOLLOWED.items():
                with self.subTest(key):
                    page.goto(dashboard)
                    page.locator(f"#figure-{key} a.figure-link").click()
                    page.wait_for_load_state()
                    self.assertEqual(read(self, page, where), shown[key], key)
            by_destination = figures["workers_transported_by_destination"]
            self.assertEqual(set(by_destination), {"大连市", "山东省"})
            for name, count in by_destination.items():
                with self.subTest(name):
                    page.goto(dashboard)
                    part = page.locator(
                        f'#figure-workers_transported_by_destination li[data-part="{name}"] a'
                    )
                    self.assertEqual(_number(part.inner_text()), count)
                    part.click()
                    page.wait_for_load_state()
                    self.assertEqual(
                        _numbers(page.locator("p[role=status]").inner_text())[-1], count
                    )

    def _figure_value(self, page: Any, key: str) -> int | Decimal:
        text = page.locator(f"#figure-{key} .value").inner_text()
        return Decimal(text.replace(",", "")) if "." in text else int(text)

    def _rows_on_every_page(self, page: Any, _where: str) -> int:
        """Count the list's records page by page, following its Next link."""
        rows = int(page.locator("table tbody tr:has(td:nth-child(2))").count())
        while page.locator("nav.pager span ~ a").count():
            page.locator("nav.pager span ~ a").click()
            page.wait_for_load_state()
            rows += page.locator("table tbody tr:has(td:nth-child(2))").count()
        return rows

    def _total(self, page: Any, where: str) -> int | Decimal:
        """The first number of a total the list states (``#total-…``), or the last of its
        status line (``p[role=status]``: "2 buses · 60 workers boarded")."""
        if where.startswith("#"):
            return _number(page.locator(where).inner_text())
        return _numbers(page.locator(where).inner_text())[-1]


def _numbers(text: str) -> list[int | Decimal]:
    return [
        Decimal(found.replace(",", "")) if "." in found else int(found.replace(",", ""))
        for found in re.findall(r"\d[\d,]*(?:\.\d+)?", text)
    ]


def _number(text: str) -> int | Decimal:
    return _numbers(text)[0]


# Each followed figure: how its list shows it, and where.
FOLLOWED: dict[str, tuple[Any, str]] = {
    "hotline_replies": (LiaoyuanSeasonTests._rows_on_every_page, ""),
    "transfer_orders_handled": (LiaoyuanSeasonTests._rows_on_every_page, ""),
    "cases_opened": (LiaoyuanSeasonTests._rows_on_every_page, ""),
    "inspector_visits": (LiaoyuanSeasonTests._total, "#total-inspector-visits"),
    "projects_inspected": (LiaoyuanSeasonTests._total, "#total-projects"),
    "violations_corrected": (LiaoyuanSeasonTests._total, "#total-findings"),
    "workers_paid": (LiaoyuanSeasonTests._total, "#total-workers"),
    "amount_recovered": (LiaoyuanSeasonTests._total, "#total-amount"),
    "postings_collected": (LiaoyuanSeasonTests._total, "p[role=status]"),
    "workers_transported": (LiaoyuanSeasonTests._total, "p[role=status]"),
}
