import datetime as dt

import time_machine

from qingling.core.exceptions import Conflict, InvalidInput
from qingling.core.models import AuditEvent
from qingling.intake.channels.base import ComplaintDraft
from qingling.intake.models import Channel, Complaint, SourceSystem
from qingling.intake.services import (
    complaint_accept,
    complaint_decline,
    complaint_escalate_overdue,
    complaint_join,
    complaint_material_received,
    complaint_refer,
    complaint_reply_record,
    complaint_request_material,
    complaint_unjoin,
    source_system_create,
)
from qingling.notify.models import OutboxMessage
from qingling.testing import BaseTestCase

RECEIVED = dt.datetime(2021, 1, 4, 2, tzinfo=dt.UTC)  # a Monday


def register(**overrides: object) -> Complaint:
    from qingling.intake.services import complaint_register

    values: dict[str, object] = {
        "name": "李四",
        "phone": "13912345678",
        "employer_name": "辽源市鑫盛建筑工程有限公司",
    }
    values.update(overrides)
    channel = str(values.pop("channel", Channel.WALK_IN))
    system = values.pop("source_system", None)
    assert system is None or isinstance(system, SourceSystem)
    return complaint_register(
        draft=ComplaintDraft(**values),  # type: ignore[arg-type]
        channel=channel,
        actor=None,
        received_at=RECEIVED,
        source_system=system,
    ).complaint


class TriageTests(BaseTestCase):
    def test_accepting_records_who_and_when_and_tells_the_complainant(self) -> None:
        complaint = register()
        complaint_accept(complaint=complaint, actor=self.intake)
        complaint.refresh_from_db()
        self.assertEqual(complaint.status, "accepted")
        self.assertEqual(complaint.decided_by, self.intake)
        self.assertIsNotNone(complaint.decided_at)
        self.assertEqual(AuditEvent.objects.filter(action="complaint.accepted").count(), 1)
        self.assertTrue(
            OutboxMessage.objects.filter(payload__template="complaint_accepted").exists()
        )

    def test_a_decided_complaint_cannot_be_decided_again(self) -> None:
        complaint = register()
        complaint_accept(complaint=complaint, actor=self.intake)
        with self.assertRaises(Conflict):
            complaint_decline(complaint=complaint, reason="too_old", actor=self.intake)

    def test_a_stale_copy_loses_to_the_decision_made_first(self) -> None:
        complaint = register()
        stale = Complaint.objects.get(pk=complaint.pk)
        complaint_accept(complaint=complaint, actor=self.intake)
        with self.assertRaises(Conflict) as raised:
            complaint_refer(complaint=stale, referred_to="辽源市仲裁委", actor=self.chief)
        self.assertEqual(raised.exception.code, "complaint_conflict")
        self.assertEqual(Complaint.objects.get(pk=complaint.pk).status, "accepted")

    def test_declining_needs_a_lawful_reason(self) -> None:
        complaint = register()
        with self.assertRaises(InvalidInput):
            complaint_decline(complaint=complaint, reason="dislike", actor=self.intake)
        with self.assertRaises(InvalidInput):
            complaint_decline(complaint=complaint, reason="other", note=" ", actor=self.intake)
        complaint_decline(complaint=complaint, reason="too_old", actor=self.intake)
        self.assertEqual(Complaint.objects.get().decision_reason, "too_old")

    def test_referring_says_who_is_competent(self) -> None:
        complaint = register()
        with self.assertRaises(InvalidInput):
            complaint_refer(complaint=complaint, referred_to="", actor=self.intake)
        complaint_refer(complaint=complaint, referred_to="长春市人社局", actor=self.intake)
        self.assertEqual(Complaint.objects.get().referred_to, "长春市人社局")

    def test_more_material_then_received_restarts_the_deadline(self) -> None:
        complaint = register(employer_name="", narrative="老板跑了，不知道公司叫什么")
        complaint_request_material(
            complaint=complaint, note="请提供用人单位名称", actor=self.intake
        )
        with time_machine.travel(dt.datetime(2021, 2, 8, 2, tzinfo=dt.UTC), tick=False):
            complaint_material_received(complaint=complaint, actor=self.intake)
        complaint.refresh_from_db()
        self.assertEqual(complaint.status, "received")
        self.assertEqual(complaint.acceptance_due, dt.date(2021, 2, 20))

    def test_joining_is_recorded_and_reversible(self) -> None:
        first, second = register(), register(name="张三", phone="13712345678")
        complaint_join(complaint=second, matter=first, actor=self.intake)
        second.refresh_from_db()
        self.assertEqual((second.status, second.joined_to), ("joined", first))
        complaint_unjoin(complaint=second, reason="不是同一项目", actor=self.chief)
        second.refresh_from_db()
        self.assertEqual((second.status, second.joined_to), ("received", None))
        self.assertEqual(
            list(
                AuditEvent.objects.filter(object_id=str(second.pk), action__startswith="complaint.")
                .order_by("at")
                .values_list("action", flat=True)
            ),
            ["complaint.register", "complaint.joined", "complaint.received"],
        )

    def test_joining_a_joined_complaint_goes_to_its_root(self) -> None:
        root, middle, leaf = (
            register(),
            register(phone="13712345678"),
            register(phone="13612345678"),
        )
        complaint_join(complaint=middle, matter=root, actor=self.intake)
        middle.refresh_from_db()
        complaint_join(complaint=leaf, matter=middle, actor=self.intake)
        leaf.refresh_from_db()
        self.assertEqual(leaf.joined_to, root)

    def test_a_complaint_cannot_join_itself(self) -> None:
        complaint = register()
        with self.assertRaises(InvalidInput):
            complaint_join(complaint=complaint, matter=complaint, actor=self.intake)


