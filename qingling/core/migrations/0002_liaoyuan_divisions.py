"""Load the divisions of the bureau's jurisdiction: 吉林省 › 辽源市 and its four counties."""

from django.db import migrations

DIVISIONS = [
    ("220000", "吉林省", "province", None),
    ("220400", "辽源市", "city", "220000"),
    ("220402", "龙山区", "county", "220400"),
    ("220403", "西安区", "county", "220400"),
    ("220421", "东丰县", "county", "220400"),
    ("220422", "东辽县", "county", "220400"),
]


def load(apps, schema_editor):
    Division = apps.get_model("core", "Division")
    for code, name, level, parent in DIVISIONS:
        Division.objects.update_or_create(
            code=code, defaults={"name": name, "level": level, "parent_id": parent}
        )


def unload(apps, schema_editor):
    apps.get_model("core", "Division").objects.filter(
        code__in=[code for code, *_ in DIVISIONS]
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("core", "0001_initial")]
    operations = [migrations.RunPython(load, unload)]
