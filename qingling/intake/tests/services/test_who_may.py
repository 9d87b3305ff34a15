"""Every intake service checks its actor itself, whatever page or channel calls it."""

import datetime as dt
from collections.abc import Callable
from typing import Any

import time_machine
from django.test import override_settings

from qingling.accounts.models import Role, User
from qingling.accounts.services import staff_create
from qingling.core.exceptions import Forbidden, NotFound
from qingling.intake.channels.base import ComplaintDraft
from qingling.intake.channels.files import ImportRow
from qingling.intake.lifecycle import ComplaintStatus
from qingling.intake.models import Channel, Complaint
from qingling.intake.services import (
    complaint_accept,
    complaint_decline,
    complaint_details_update,
    complaint_evidence_add,
    complaint_import,
    complaint_join,
    complaint_material_received,
    complaint_refer,
    complaint_register,
    complaint_reply_record,
    complaint_request_material,
    complaint_unjoin,
    source_system_create,
)
from qingling.testing import PASSWORD, BaseTestCase

RECEIVED = dt.datetime(2021, 1, 4, 2, tzinfo=dt.UTC)  # a Monday
Decide = Callable[[Complaint, User | None], object]
# Every decision on a complaint, as the triage page would take it.
DECISIONS: dict[str, Decide] = {
    "accept": lambda c, actor: complaint_accept(complaint=c, actor=actor),
    "material": lambda c, actor: complaint_request_material(
        complaint=c, note="请补充", actor=actor
    ),
    "received": lambda c, actor: complaint_material_received(complaint=c, actor=actor),
    "refer": lambda c, actor: complaint_refer(complaint=c, referred_to="仲裁院", actor=actor),
    "decline": lambda c, actor: complaint_decline(complaint=c, reason="too_old", actor=actor),
    "unjoin": lambda c, actor: complaint_unjoin(complaint=c, reason="不是同一项目", actor=actor),
    "reply": lambda c, actor: complaint_reply_record(complaint=c, text="已答复", actor=actor),
    "details": lambda c, actor: complaint_details_update(complaint=c, period="3月", actor=actor),
    "evidence": lambda c, actor: complaint_evidence_add(complaint=c, uploads=[], actor=actor),
}


def draft(division_code: str = "220402", **values: Any) -> ComplaintDraft:
    fields: dict[str, Any] = {
        "name": "李四",
        "phone": "13912345678",
        "employer_name": "辽源市鑫盛建筑工程有限公司",
        "division_code": division_code,
    }
    return ComplaintDraft(**{**fields, **values})


