import datetime as dt
import decimal
import uuid

from django.contrib.auth.models import AnonymousUser

from qingling.core.models import AuditEvent, CalendarYear, Division
from qingling.core.services import audit_event_record, audit_snapshot
from qingling.testing import BaseTestCase


class AuditEventRecordTests(BaseTestCase):
    def test_records_the_actor_action_object_and_change(self):
        event = audit_event_record(
            actor=self.chief,
            action="division.rename",
            obj=self.longshan,
            before={"name": "龙山"},
            after={"name": "龙山区"},
            reason="typo",
        )
        event.refresh_from_db()
        self.assertEqual(event.actor, self.chief)
        self.assertEqual(event.action, "division.rename")
        self.assertEqual(event.object_type, "core.division")
        self.assertEqual(event.object_id, "220402")
        self.assertEqual(event.object_label, "龙山区")
        self.assertEqual(event.before, {"name": "龙山"})
        self.assertEqual(event.after, {"name": "龙山区"})
        self.assertEqual(event.reason, "typo")

    def test_system_actor_is_recorded_as_nobody(self):
        event = audit_event_record(actor=None, action="x.y", obj=self.city)
        self.assertIsNone(event.actor_id)

    def test_anonymous_actor_is_recorded_as_nobody(self):
        event = audit_event_record(actor=AnonymousUser(), action="x.y", obj=self.city)
        self.assertIsNone(event.actor_id)

    def test_long_label_and_reason_are_cut(self):
        obj = Division(code="999999", name="名" * 300, level=Division.Level.COUNTY)
        event = audit_event_record(actor=None, action="x.y", obj=obj, reason="r" * 600)
        event.refresh_from_db()
        self.assertEqual(len(event.object_label), 200)
        self.assertEqual(len(event.reason), 500)

    def test_appends_one_row_per_call(self):
        for _ in range(2):
            audit_event_record(actor=None, action="calendar_year.view", obj=CalendarYear(year=2026))
        self.assertEqual(AuditEvent.objects.filter(action="calendar_year.view").count(), 2)


class AuditSnapshotTests(BaseTestCase):
    def test_converts_values_to_json(self):
        key = uuid.uuid4()
        obj = AuditEvent(
            id=key,
            at=dt.datetime(2026, 11, 27, 10, 0, tzinfo=dt.UTC),
            actor=self.admin,
            action="x.y",
        )
        snapshot = audit_snapshot(obj, ["id", "at", "actor", "action"])
        self.assertEqual(
            snapshot,
            {
                "id": str(key),
                "at": "2026-11-27T10:00:00+00:00",
                "actor": str(self.admin.pk),
                "action": "x.y",
            },
        )

    def test_converts_dates_and_decimals(self):
        class Holder:
            day = dt.date(2026, 10, 1)
            amount = decimal.Decimal("12345.67")

        snapshot = audit_snapshot(Holder(), ["day", "amount"])  # type: ignore[arg-type]
        self.assertEqual(snapshot, {"day": "2026-10-01", "amount": "12345.67"})
