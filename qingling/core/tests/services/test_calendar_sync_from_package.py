from qingling.core.models import AuditEvent, CalendarDay, CalendarYear
from qingling.core.services import calendar_sync_from_package, calendar_year_import
from qingling.testing import BaseTestCase


class CalendarSyncFromPackageTests(BaseTestCase):
    def test_loads_nothing_when_the_migration_loaded_every_year(self):
        self.assertEqual(calendar_sync_from_package(actor=None), [])
        self.assertEqual(
            set(CalendarYear.objects.values_list("year", flat=True)), set(range(2004, 2027))
        )

    def test_loads_a_missing_year(self):
        days = CalendarDay.objects.filter(year_id=2021).count()
        CalendarYear.objects.filter(year=2021).delete()
        self.assertEqual(calendar_sync_from_package(actor=self.admin), [2021])
        self.assertEqual(CalendarDay.objects.filter(year_id=2021).count(), days)
        self.assertEqual(CalendarYear.objects.get(year=2021).source, "chinesecalendar")
        event = AuditEvent.objects.get(action="calendar_year.load", object_id="2021")
        self.assertEqual(event.actor, self.admin)

    def test_is_idempotent(self):
        CalendarYear.objects.filter(year__in=[2020, 2021]).delete()
        self.assertEqual(calendar_sync_from_package(actor=None), [2020, 2021])
        days = CalendarDay.objects.count()
        self.assertEqual(calendar_sync_from_package(actor=None), [])
        self.assertEqual(CalendarDay.objects.count(), days)
        self.assertEqual(AuditEvent.objects.filter(action="calendar_year.load").count(), 2)

    def test_never_overwrites_an_imported_year(self):
        calendar_year_import(
            year=2021, text="holiday 2021-01-01 元旦", source="administrator", actor=self.admin
        )
        self.assertEqual(calendar_sync_from_package(actor=None), [])
        year = CalendarYear.objects.get(year=2021)
        self.assertEqual(year.source, "administrator")
        self.assertEqual(year.days.count(), 1)

    def test_never_overwrites_a_year_the_package_lacks(self):
        calendar_year_import(year=2027, text="holiday 2027-01-01", source="admin", actor=None)
        calendar_sync_from_package(actor=None)
        self.assertEqual(CalendarYear.objects.get(year=2027).days.count(), 1)
