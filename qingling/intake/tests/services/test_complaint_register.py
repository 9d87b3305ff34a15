import datetime as dt
from decimal import Decimal

import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from qingling.core.exceptions import InvalidInput
from qingling.core.models import AuditEvent
from qingling.intake.channels.base import ComplaintDraft
from qingling.intake.models import Channel, Complaint
from qingling.intake.services import complaint_register
from qingling.notify.models import OutboxMessage
from qingling.parties.demo import fake_id_number
from qingling.testing import BaseTestCase

SPRING_FESTIVAL_EVE_2021 = dt.datetime(2021, 2, 8, 9, 30, tzinfo=dt.UTC)


def draft(**overrides: object) -> ComplaintDraft:
    values: dict[str, object] = {
        "name": "王建国",
        "phone": "13843712345",
        "employer_name": "辽源市鑫盛建筑工程有限公司",
        "project_name": "福民小区",
        "amount": Decimal(120000),
        "headcount": 15,
        "narrative": "公司拖欠其与工友共15人工资约12万元。",
    }
    values.update(overrides)
    return ComplaintDraft(**values)  # type: ignore[arg-type]


class ComplaintRegisterTests(BaseTestCase):
    def test_stores_the_complaint_with_a_deadline_of_five_working_days(self) -> None:
        result = complaint_register(
            draft=draft(),
            channel=Channel.WALK_IN,
            actor=self.intake,
            received_at=dt.datetime(2026, 11, 27, 2, tzinfo=dt.UTC),
        )
        self.assertIs(result.created, True)
        complaint = Complaint.objects.get()
        self.assertEqual(complaint.acceptance_due, dt.date(2026, 12, 4))
        self.assertIs(complaint.acceptance_due_provisional, False)
        assert complaint.complainant is not None
        self.assertEqual(complaint.complainant.name, "王建国")
        self.assertEqual(complaint.status, "received")
        self.assertEqual(len(complaint.query_code), 8)

    def test_the_deadline_skips_spring_festival_2021_and_counts_the_working_saturday(
        self,
    ) -> None:
        result = complaint_register(
            draft=draft(),
            channel=Channel.WALK_IN,
            actor=self.intake,
            received_at=SPRING_FESTIVAL_EVE_2021,
        )
        self.assertEqual(result.complaint.acceptance_due, dt.date(2021, 2, 20))

    def test_a_deadline_reaching_into_a_year_without_schedule_is_provisional(self) -> None:
        result = complaint_register(
            draft=draft(),
            channel=Channel.WALK_IN,
            actor=self.intake,
            received_at=dt.datetime(2026, 12, 29, 2, tzinfo=dt.UTC),
        )
        self.assertIs(result.complaint.acceptance_due_provisional, True)

    def test_the_same_source_number_from_the_same_channel_returns_the_first(self) -> None:
        first = complaint_register(
            draft=draft(source_ref="GD2021-001"), channel=Channel.HOTLINE_12345, actor=None
        )
        again = complaint_register(
            draft=draft(source_ref="GD2021-001", name="别人"),
            channel=Channel.HOTLINE_12345,
            actor=None,
        )
        self.assertIs(again.created, False)
        self.assertEqual(again.complaint.pk, first.complaint.pk)
        self.assertEqual(Complaint.objects.count(), 1)

    def test_the_same_source_number_on_another_channel_is_another_complaint(self) -> None:
        complaint_register(draft=draft(source_ref="001"), channel=Channel.HOTLINE_12345, actor=None)
        complaint_register(
            draft=draft(source_ref="001"), channel=Channel.NATIONAL_PLATFORM, actor=None
        )
        self.assertEqual(Complaint.objects.count(), 2)

    def test_the_same_idempotency_key_returns_the_first(self) -> None:
        first = complaint_register(
            draft=draft(), channel=Channel.WEB, actor=None, idempotency_key="k-1"
        )
        again = complaint_register(
            draft=draft(), channel=Channel.WEB, actor=None, idempotency_key="k-1"
        )
        self.assertEqual(again.complaint.pk, first.complaint.pk)
        self.assertEqual(Complaint.objects.count(), 1)

    def test_the_source_number_wins_over_an_idempotency_key_naming_another(self) -> None:
        by_number = complaint_register(
            draft=draft(source_ref="GD-1"), channel=Channel.HOTLINE_12345, actor=None
        )
        complaint_register(
            draft=draft(source_ref="GD-2"),
            channel=Channel.HOTLINE_12345,
            actor=None,
            idempotency_key="k-2",
        )
        again = complaint_register(
            draft=draft(source_ref="GD-1"),
            channel=Channel.HOTLINE_12345,
            actor=None,
            idempotency_key="k-2",
        )
        self.assertIs(again.created, False)
        self.assertEqual(again.complaint.pk, by_number.complaint.pk)

    def test_the_duplicate_checks_use_the_unique_indexes(self) -> None:
        if connection.vendor != "sqlite":
            self.skipTest("reads SQLite's query plans")
        with CaptureQueriesContext(connection) as captured:
            complaint_register(
                draft=draft(source_ref="GD-1", id_number=fake_id_number(self.rng)),
                channel=Channel.HOTLINE_12345,
                actor=None,
                idempotency_key="k-1",
            )
        lookups = [
            query["sql"]
            for query in captured.captured_queries
            if query["sql"].startswith("SELECT")
            and any(
                column in query["sql"]
                for column in ('"source_ref" =', '"dedupe_key" =', '"id_number_digest" =')
            )
        ]
        # One query for both keys of the delivery; the SMS's dedupe key; the person's ID.
        self.assertEqual(len([sql for sql in lookups if '"source_ref" =' in sql]), 1)
        self.assertGreaterEqual(len(lookups), 3)
        with connection.cursor() as cursor:
            for sql in lookups:
                cursor.execute(f"EXPLAIN QUERY PLAN {sql}")
                plan = " ".join(str(row[-1]) for row in cursor.fetchall())
                self.assertNotIn("SCAN", plan, sql)

    def test_names_every_bad_field_and_stores_nothing(self) -> None:
        bad = draft(
            name="",
            phone="12345",
            id_number="220402199002301234",
            amount=Decimal(-5),
            headcount=0,
            employer_name="",
            narrative="",
            division_code="999999",
        )
        with self.assertRaises(InvalidInput) as raised:
            complaint_register(draft=bad, channel=Channel.WALK_IN, actor=self.intake)
        self.assertEqual(
            set(raised.exception.extra["fields"]),
            {"name", "phone", "id_number", "amount", "headcount", "employer_name", "division"},
        )
        self.assertFalse(Complaint.objects.exists())
        self.assertFalse(AuditEvent.objects.filter(action="complaint.register").exists())

    def test_a_bad_id_number_is_named(self) -> None:
        with self.assertRaises(InvalidInput) as raised:
            complaint_register(
                draft=draft(id_number="220402199001011230"),
                channel=Channel.WALK_IN,
                actor=self.intake,
            )
        self.assertIn("id_number", raised.exception.extra["fields"])

    def test_an_anonymous_report_keeps_no_complainant(self) -> None:
        result = complaint_register(
            draft=draft(kind="report", anonymous=True, name="", phone=""),
            channel=Channel.WEB,
            actor=None,
        )
        self.assertIsNone(result.complaint.complainant)
        self.assertEqual(result.complaint.contact_phone_digest, "")

    def test_a_complaint_cannot_be_anonymous(self) -> None:
        with self.assertRaises(InvalidInput) as raised:
            complaint_register(
                draft=draft(anonymous=True, name=""), channel=Channel.WEB, actor=None
            )
        self.assertIn("anonymous", raised.exception.extra["fields"])

    def test_the_same_worker_complaining_again_is_the_same_person(self) -> None:
        number = fake_id_number(self.rng)
        one = complaint_register(draft=draft(id_number=number), channel=Channel.WEB, actor=None)
        two = complaint_register(
            draft=draft(id_number=number, project_name="另一工地"), channel=Channel.WEB, actor=None
        )
        self.assertEqual(one.complaint.complainant_id, two.complaint.complainant_id)

    def test_queues_an_acknowledgement_by_sms_with_the_query_code(self) -> None:
        result = complaint_register(draft=draft(), channel=Channel.WEB, actor=None)
        message = OutboxMessage.objects.get()
        self.assertEqual(message.gateway, "sms")
        self.assertEqual(message.payload["query_code"], result.complaint.query_code)

    def test_audits_the_registration_without_personal_values(self) -> None:
        complaint_register(draft=draft(), channel=Channel.WALK_IN, actor=self.intake)
        event = AuditEvent.objects.get(action="complaint.register")
        self.assertEqual(event.actor, self.intake)
        self.assertNotIn("13843712345", str(event.after))

    def test_keeps_suggestions_read_from_the_narrative(self) -> None:
        result = complaint_register(draft=draft(), channel=Channel.WALK_IN, actor=self.intake)
        self.assertEqual(result.complaint.suggestions.get("headcount"), 15)

    def test_the_phone_is_not_stored_in_clear(self) -> None:
        complaint_register(draft=draft(), channel=Channel.WALK_IN, actor=self.intake)
        with connection.cursor() as cursor:
            cursor.execute("SELECT * FROM intake_complaint")
            rows = cursor.fetchall()
        self.assertNotIn("13843712345", str(rows))

    @time_machine.travel(dt.datetime(2026, 11, 27, 2, tzinfo=dt.UTC), tick=False)
    def test_received_at_defaults_to_now(self) -> None:
        result = complaint_register(draft=draft(), channel=Channel.WALK_IN, actor=self.intake)
        self.assertEqual(result.complaint.received_at, dt.datetime(2026, 11, 27, 2, tzinfo=dt.UTC))


class ComplaintIdentityTests(BaseTestCase):
    def test_an_id_number_on_file_under_another_name_links_nobody(self) -> None:
        number = fake_id_number(self.rng)
        complaint_register(
            draft=draft(name="刘备", id_number=number), channel=Channel.WEB, actor=None
        )
        result = complaint_register(
            draft=draft(name="赵云", id_number=number, phone="13912345678"),
            channel=Channel.WEB,
            actor=None,
        )
        self.assertIsNone(result.complaint.complainant)
        self.assertIs(result.complaint.suggestions["identity_conflict"], True)
        self.assertEqual(result.complaint.contact_name, "赵云")

    def test_phones_read_from_the_text_are_kept_masked(self) -> None:
        result = complaint_register(
            draft=draft(narrative="联系电话13804371234，欠薪3万元"),
            channel=Channel.WALK_IN,
            actor=self.intake,
        )
        self.assertEqual(result.complaint.suggestions["phones"], ["138******34"])
