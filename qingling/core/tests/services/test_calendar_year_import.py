import datetime as dt
from unittest import mock

from django.utils import translation

from qingling.core.exceptions import InvalidInput
from qingling.core.models import AuditEvent, CalendarDay, CalendarYear
from qingling.core.selectors import workdays_add
from qingling.core.services import calendar_year_import
from qingling.testing import BaseTestCase

SCHEDULE_2027 = """\
holiday 2027-01-01 元旦
holiday 2027-02-05..2027-02-11 春节
workday 2027-02-14 春节调休
"""

REPLACEMENT_2026 = """\
holiday 2026-01-01..2026-01-03 元旦
workday 2026-01-04 元旦调休
"""


class CalendarYearImportTests(BaseTestCase):
    def test_loads_a_new_year(self):
        year = calendar_year_import(
            year=2027, text=SCHEDULE_2027, source="国办发明电〔2026〕1号", actor=self.admin
        )
        self.assertEqual(year.year, 2027)
        self.assertEqual(year.source, "国办发明电〔2026〕1号")
        self.assertEqual(year.days.count(), 9)
        self.assertEqual(
            CalendarDay.objects.get(date=dt.date(2027, 2, 14)).kind, CalendarDay.Kind.WORKDAY
        )

    def test_loaded_year_makes_deadlines_in_it_final(self):
        self.assertIs(workdays_add(start=dt.date(2027, 2, 4), days=2).provisional, True)
        calendar_year_import(year=2027, text=SCHEDULE_2027, source="", actor=None)
        # 2027-02-05..11 holidays, Friday 12th works, Sunday 14th is a swapped working day.
        result = workdays_add(start=dt.date(2027, 2, 4), days=2)
        self.assertEqual(result.date, dt.date(2027, 2, 14))
        self.assertIs(result.provisional, False)

    def test_replaces_an_existing_year_wholly(self):
        calendar_year_import(year=2026, text=REPLACEMENT_2026, source="corrected", actor=None)
        days = CalendarDay.objects.filter(year_id=2026)
        self.assertEqual(
            sorted(days.values_list("date", flat=True)),
            [dt.date(2026, 1, d) for d in (1, 2, 3, 4)],
        )
        self.assertEqual(CalendarYear.objects.get(year=2026).source, "corrected")

    def test_leaves_other_years_alone(self):
        before = CalendarDay.objects.exclude(year_id=2026).count()
        calendar_year_import(year=2026, text=REPLACEMENT_2026, source="corrected", actor=None)
        self.assertEqual(CalendarDay.objects.exclude(year_id=2026).count(), before)

    def test_writes_an_audit_event(self):
        previous_days = CalendarDay.objects.filter(year_id=2026).count()
        year = calendar_year_import(
            year=2026, text=REPLACEMENT_2026, source="corrected", actor=self.admin
        )
        event = AuditEvent.objects.get(action="calendar_year.load", object_id="2026")
        self.assertEqual(event.actor, self.admin)
        self.assertEqual(event.object_type, "core.calendaryear")
        self.assertEqual(event.object_label, str(year))
        self.assertEqual(event.before, {"source": "chinesecalendar", "days": previous_days})
        self.assertEqual(event.after, {"source": "corrected", "days": 4, "deadlines_recomputed": 0})

    def test_audit_event_of_a_new_year_has_no_before(self):
        calendar_year_import(year=2027, text=SCHEDULE_2027, source="", actor=None)
        event = AuditEvent.objects.get(action="calendar_year.load", object_id="2027")
        self.assertIsNone(event.before)
        self.assertIsNone(event.actor)

    def test_empty_source_gets_a_default(self):
        with translation.override("en"):
            year = calendar_year_import(year=2027, text=SCHEDULE_2027, source="", actor=None)
        self.assertEqual(year.source, "imported file")

    def test_bad_file_is_refused_with_the_line_number(self):
        text = "holiday 2027-01-01\nholiday 2027-01-02\nworkday 2027-02-15 not a weekend\n"
        with (
            translation.override("en"),
            self.assertRaisesMessage(InvalidInput, "Line 3 of the schedule file is wrong:") as ctx,
        ):
            calendar_year_import(year=2027, text=text, source="", actor=None)
        self.assertEqual(ctx.exception.code, "invalid")
        self.assertEqual(ctx.exception.extra["line"], 3)
        self.assertIn("line 3:", ctx.exception.extra["fields"]["file"][0])

    def test_bad_file_leaves_the_previous_data_in_place(self):
        days = list(CalendarDay.objects.filter(year_id=2026).values_list("date", "kind"))
        with self.assertRaises(InvalidInput):
            calendar_year_import(
                year=2026, text="holiday 2026-01-01\nrubbish\n", source="x", actor=self.admin
            )
        self.assertEqual(
            list(CalendarDay.objects.filter(year_id=2026).values_list("date", "kind")), days
        )
        self.assertEqual(CalendarYear.objects.get(year=2026).source, "chinesecalendar")
        self.assertIs(AuditEvent.objects.filter(action="calendar_year.load").exists(), False)

    def test_failure_after_the_delete_rolls_the_year_back(self):
        days = CalendarDay.objects.filter(year_id=2026).count()
        with (
            mock.patch(
                "qingling.core.services.audit_event_record", side_effect=RuntimeError("boom")
            ),
            self.assertRaisesMessage(RuntimeError, "boom"),
        ):
            calendar_year_import(year=2026, text=REPLACEMENT_2026, source="x", actor=None)
        self.assertEqual(CalendarDay.objects.filter(year_id=2026).count(), days)
        self.assertEqual(CalendarYear.objects.get(year=2026).source, "chinesecalendar")

    def test_file_for_another_year_is_refused(self):
        with self.assertRaises(InvalidInput) as ctx:
            calendar_year_import(year=2027, text=REPLACEMENT_2026, source="", actor=None)
        self.assertEqual(ctx.exception.extra["line"], 1)
        self.assertIs(CalendarYear.objects.filter(year=2027).exists(), False)

    def test_year_out_of_range_is_refused(self):
        with (
            translation.override("en"),
            self.assertRaisesMessage(
                InvalidInput, "The year must be between 2000 and 2100."
            ) as ctx,
        ):
            calendar_year_import(year=1999, text="holiday 1999-01-01", source="", actor=None)
        self.assertIn("year", ctx.exception.extra["fields"])


CALLS: list[object] = []


def recompute_spy(*, actor: object) -> list[str]:
    CALLS.append(actor)
    return ["moved"]


class CalendarDeadlinesRecomputeTests(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        CALLS.clear()

    def test_loading_a_year_asks_every_configured_service_and_records_how_many_moved(self):
        spy = f"{__name__}.recompute_spy"
        with self.settings(QINGLING_DEADLINE_RECOMPUTE=[spy, spy]):
            calendar_year_import(year=2027, text=SCHEDULE_2027, source="", actor=self.admin)
        self.assertEqual(CALLS, [self.admin, self.admin])
        event = AuditEvent.objects.get(action="calendar_year.load", object_id="2027")
        self.assertEqual((event.after or {}).get("deadlines_recomputed"), 2)