class EscalationTests(BaseTestCase):
    def test_escalates_each_overdue_complaint_once(self) -> None:
        overdue = register()  # due 2021-01-11
        self.assertEqual(overdue.acceptance_due, dt.date(2021, 1, 11))
        decided = register(phone="13712345678")
        complaint_accept(complaint=decided, actor=self.intake)
        self.assertEqual(complaint_escalate_overdue(today=dt.date(2021, 1, 11)), [])
        self.assertEqual(
            [c.pk for c in complaint_escalate_overdue(today=dt.date(2021, 1, 12))], [overdue.pk]
        )
        self.assertEqual(complaint_escalate_overdue(today=dt.date(2021, 1, 13)), [])
        self.assertEqual(AuditEvent.objects.filter(action="complaint.escalate").count(), 1)


class ReplyTests(BaseTestCase):
    def test_a_reply_to_a_work_order_goes_back_to_its_system_through_the_outbox(self) -> None:
        system, _key = source_system_create(
            name="12345热线",
            channel=Channel.HOTLINE_12345,
            reply_url="http://127.0.0.1:9/reply",
            actor=None,
        )
        complaint = register(channel=Channel.HOTLINE_12345, source_system=system, source_ref="GD-7")
        complaint_reply_record(complaint=complaint, text="已受理，正在调查。", actor=self.intake)
        complaint.refresh_from_db()
        self.assertIsNotNone(complaint.replied_at)
        message = OutboxMessage.objects.get(gateway="webhook")
        self.assertEqual(message.destination, "http://127.0.0.1:9/reply")
        self.assertEqual(message.payload["source_ref"], "GD-7")

    def test_an_empty_reply_is_refused(self) -> None:
        complaint = register()
        with self.assertRaises(InvalidInput):
            complaint_reply_record(complaint=complaint, text=" ", actor=self.intake)


class ReviewFixTests(BaseTestCase):
    def test_waiting_for_material_is_not_escalated(self) -> None:
        complaint = register()
        complaint_request_material(complaint=complaint, note="请提供单位名称", actor=self.intake)
        self.assertEqual(complaint_escalate_overdue(today=dt.date(2021, 2, 1)), [])

    def test_cannot_join_a_declined_complaint(self) -> None:
        declined, other = register(), register(phone="13712345678")
        complaint_decline(complaint=declined, reason="too_old", actor=self.intake)
        with self.assertRaises(InvalidInput):
            complaint_join(complaint=other, matter=declined, actor=self.intake)

    def test_complaints_joined_to_one_move_with_it(self) -> None:
        root, middle, leaf = (
            register(),
            register(phone="13712345678"),
            register(phone="13612345678"),
        )
        complaint_join(complaint=leaf, matter=middle, actor=self.intake)
        middle.refresh_from_db()
        complaint_join(complaint=middle, matter=root, actor=self.intake)
        leaf.refresh_from_db()
        self.assertEqual(leaf.joined_to, root)

    def test_material_received_clears_the_decision(self) -> None:
        complaint = register()
        complaint_request_material(complaint=complaint, note="请提供单位名称", actor=self.intake)
        complaint_material_received(complaint=complaint, actor=self.intake)
        complaint.refresh_from_db()
        self.assertIsNone(complaint.decided_at)
        self.assertIsNone(complaint.decided_by)

    def test_notices_go_to_the_number_given_with_the_complaint(self) -> None:
        complaint = register(phone="13912345678")
        complaint_decline(complaint=complaint, reason="too_old", actor=self.intake)
        message = OutboxMessage.objects.get(payload__template="complaint_not_accepted")
        self.assertEqual(message.destination, "139******78")
