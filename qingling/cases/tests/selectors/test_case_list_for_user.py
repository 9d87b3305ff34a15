import time_machine
from django.http import Http404

from qingling.accounts.models import Role, User
from qingling.accounts.services import staff_create
from qingling.cases.models import Case
from qingling.cases.selectors import case_get_for_user, case_list_for_user
from qingling.cases.services import case_inspector_assign, case_inspector_remove, case_open
from qingling.testing import (
    CURRENT_TIME,
    PASSWORD,
    BaseTestCase,
    make_accepted_complaint,
    make_case,
    make_organization,
)


@time_machine.travel(CURRENT_TIME, tick=False)
class CaseListForUserTests(BaseTestCase):
    def setUp(self) -> None:
        self.longshan_case = make_case(self)
        self.xian_case = case_open(
            complaints=[
                make_accepted_complaint(division_code="220403", name="李四", phone="13912345678")
            ],
            respondent=make_organization(self.rng, name="辽源市西安区宏达劳务有限公司"),
            division=self.xian_division,
            lead=self.xian,
            actor=self.chief,
        )

    def numbers(self, user: User | None) -> set[str]:
        return set(case_list_for_user(user=user).values_list("number", flat=True))

    def test_each_sees_the_cases_of_their_jurisdiction(self) -> None:
        both = {self.longshan_case.number, self.xian_case.number}
        self.assertEqual(self.numbers(self.inspector), {self.longshan_case.number})
        self.assertEqual(self.numbers(self.xian), {self.xian_case.number})
        for persona in (self.chief, self.director, self.intake):
            with self.subTest(persona=persona):
                self.assertEqual(self.numbers(persona), both)
        for nobody in (self.employment, self.admin, self.outsider, None):
            with self.subTest(persona=nobody):
                self.assertEqual(self.numbers(nobody), set())

    def test_an_assigned_inspector_keeps_their_case_after_moving_to_another_unit(self) -> None:
        assert self.inspector.org_unit is not None and self.xian.org_unit is not None
        moving = staff_create(
            username="inspector3",
            full_name="inspector3",
            role=Role.INSPECTOR,
            org_unit=self.inspector.org_unit,
            password=PASSWORD,
            actor=None,
        )
        case = make_case(self, co_inspector=False, name="赵六", phone="13712345678")
        case_inspector_assign(case=case, inspector=moving, role="co", actor=self.chief)
        User.objects.filter(pk=moving.pk).update(org_unit=self.xian.org_unit)
        moving = User.objects.get(pk=moving.pk)
        self.assertEqual(self.numbers(moving), {self.xian_case.number, case.number})
        case_inspector_remove(case=case, inspector=moving, actor=self.chief)
        self.assertEqual(self.numbers(moving), {self.xian_case.number})

    def test_a_case_shows_once_for_an_inspector_in_its_jurisdiction(self) -> None:
        cases = list(case_list_for_user(user=self.inspector2))
        self.assertEqual(cases, [self.longshan_case])

    def test_reads_the_list_in_one_query(self) -> None:
        with self.assertNumQueries(1):
            rows = [
                (c.number, c.respondent.name, c.division.name, c.project)
                for c in case_list_for_user(user=self.chief)
            ]
        self.assertEqual(len(rows), 2)

    def test_a_case_outside_ones_reach_is_not_found(self) -> None:
        found = case_get_for_user(user=self.inspector, public_id=self.longshan_case.public_id)
        self.assertEqual(found, self.longshan_case)
        for persona in (self.xian, self.outsider):
            with self.subTest(persona=persona), self.assertRaises(Http404):
                case_get_for_user(user=persona, public_id=self.longshan_case.public_id)
        self.assertEqual(Case.objects.count(), 2)
