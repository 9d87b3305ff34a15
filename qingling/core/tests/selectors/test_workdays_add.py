import datetime as dt

from qingling.core.selectors import work_calendar, workdays_add
from qingling.testing import BaseTestCase


class WorkdaysAddTests(BaseTestCase):
    def test_several_deadlines_from_one_calendar_check_the_table_once(self) -> None:
        start = dt.date(2021, 2, 8)  # the eve of the 2021 Spring Festival
        expected = [workdays_add(start=start, days=days) for days in (5, 10)]
        with self.assertNumQueries(1):
            calendar = work_calendar()
            found = [workdays_add(start=start, days=days, calendar=calendar) for days in (5, 10)]
        self.assertEqual(found, expected)
        self.assertEqual(found[0].date, dt.date(2021, 2, 20))
