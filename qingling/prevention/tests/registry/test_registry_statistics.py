"""The registry's figures: projects under way and in order, accounts, deposits held and drawn."""

import datetime as dt
from decimal import Decimal

import time_machine
from django.core.management import call_command
from django.test import override_settings

from qingling.cases.models import Claim
from qingling.prevention.compliance import BoardContent
from qingling.prevention.models import DepositForm
from qingling.prevention.registry_services import (
    rights_board_record,
    wage_account_open,
    wage_deposit_draw,
    wage_deposit_lodge,
)
from qingling.prevention.tests.registry.world import START, RegistryWorld, pdf, png
from qingling.reports.statistics import METRICS, statistics_for_period
from qingling.testing import CURRENT_TIME, make_case

KEYS = [
    "projects_registered",
    "projects_compliant",
    "wage_accounts_opened",
    "deposits_held",
    "deposits_drawn",
]


@time_machine.travel(CURRENT_TIME, tick=False)
@override_settings(LANGUAGE_CODE="en")
class RegistryFiguresTests(RegistryWorld):
    def test_the_figures_follow_the_registry(self) -> None:
        self.assertTrue(set(KEYS) <= set(METRICS))
        wage_account_open(
            project=self.project,
            bank="b",
            number="62220212345678",
            opened_on=START,
            agreement=pdf(),
            actor=None,
        )
        wage_deposit_lodge(
            project=self.project,
            form=DepositForm.CASH,
            amount=Decimal(90000),
            lodged_on=START,
            actor=None,
        )
        rights_board_record(
            project=self.project,
            photo=png(),
            put_up_on=START,
            contents=BoardContent.values,
            actor=None,
        )
        case = make_case(self, amount="3000.00")
        case.project = self.project
        case.save(update_fields=["project"])
        claim = Claim.objects.filter(case=case).first()
        assert claim is not None
        wage_deposit_draw(
            claim=claim, amount=Decimal(3000), paid_on=dt.date(2026, 11, 20), actor=self.inspector
        )
        march = statistics_for_period(start=dt.date(2026, 3, 1), end=dt.date(2026, 3, 31))
        self.assertEqual([march[key] for key in KEYS], [2, 0, 1, "90000.00", "0.00"])
        november = statistics_for_period(start=dt.date(2026, 11, 1), end=dt.date(2026, 11, 30))
        self.assertEqual([november[key] for key in KEYS], [2, 0, 0, "87000.00", "3000.00"])
        # Before anything started, a project with no duty due yet is in order.
        february = statistics_for_period(start=dt.date(2026, 2, 1), end=dt.date(2026, 2, 28))
        self.assertEqual(february["projects_registered"], 0)

    def test_the_command_prints_the_figures(self) -> None:
        from io import StringIO

        out = StringIO()
        call_command("stats", "--from", "2026-03-01", "--to", "2026-03-31", "--json", stdout=out)
        self.assertIn('"projects_registered": 2', out.getvalue())
