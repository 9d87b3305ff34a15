import datetime as dt
import json
from decimal import Decimal

import time_machine
from django.test import SimpleTestCase
from hypothesis import given
from hypothesis import strategies as st

from qingling.cases.statistics import amount_recovered_by_month, cases_outstanding_by_division
from qingling.core.exceptions import InvalidInput
from qingling.core.money import money
from qingling.intake.models import Channel, Complaint
from qingling.intake.services import (
    complaint_accept,
    complaint_decline,
    complaint_request_material,
)
from qingling.reports.statistics import (
    METRICS,
    Period,
    period_parse,
    scope_for_user,
    statistics_for_period,
)
from qingling.reports.tests.statistics_world import (
    END,
    NOW,
    START,
    StatisticsWorld,
    at,
    local,
    register,
)
from qingling.testing import BaseTestCase

KEYS = [
    "complaints_received",
    "hotline_replies",
    "transfer_orders_handled",
    "complaints_accepted",
    "complaints_not_accepted",
    "complaints_overdue",
    "cases_opened",
    "cases_closed",
    "workers_paid",
    "amount_recovered",
    "cases_outstanding",
    "amount_outstanding",
    "documents_served",
]


@time_machine.travel(local(NOW), tick=False)
class StatisticsForPeriodTests(StatisticsWorld):
    def test_counts_each_figure_from_the_records(self) -> None:
        figures = statistics_for_period(start=START, end=END)
        for key, expected in self.EXPECTED.items():
            with self.subTest(key):
                self.assertEqual(figures[key], expected)

    def test_has_the_issues_keys_first_and_is_json(self) -> None:
        figures = statistics_for_period(start=START, end=END)
        self.assertEqual(list(figures)[: len(KEYS)], KEYS)
        self.assertEqual(list(figures), list(METRICS))
        self.assertEqual(json.loads(json.dumps(figures)), figures)

    def test_runs_one_query_per_figure(self) -> None:
        with self.assertNumQueries(len(METRICS)):
            statistics_for_period(start=START, end=END)

    def test_a_one_day_period_uses_local_midnight_boundaries(self) -> None:
        first = statistics_for_period(start=START, end=START)
        # 00:10 local on the first day is 16:10 UTC the day before; 23:30 local the day
        # before is not in it.
        self.assertEqual(first["complaints_received"]["walk_in"], 1)
        self.assertEqual(first["complaints_accepted"], 1)  # the one received the day before
        last = statistics_for_period(start=END, end=END)
        self.assertEqual(last["complaints_received"]["letter"], 1)  # at 23:59 local
        self.assertEqual(last["amount_recovered"], "1500.00")
        after = statistics_for_period(start=dt.date(2026, 4, 1), end=dt.date(2026, 4, 1))
        self.assertEqual(after["complaints_received"]["web"], 1)  # 00:00 local
        self.assertEqual(after["hotline_replies"], 1)  # replied at 00:30 local

    def test_amount_outstanding_is_as_of_the_end_not_the_stored_paid(self) -> None:
        stored_now = sum(
            (claim.outstanding for case in self.cases.values() for claim in case.claims.all()),
            Decimal(0),
        )
        self.assertEqual(stored_now, Decimal("31000.00"))  # after April's payments and case w
        self.assertEqual(
            statistics_for_period(start=START, end=END)["amount_outstanding"], "23500.00"
        )
        april = statistics_for_period(start=dt.date(2026, 4, 1), end=dt.date(2026, 4, 30))
        self.assertEqual(april["amount_outstanding"], "31000.00")
        self.assertEqual(april["amount_recovered"], "2500.00")
        self.assertEqual(april["cases_closed"], 1)
        self.assertEqual(april["cases_outstanding"], 2)  # y and w; z closed on 5 April

    def test_before_any_record_everything_is_zero_and_every_channel_is_present(self) -> None:
        figures = statistics_for_period(start=dt.date(2025, 1, 1), end=dt.date(2025, 12, 31))
        self.assertEqual(figures["complaints_received"], dict.fromkeys(Channel.values, 0))
        for key in KEYS[1:]:
            with self.subTest(key):
                self.assertIn(figures[key], (0, "0.00"))

    def test_overpaid_claims_count_as_nothing_outstanding(self) -> None:
        from qingling.cases.models import Claim

        # The services refuse to set an amount below what was paid; older records may
        # still hold one, and the statistics must not count it as negative.
        claim = self.cases["y"].claims.get(worker__name="赵六")
        Claim.objects.filter(pk=claim.pk).update(verified=Decimal("2000.00"))
        # 赵六 was paid 2500 by the end: outstanding 0, not −500.
        self.assertEqual(
            statistics_for_period(start=START, end=END)["amount_outstanding"], "21000.00"
        )

    def test_series_for_the_charts(self) -> None:
        period = Period(start=dt.date(2026, 2, 1), end=dt.date(2026, 4, 30))
        city = scope_for_user(self.chief)
        self.assertEqual(
            amount_recovered_by_month(period=period, scope=city),
            [
                (dt.date(2026, 2, 1), Decimal("1000.00")),
                (dt.date(2026, 3, 1), Decimal("6500.00")),
                (dt.date(2026, 4, 1), Decimal("2500.00")),
            ],
        )
        self.assertEqual(
            cases_outstanding_by_division(period=Period(START, END), scope=city),
            [("220402", "龙山区", 2)],
        )


