from unittest import mock

import time_machine

from qingling.cases.models import Case, CaseInspector
from qingling.cases.services import case_inspector_assign
from qingling.core.models import AuditEvent
from qingling.testing import CURRENT_TIME, BaseTestCase, make_case


def _leads(case: Case) -> list[str]:
    return [
        a.inspector.username
        for a in CaseInspector.objects.filter(
            case=case, role=CaseInspector.Role.LEAD, removed_at=None
        ).select_related("inspector")
    ]


@time_machine.travel(CURRENT_TIME, tick=False)
class CaseInspectorAssignTests(BaseTestCase):
    def test_makes_a_new_lead_and_keeps_the_former_as_co_inspector(self) -> None:
        case = make_case(self)
        case_inspector_assign(
            case=case, inspector=self.inspector2, role=CaseInspector.Role.LEAD, actor=self.chief
        )
        self.assertEqual(_leads(case), ["inspector2"])
        self.assertEqual(
            case.assignments.get(inspector=self.inspector, removed_at=None).role,
            CaseInspector.Role.CO,
        )
        self.assertTrue(AuditEvent.objects.filter(action="case.inspector_assign").exists())

    def test_a_failure_after_demoting_the_lead_writes_nothing(self) -> None:
        # Demoting the old lead, promoting the new one and the audit row are one
        # transaction: if the audit row cannot be written, the old lead is still lead.
        case = make_case(self)
        with (
            mock.patch(
                "qingling.cases.services.audit_event_record", side_effect=RuntimeError("disk full")
            ),
            self.assertRaises(RuntimeError),
        ):
            case_inspector_assign(
                case=case,
                inspector=self.inspector2,
                role=CaseInspector.Role.LEAD,
                actor=self.chief,
            )
        self.assertEqual(_leads(case), ["inspector"])
        self.assertEqual(
            case.assignments.get(inspector=self.inspector2, removed_at=None).role,
            CaseInspector.Role.CO,
        )
        self.assertFalse(AuditEvent.objects.filter(action="case.inspector_assign").exists())
