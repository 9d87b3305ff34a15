"""Load the occupational classification groups from ``employment/occupations.txt``."""

from pathlib import Path

from django.db import migrations

FILE = Path(__file__).resolve().parent.parent / "occupations.txt"


def load(apps, schema_editor):
    Occupation = apps.get_model("employment", "Occupation")
    for line in FILE.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            code, name = line.split("\t")
            parent = code.split("-")[0] if "-" in code else None
            Occupation.objects.update_or_create(
                code=code, defaults={"name": name, "parent_id": parent}
            )


class Migration(migrations.Migration):
    dependencies = [("employment", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
