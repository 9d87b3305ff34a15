"""Fill the start and length of the provisional correction deadlines already set.

The start is the local date of the finding's ``finding.deadline`` audit row; the length is
the number of working days from it to the stored deadline, counted as it was computed
(the loaded schedule, and weekends only in a year without one). A finding without such a
row keeps its provisional deadline unchanged.
"""

import datetime as dt

from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import StateApps
from django.utils import timezone


def backfill(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    Finding = apps.get_model("inspections", "Finding")
    AuditEvent = apps.get_model("core", "AuditEvent")
    CalendarDay = apps.get_model("core", "CalendarDay")
    findings = list(
        Finding.objects.filter(
            status="deadline", correction_due_provisional=True, correction_due_from__isnull=True
        )
    )
    if not findings:
        return
    kinds = dict(CalendarDay.objects.values_list("date", "kind"))

    def working(day: dt.date) -> bool:
        kind = kinds.get(day)
        return kind == "workday" if kind else day.weekday() < 5

    for finding in findings:
        event = (
            AuditEvent.objects.filter(
                object_type="inspections.finding",
                object_id=str(finding.pk),
                action="finding.deadline",
            )
            .order_by("-at")
            .first()
        )
        if event is None:
            continue
        start = timezone.localdate(event.at)
        days, day = 0, start
        while day < finding.correction_due:
            day += dt.timedelta(days=1)
            days += working(day)
        finding.correction_due_from = start
        finding.correction_working_days = days
        finding.save(update_fields=["correction_due_from", "correction_working_days"])


class Migration(migrations.Migration):
    dependencies = [
        ("inspections", "0002_finding_correction_due_from"),
        ("core", "0001_initial"),
    ]

    operations = [migrations.RunPython(backfill, migrations.RunPython.noop)]
