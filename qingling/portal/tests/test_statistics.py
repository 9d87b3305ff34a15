import datetime as dt

import time_machine

from qingling.core import clock
from qingling.portal.services import employer_account_create, employer_account_deactivate
from qingling.reports.statistics import statistics_for_period
from qingling.testing import CURRENT_TIME, BaseTestCase, make_organization


@time_machine.travel(CURRENT_TIME, tick=False)
class EmployerAccountsActiveTests(BaseTestCase):
    def test_counts_the_accounts_open_at_the_end_of_the_period(self) -> None:
        today = clock.local_today()
        for index in range(3):
            organization = make_organization(
                self.rng, name=f"龙山区{index}建筑公司", division=self.longshan
            )
            account = employer_account_create(organization=organization, actor=self.chief)
        employer_account_deactivate(account=account, actor=self.chief)
        start = today - dt.timedelta(days=30)
        figures = statistics_for_period(start=start, end=today)
        self.assertEqual(figures["employer_accounts_active"], 2)
        earlier = statistics_for_period(start=start, end=today - dt.timedelta(days=1))
        self.assertEqual(earlier["employer_accounts_active"], 0)