@time_machine.travel(local(NOW), tick=False)
class StatisticsScopeTests(StatisticsWorld):
    def test_city_level_staff_get_the_city_figures(self) -> None:
        city = statistics_for_period(start=START, end=END)
        for user in (self.chief, self.director, self.intake, self.admin):
            with self.subTest(user.username):
                self.assertEqual(statistics_for_period(start=START, end=END, user=user), city)

    def test_district_staff_get_their_district(self) -> None:
        register("letter", "2026-03-09 10:00", division="220403")
        longshan = statistics_for_period(start=START, end=END, user=self.inspector)
        xian = statistics_for_period(start=START, end=END, user=self.xian)
        self.assertEqual(longshan["complaints_received"]["letter"], 1)
        self.assertEqual(longshan["cases_opened"], 2)
        self.assertEqual(xian["complaints_received"]["letter"], 1)
        self.assertEqual(sum(xian["complaints_received"].values()), 1)
        self.assertEqual(xian["cases_opened"], 0)
        self.assertEqual(xian["amount_outstanding"], "0.00")
        city = statistics_for_period(start=START, end=END)
        self.assertEqual(city["complaints_received"]["letter"], 2)

    def test_someone_without_a_jurisdiction_gets_zeros(self) -> None:
        figures = statistics_for_period(start=START, end=END, user=self.outsider)
        self.assertEqual(figures["cases_opened"], 0)
        self.assertEqual(figures["amount_recovered"], "0.00")
        self.assertEqual(sum(figures["complaints_received"].values()), 0)


