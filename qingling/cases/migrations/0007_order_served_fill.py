"""Orders issued before service was recorded ran from their issue: they count as served
that day, so an order already watched stays watched (deadlines.order_overdue)."""

from django.db import migrations
from django.db.models import F


def fill(apps, schema_editor):
    Case = apps.get_model("cases", "Case")
    Case.objects.filter(order_due__isnull=False, order_served_on__isnull=True).update(
        order_served_on=F("order_issued_on")
    )


class Migration(migrations.Migration):
    dependencies = [("cases", "0006_service_and_voiding")]
    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]
