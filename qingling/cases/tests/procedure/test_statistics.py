import datetime as dt
from decimal import Decimal

from qingling.cases import statistics
from qingling.cases.compensation import compensation_payment_record
from qingling.cases.models import Compensation
from qingling.cases.tests.procedure.test_enforcement import DECIDED_ON, decided_and_served
from qingling.cases.tests.procedure.world import on
from qingling.reports.statistics import CITY, Period, Scope, statistics_for_period
from qingling.testing import BaseTestCase

DECEMBER = Period(start=dt.date(2026, 12, 1), end=dt.date(2026, 12, 31))
JANUARY = Period(start=dt.date(2027, 1, 1), end=dt.date(2027, 1, 31))
KEYS = [
    "hearing_notices",
    "decisions_issued",
    "compensation_ordered",
    "compensation_paid",
    "penalties_imposed",
    "penalty_amount",
    "court_enforcement_applications",
]


class ProcedureFiguresTests(BaseTestCase):
    def setUp(self) -> None:
        decided_and_served(self)
        compensation = Compensation.objects.get(amount=Decimal("2500.00"))
        with on(dt.date(2027, 1, 5)):
            compensation_payment_record(
                compensation=compensation,
                amount=Decimal("2500.00"),
                paid_on=dt.date(2027, 1, 5),
                actor=self.inspector,
            )

    def test_counts_the_notice_decisions_compensation_and_fine_in_their_periods(self) -> None:
        figures = {key: getattr(statistics, key)(DECEMBER, CITY) for key in KEYS}
        self.assertEqual(
            figures,
            {
                "hearing_notices": 1,
                "decisions_issued": 2,  # the handling and the penalty decision
                "compensation_ordered": "9000.00",
                "compensation_paid": "0.00",  # paid in January
                "penalties_imposed": 1,
                "penalty_amount": "30000.00",
                "court_enforcement_applications": 0,
            },
        )
        self.assertEqual(statistics.compensation_paid(JANUARY, CITY), "2500.00")
        self.assertEqual(statistics.penalty_amount(DECEMBER, Scope(prefix="220403")), "0.00")
        self.assertEqual(DECIDED_ON.month, 12)

    def test_compensation_is_never_counted_as_wages_recovered(self) -> None:
        self.assertEqual(statistics.amount_recovered(JANUARY, CITY), "0.00")

    def test_are_in_the_stats_with_the_others(self) -> None:
        figures = statistics_for_period(start=DECEMBER.start, end=DECEMBER.end)
        for key in KEYS:
            self.assertIn(key, figures)
