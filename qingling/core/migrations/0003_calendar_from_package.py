"""Fill the working-day calendar from the chinesecalendar package (2004 onwards).

Later releases of the package are picked up by `qingling workdays sync` and by the
worker; years an administrator imported are never overwritten.
"""

from django.db import migrations

from qingling.core.calendars import package_schedule


def load(apps, schema_editor):
    CalendarYear = apps.get_model("core", "CalendarYear")
    CalendarDay = apps.get_model("core", "CalendarDay")
    present = set(CalendarYear.objects.values_list("year", flat=True))
    for year, entries in package_schedule().items():
        if year in present:
            continue
        calendar_year = CalendarYear.objects.create(year=year, source="chinesecalendar")
        CalendarDay.objects.bulk_create(
            CalendarDay(date=e.date, kind=e.kind, note=e.note[:100], year=calendar_year)
            for e in entries
        )


def unload(apps, schema_editor):
    apps.get_model("core", "CalendarYear").objects.filter(source="chinesecalendar").delete()


class Migration(migrations.Migration):
    dependencies = [("core", "0002_liaoyuan_divisions")]
    operations = [migrations.RunPython(load, unload)]