@time_machine.travel(RECEIVED, tick=False)
@override_settings(LANGUAGE_CODE="en")
class IntakeServicesWhoMayTests(BaseTestCase):
    def longshan_complaint(self) -> Complaint:
        """A complaint of 龙山区, registered by the web form (a system: no actor)."""
        return complaint_register(draft=draft(), channel=Channel.WEB, actor=None).complaint

    def test_the_outsider_may_not_register_a_complaint(self) -> None:
        with self.assertRaises(Forbidden):
            complaint_register(draft=draft(), channel=Channel.WALK_IN, actor=self.outsider)
        with self.assertRaises(Forbidden):
            complaint_import(
                rows=[], channel=Channel.WALK_IN, source_system=None, actor=self.outsider
            )
        self.assertFalse(Complaint.objects.exists())

    def test_an_inspector_registers_only_in_their_own_county(self) -> None:
        with self.assertRaises(Forbidden) as raised:
            complaint_register(draft=draft("220402"), channel=Channel.WALK_IN, actor=self.xian)
        self.assertIn("outside your jurisdiction", raised.exception.message)
        self.assertFalse(Complaint.objects.exists())
        own = complaint_register(draft=draft("220403"), channel=Channel.WALK_IN, actor=self.xian)
        unplaced = complaint_register(
            draft=draft("", phone="13712345678"), channel=Channel.WALK_IN, actor=self.xian
        )
        self.assertTrue(own.created and unplaced.created)

    def test_systems_register_anywhere(self) -> None:
        web = complaint_register(draft=draft("220402"), channel=Channel.WEB, actor=None)
        imported = complaint_import(
            rows=[
                ImportRow(
                    line=2,
                    values={
                        "source_ref": "GD-1",
                        "name": "王五",
                        "phone": "13812345678",
                        "employer_name": "某公司",
                        "division_code": "220403",
                    },
                )
            ],
            channel=Channel.HOTLINE_12345,
            source_system=None,
            actor=None,
        )
        self.assertTrue(web.created)
        self.assertEqual((imported.created, imported.failed), (1, 0), imported.failures)

    def test_only_those_who_inspect_or_open_cases_register_a_complaint_found_on_inspection(
        self,
    ) -> None:
        with self.assertRaises(Forbidden):
            complaint_register(draft=draft(), channel=Channel.INSPECTION, actor=self.intake)
        for actor in (self.inspector, self.director):
            with self.subTest(actor=actor.username):
                complaint_register(
                    draft=draft(kind="report", anonymous=True, name="", phone=""),
                    channel=Channel.INSPECTION,
                    actor=actor,
                    idempotency_key=f"finding:{actor.username}",
                )

    def test_the_outsider_and_an_inspector_of_another_county_find_no_complaint_to_decide(
        self,
    ) -> None:
        complaint = self.longshan_complaint()
        for persona in ("outsider", "xian"):
            for name, decide in DECISIONS.items():
                with self.subTest(persona=persona, decision=name), self.assertRaises(NotFound):
                    decide(complaint, getattr(self, persona))
        complaint.refresh_from_db()
        self.assertEqual(complaint.status, ComplaintStatus.RECEIVED)

    def test_a_system_decides_nothing(self) -> None:
        complaint = self.longshan_complaint()
        for name, decide in DECISIONS.items():
            with self.subTest(decision=name), self.assertRaises(NotFound):
                decide(complaint, None)

    def test_an_inspector_of_the_county_sees_but_may_not_decide(self) -> None:
        complaint = self.longshan_complaint()
        for name, decide in DECISIONS.items():
            with self.subTest(decision=name), self.assertRaises(Forbidden):
                decide(complaint, self.inspector)
        complaint.refresh_from_db()
        self.assertEqual(complaint.status, ComplaintStatus.RECEIVED)

    def test_the_director_accepts_to_open_a_case_but_does_not_triage(self) -> None:
        complaint = self.longshan_complaint()
        with self.assertRaises(Forbidden):
            complaint_decline(complaint=complaint, reason="too_old", actor=self.director)
        complaint_accept(complaint=complaint, actor=self.director)
        complaint.refresh_from_db()
        self.assertEqual(complaint.status, ComplaintStatus.ACCEPTED)

    def test_a_join_needs_a_matter_the_officer_may_see(self) -> None:
        xian_matter = complaint_register(
            draft=draft("220403", phone="13712345678"), channel=Channel.WEB, actor=None
        ).complaint
        unplaced = complaint_register(
            draft=draft("", phone="13612345678"), channel=Channel.WEB, actor=None
        ).complaint
        xian_desk = staff_create(
            username="xian_intake",
            full_name="西安区受理员",
            role=Role.INTAKE_OFFICER,
            org_unit=self.xian.org_unit,
            password=PASSWORD,
            actor=None,
        )
        with self.assertRaises(NotFound):
            complaint_join(complaint=unplaced, matter=self.longshan_complaint(), actor=xian_desk)
        with self.assertRaises(NotFound):
            complaint_join(complaint=unplaced, matter=xian_matter, actor=self.outsider)
        complaint_join(complaint=unplaced, matter=xian_matter, actor=xian_desk)

    def test_source_systems_are_created_by_an_administrator_or_the_command_line(self) -> None:
        with self.assertRaises(Forbidden):
            source_system_create(name="12345热线", channel=Channel.HOTLINE_12345, actor=self.intake)
        source_system_create(name="12345热线", channel=Channel.HOTLINE_12345, actor=self.admin)
        source_system_create(name="12333热线", channel=Channel.HOTLINE_12333, actor=None)
