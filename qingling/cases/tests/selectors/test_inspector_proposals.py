import time_machine

from qingling.accounts.models import Role, User
from qingling.accounts.services import staff_create
from qingling.cases.lifecycle import CaseStatus
from qingling.cases.selectors import inspector_proposals
from qingling.cases.services import case_inspector_remove
from qingling.cases.tests.steps import advance
from qingling.testing import CURRENT_TIME, PASSWORD, BaseTestCase, make_case


@time_machine.travel(CURRENT_TIME, tick=False)
class InspectorProposalsTests(BaseTestCase):
    def usernames(self, division: object) -> list[str]:
        return [user.username for user in inspector_proposals(division=division)]  # type: ignore[arg-type]

    def test_proposes_the_inspectors_of_the_division_least_loaded_first(self) -> None:
        self.assertEqual(self.usernames(self.longshan), ["inspector", "inspector2"])
        make_case(self, co_inspector=False)  # inspector: one open case
        self.assertEqual(self.usernames(self.longshan), ["inspector2", "inspector"])
        self.assertEqual(self.usernames(self.xian_division), ["xian"])

    def test_counts_only_open_cases_and_current_assignments(self) -> None:
        advance(self, make_case(self, name="甲"), CaseStatus.CLOSED)  # both, closed
        case = make_case(self, name="乙", phone="13912345678")  # both, open
        make_case(self, name="丙", phone="13712345678")  # both, open
        self.assertEqual(self.usernames(self.longshan), ["inspector", "inspector2"])
        case_inspector_remove(case=case, inspector=self.inspector2, actor=self.chief)
        self.assertEqual(self.usernames(self.longshan), ["inspector2", "inspector"])

    def test_a_city_wide_inspector_serves_every_district_but_not_the_chiefs(self) -> None:
        city = staff_create(
            username="city_inspector",
            full_name="city_inspector",
            role=Role.INSPECTOR,
            org_unit=self.city_unit,
            password=PASSWORD,
            actor=None,
        )
        make_case(self)  # inspector and inspector2 each have one open case
        self.assertEqual(
            self.usernames(self.longshan), ["city_inspector", "inspector", "inspector2"]
        )
        self.assertEqual(self.usernames(self.xian_division), ["city_inspector", "xian"])
        User.objects.filter(pk=city.pk).update(is_active=False)
        self.assertEqual(self.usernames(self.xian_division), ["xian"])

    def test_limits_the_list(self) -> None:
        self.assertEqual(len(inspector_proposals(division=self.longshan, limit=1)), 1)