class ComplaintsOverdueTests(BaseTestCase):
    """Due in the period and not decided by the end of the due date (local)."""

    complaints: dict[str, Complaint]

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        c = {
            "decided_on_the_due_day": register("walk_in", "2026-03-02 10:00"),
            "decided_half_an_hour_late": register("walk_in", "2026-03-03 09:00"),
            "undecided": register("walk_in", "2026-03-16 09:00"),
            "waiting_for_material": register("walk_in", "2026-03-17 09:00"),
            "decided_late_after_the_period": register("walk_in", "2026-03-24 09:00"),
            "due_after_the_period": register("walk_in", "2026-03-30 09:00"),
            "due_before_the_period": register("walk_in", "2026-02-02 09:00"),
        }
        with at("2026-03-09 23:30"):  # 15:30 UTC
            complaint_accept(complaint=c["decided_on_the_due_day"], actor=cls.chief)
        with at("2026-03-11 00:30"):  # 16:30 UTC on the due day: late in local time
            complaint_accept(complaint=c["decided_half_an_hour_late"], actor=cls.chief)
        with at("2026-03-18 09:00"):
            complaint_request_material(
                complaint=c["waiting_for_material"], note="请补充用工证明", actor=cls.chief
            )
        with at("2026-04-02 09:00"):
            complaint_decline(
                complaint=c["decided_late_after_the_period"], reason="too_old", actor=cls.chief
            )
        cls.complaints = c

    def test_the_deadlines_are_five_working_days(self) -> None:
        due = {name: c.acceptance_due for name, c in self.complaints.items()}
        self.assertEqual(due["decided_on_the_due_day"], dt.date(2026, 3, 9))
        self.assertEqual(due["decided_half_an_hour_late"], dt.date(2026, 3, 10))
        self.assertEqual(due["undecided"], dt.date(2026, 3, 23))
        self.assertEqual(due["decided_late_after_the_period"], dt.date(2026, 3, 31))
        self.assertEqual(due["due_after_the_period"], dt.date(2026, 4, 7))  # 清明 on the 6th

    def test_counts_late_decisions_and_undecided_complaints_past_due(self) -> None:
        with at(NOW):
            figures = statistics_for_period(start=START, end=END)
        # half an hour late, undecided, waiting for material, decided late after the end
        self.assertEqual(figures["complaints_overdue"], 4)

    def test_a_complaint_due_today_is_not_yet_overdue(self) -> None:
        period = {"start": dt.date(2026, 3, 16), "end": dt.date(2026, 3, 23)}
        with at("2026-03-23 18:00"):
            self.assertEqual(statistics_for_period(**period)["complaints_overdue"], 0)
        with at("2026-03-24 00:01"):
            # undecided past its due of the 23rd; waiting for material is due the 24th
            self.assertEqual(statistics_for_period(**period)["complaints_overdue"], 1)


class PeriodParseTests(SimpleTestCase):
    def test_reads_iso_dates(self) -> None:
        self.assertEqual(
            period_parse(start="2021-01-04", end="2021-03-05"),
            Period(dt.date(2021, 1, 4), dt.date(2021, 3, 5)),
        )

    def test_names_each_bad_field(self) -> None:
        for start, end, fields in (
            ("2021-13-01", "2021-03-05", {"from"}),
            ("2021-01-04", "5 March", {"to"}),
            ("", "", {"from", "to"}),
            ("2021-03-06", "2021-03-05", {"to"}),
        ):
            with self.subTest(start=start, end=end):
                with self.assertRaises(InvalidInput) as raised:
                    period_parse(start=start, end=end)
                self.assertEqual(set(raised.exception.extra["fields"]), fields)

    def test_the_bounds_are_aware_local_midnights(self) -> None:
        period = Period(dt.date(2026, 3, 2), dt.date(2026, 3, 2))
        self.assertEqual(period.start_at, dt.datetime(2026, 3, 1, 16, 0, tzinfo=dt.UTC))
        self.assertEqual(period.end_at, dt.datetime(2026, 3, 2, 16, 0, tzinfo=dt.UTC))
        self.assertEqual(
            Period(dt.date(2025, 11, 15), dt.date(2026, 2, 1)).months(),
            [dt.date(2025, 11, 1), dt.date(2025, 12, 1), dt.date(2026, 1, 1), dt.date(2026, 2, 1)],
        )


class MoneyTests(SimpleTestCase):
    @given(st.decimals(min_value=0, max_value=10**12, places=2))
    def test_two_places_and_exact(self, amount: Decimal) -> None:
        text = money(amount)
        self.assertRegex(text, r"^\d+\.\d{2}$")
        self.assertEqual(Decimal(text), amount)

    def test_nothing_is_zero(self) -> None:
        self.assertEqual(money(None), "0.00")
