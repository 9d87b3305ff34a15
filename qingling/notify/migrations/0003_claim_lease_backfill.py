import datetime as dt

from django.db import migrations
from django.db.models import F
from django.db.models.functions import Coalesce


def backfill(apps, schema_editor):
    """A message left "sending" by a worker of the old code gets the lease it would have
    had (10 minutes from its claim), so that the new sweep retries it."""
    OutboxMessage = apps.get_model("notify", "OutboxMessage")
    OutboxMessage.objects.filter(status="sending", claimed_until__isnull=True).update(
        claimed_until=Coalesce(F("claimed_at"), F("updated_at")) + dt.timedelta(minutes=10)
    )


class Migration(migrations.Migration):
    dependencies = [("notify", "0002_claim_lease")]

    operations = [migrations.RunPython(backfill, migrations.RunPython.noop)]
