"""Fill ``acceptance_due_from`` for the complaints whose deadline is provisional.

Their start is certain only when the complaint never went back to triage (no
``complaint.received`` audit row: material arrived, or a join was undone); those get the
local date of receipt. The others stay empty and keep their provisional deadline.
"""

from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import StateApps
from django.utils import timezone


def backfill(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    Complaint = apps.get_model("intake", "Complaint")
    AuditEvent = apps.get_model("core", "AuditEvent")
    returned = set(
        AuditEvent.objects.filter(
            object_type="intake.complaint", action="complaint.received"
        ).values_list("object_id", flat=True)
    )
    for complaint in Complaint.objects.filter(
        acceptance_due_provisional=True, acceptance_due_from__isnull=True
    ):
        if str(complaint.pk) not in returned:
            complaint.acceptance_due_from = timezone.localdate(complaint.received_at)
            complaint.save(update_fields=["acceptance_due_from"])


class Migration(migrations.Migration):
    dependencies = [
        ("intake", "0003_complaint_acceptance_due_from"),
        ("core", "0001_initial"),
    ]

    operations = [migrations.RunPython(backfill, migrations.RunPython.noop)]
