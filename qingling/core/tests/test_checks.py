import time_machine
from django.test import TestCase, override_settings

from qingling.core.checks import calendar_next_year_check, data_key_check
from qingling.core.services import calendar_year_import
from qingling.testing import CURRENT_TIME


class CalendarNextYearCheckTests(TestCase):
    def test_warns_when_next_year_has_no_schedule(self):
        with time_machine.travel(CURRENT_TIME, tick=False):
            messages = calendar_next_year_check(None, databases=["default"])
        self.assertEqual([m.id for m in messages], ["qingling.W001"])
        self.assertIn("2027", messages[0].msg)
        self.assertIn("--year 2027", messages[0].hint or "")

    def test_is_silent_once_next_year_is_imported(self):
        calendar_year_import(year=2027, text="holiday 2027-01-01 元旦", source="test", actor=None)
        with time_machine.travel(CURRENT_TIME, tick=False):
            self.assertEqual(calendar_next_year_check(None, databases=["default"]), [])

    def test_is_silent_when_next_year_is_covered_by_the_package(self):
        with time_machine.travel("2025-06-01 10:00 +0800", tick=False):
            self.assertEqual(calendar_next_year_check(None, databases=["default"]), [])

    def test_is_silent_without_a_database(self):
        with time_machine.travel(CURRENT_TIME, tick=False):
            self.assertEqual(calendar_next_year_check(None), [])


class DataKeyCheckTests(TestCase):
    @override_settings(QINGLING_DATA_KEY="short")
    def test_errors_when_the_key_is_short(self):
        messages = data_key_check(None)
        self.assertEqual([m.id for m in messages], ["qingling.E001"])

    @override_settings(QINGLING_DATA_KEY="")
    def test_errors_when_the_key_is_missing(self):
        self.assertEqual([m.id for m in data_key_check(None)], ["qingling.E001"])

    @override_settings(QINGLING_DATA_KEY="k" * 32)
    def test_passes_with_a_32_character_key(self):
        self.assertEqual(data_key_check(None), [])
