"""Fill the stored totals of the cases opened before the fields existed.

One UPDATE with the expressions the services use (``qingling.cases.amounts``).
"""

from django.db import migrations


def fill_case_totals(apps, schema_editor):
    from qingling.cases.amounts import case_totals

    Case = apps.get_model("cases", "Case")
    Claim = apps.get_model("cases", "Claim")
    Case.objects.update(**case_totals(Claim.objects.all()))


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0003_case_totals_ledger_indexes"),
    ]

    operations = [
        migrations.RunPython(fill_case_totals, migrations.RunPython.noop, elidable=True),
    ]
