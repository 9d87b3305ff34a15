"""Recompute Organization.name_key: the trade name now sheds more industry words
(地产, 建工, 钢构 …) and a subsidiary's ordinal (第三工程, 一建), so stored keys may differ."""

from django.db import migrations


def refresh_name_key(apps, schema_editor):
    from qingling.parties.matching import block_key

    Organization = apps.get_model("parties", "Organization")
    batch = []
    rows = Organization.objects.only("id", "name", "name_key").iterator(chunk_size=2000)
    for organization in rows:
        key = block_key(organization.name)
        if key != organization.name_key:
            organization.name_key = key
            batch.append(organization)
        if len(batch) >= 2000:
            Organization.objects.bulk_update(batch, ["name_key"])
            batch = []
    Organization.objects.bulk_update(batch, ["name_key"])


class Migration(migrations.Migration):
    dependencies = [
        ("parties", "0005_person_masks_narrower"),
    ]

    operations = [
        migrations.RunPython(refresh_name_key, migrations.RunPython.noop, elidable=True),
    ]
