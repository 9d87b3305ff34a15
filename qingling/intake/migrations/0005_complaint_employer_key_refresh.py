"""Recompute Complaint.employer_key with parties.matching's new trade-name rules
(more industry words, a subsidiary's ordinal), so stored keys stay comparable."""

from django.db import migrations


def refresh_employer_key(apps, schema_editor):
    from qingling.parties.matching import block_key

    Complaint = apps.get_model("intake", "Complaint")
    batch = []
    rows = (
        Complaint.objects.exclude(employer_name="")
        .only("id", "employer_name", "employer_key")
        .iterator(chunk_size=2000)
    )
    for complaint in rows:
        key = block_key(complaint.employer_name)
        if key != complaint.employer_key:
            complaint.employer_key = key
            batch.append(complaint)
        if len(batch) >= 2000:
            Complaint.objects.bulk_update(batch, ["employer_key"])
            batch = []
    Complaint.objects.bulk_update(batch, ["employer_key"])


class Migration(migrations.Migration):
    dependencies = [
        ("intake", "0004_backfill_acceptance_due_from"),
    ]

    operations = [
        migrations.RunPython(refresh_employer_key, migrations.RunPython.noop, elidable=True),
    ]
