from qingling.parties.demo import fake_id_number, fake_mobile
from qingling.parties.models import Person
from qingling.parties.selectors import person_search
from qingling.parties.services import person_register
from qingling.testing import BaseTestCase, make_project


class PersonSearchTests(BaseTestCase):
    id_number: str
    phone: str
    zhang: Person
    zhang_feng: Person
    li: Person

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.id_number = fake_id_number(cls.rng)
        cls.phone = fake_mobile(cls.rng)
        cls.zhang = person_register(
            name="张三", id_number=cls.id_number, phone=cls.phone, actor=None
        )
        cls.zhang_feng = person_register(
            name="张三丰", id_number=fake_id_number(cls.rng), phone=fake_mobile(cls.rng), actor=None
        )
        cls.li = person_register(name="李四", actor=None)
        make_project(division=cls.longshan, wage_officer=cls.zhang)  # 张三 is 龙山区's

    def test_finds_by_the_full_id_number(self) -> None:
        self.assertEqual(list(person_search(user=self.intake, query=self.id_number)), [self.zhang])

    def test_finds_by_the_id_number_in_lowercase_with_surrounding_spaces(self) -> None:
        query = f"  {self.id_number.lower()} "
        self.assertEqual(list(person_search(user=self.intake, query=query)), [self.zhang])

    def test_finds_by_mobile(self) -> None:
        self.assertEqual(list(person_search(user=self.inspector, query=self.phone)), [self.zhang])

    def test_finds_by_mobile_with_country_code(self) -> None:
        query = f"+86 {self.phone}"
        self.assertEqual(list(person_search(user=self.inspector, query=query)), [self.zhang])

    def test_finds_nobody_by_a_partial_id_number(self) -> None:
        self.assertEqual(list(person_search(user=self.intake, query=self.id_number[:10])), [])

    def test_finds_nobody_by_the_masked_id_number(self) -> None:
        query = self.zhang.id_number_masked
        self.assertEqual(list(person_search(user=self.intake, query=query)), [])

    def test_finds_by_part_of_the_name(self) -> None:
        self.assertEqual(
            list(person_search(user=self.intake, query="三")), [self.zhang, self.zhang_feng]
        )
        self.assertEqual(list(person_search(user=self.intake, query="三丰")), [self.zhang_feng])

    def test_lists_everyone_without_a_query(self) -> None:
        self.assertEqual(person_search(user=self.admin, query="  ").count(), 3)

    def test_finds_nothing_for_an_outsider(self) -> None:
        self.assertEqual(list(person_search(user=self.outsider, query="")), [])
        self.assertEqual(list(person_search(user=self.outsider, query=self.id_number)), [])

    def test_finds_nobody_by_number_outside_the_searchers_jurisdiction(self) -> None:
        # 西安区's inspector may not learn 龙山区's numbers: a hit and a miss look alike.
        self.assertEqual(list(person_search(user=self.xian, query=self.id_number)), [])
        self.assertEqual(list(person_search(user=self.xian, query=self.phone)), [])

    def test_finds_by_name_outside_the_searchers_jurisdiction_masked_as_ever(self) -> None:
        self.assertEqual(list(person_search(user=self.xian, query="张三丰")), [self.zhang_feng])

    def test_finds_a_person_linked_to_nothing_by_number_for_city_wide_staff_only(self) -> None:
        unlinked_id = fake_id_number(self.rng)
        unlinked = person_register(name="王五", id_number=unlinked_id, actor=None)
        self.assertEqual(list(person_search(user=self.intake, query=unlinked_id)), [unlinked])
        self.assertEqual(list(person_search(user=self.inspector, query=unlinked_id)), [])
