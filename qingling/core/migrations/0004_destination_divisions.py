"""Load every province and prefecture-level division (``core/divisions.txt``): the
destinations workers name and the places of job postings outside the city."""

from pathlib import Path

from django.db import migrations

FILE = Path(__file__).resolve().parent.parent / "divisions.txt"


def rows():
    for line in FILE.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            code, name = line.split("\t")
            yield code, name


def load(apps, schema_editor):
    Division = apps.get_model("core", "Division")
    known = set(Division.objects.values_list("code", flat=True))
    Division.objects.bulk_create(
        Division(
            code=code,
            name=name,
            level="province" if code.endswith("0000") else "city",
            parent_id=None if code.endswith("0000") else code[:2] + "0000",
        )
        for code, name in sorted(rows())  # provinces sort before their cities
        if code not in known
    )


def unload(apps, schema_editor):
    Division = apps.get_model("core", "Division")
    added = [code for code, _ in rows() if code not in {"220000", "220400"}]  # 0002's stay
    Division.objects.filter(code__in=added, level="city").delete()
    Division.objects.filter(code__in=added, level="province").delete()


class Migration(migrations.Migration):
    dependencies = [("core", "0003_calendar_from_package")]
    operations = [migrations.RunPython(load, unload)]
