"""Fill Organization.name_key for the organizations registered before the field existed."""

from django.db import migrations


def fill_name_key(apps, schema_editor):
    from qingling.parties.matching import block_key

    Organization = apps.get_model("parties", "Organization")
    batch = []
    for organization in Organization.objects.only("id", "name").iterator(chunk_size=2000):
        organization.name_key = block_key(organization.name)
        batch.append(organization)
        if len(batch) >= 2000:
            Organization.objects.bulk_update(batch, ["name_key"])
            batch = []
    Organization.objects.bulk_update(batch, ["name_key"])


class Migration(migrations.Migration):
    dependencies = [
        ("parties", "0002_organization_name_key"),
    ]

    operations = [
        migrations.RunPython(fill_name_key, migrations.RunPython.noop, elidable=True),
    ]
