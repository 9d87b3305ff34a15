"""Narrow the stored masks to the new shapes (core.personal_data: 22**************3X and
138******78). The new masks keep only characters the old ones showed, so they are cut
from the old masks: no key is needed and no number is unsealed."""

from django.db import migrations


def narrow_id_number(masked: str) -> str:
    if len(masked) <= 10:
        return "*" * len(masked)
    return masked[:2] + "*" * (len(masked) - 4) + masked[-2:]


def narrow_phone(masked: str) -> str:
    if len(masked) <= 7:
        return "*" * len(masked)
    return masked[:3] + "*" * (len(masked) - 5) + masked[-2:]


def narrow_masks(apps, schema_editor):
    Person = apps.get_model("parties", "Person")
    people = Person.objects.only("id", "id_number_masked", "phone_masked").order_by("id")
    batch = []
    for person in people.iterator(chunk_size=2000):
        id_number, phone = person.id_number_masked, person.phone_masked
        person.id_number_masked = narrow_id_number(id_number) if id_number else ""
        person.phone_masked = narrow_phone(phone) if phone else ""
        if (person.id_number_masked, person.phone_masked) != (id_number, phone):
            batch.append(person)
        if len(batch) >= 2000:
            Person.objects.bulk_update(batch, ["id_number_masked", "phone_masked"])
            batch = []
    Person.objects.bulk_update(batch, ["id_number_masked", "phone_masked"])


class Migration(migrations.Migration):
    dependencies = [
        ("parties", "0004_roster_entry"),
    ]

    operations = [
        migrations.RunPython(narrow_masks, migrations.RunPython.noop, elidable=True),
    ]
