from qingling.core.exceptions import InvalidInput
from qingling.employment.models import Occupation
from qingling.employment.services.occupations import occupations_load
from qingling.testing import BaseTestCase


class OccupationsLoadTests(BaseTestCase):
    def test_the_shipped_list_is_loaded_by_the_migration(self) -> None:
        self.assertEqual(Occupation.objects.filter(parent__isnull=True).count(), 8)
        self.assertEqual(Occupation.objects.get(code="6-29").parent_id, "6")

    def test_adds_and_renames_and_never_removes(self) -> None:
        before = Occupation.objects.count()
        changed = occupations_load(
            text="# comment\n6-29\t建筑施工人员（含装饰装修）\n6-32\t新增中类\n",
            actor=self.employment,
        )
        self.assertEqual(changed, 2)
        self.assertEqual(Occupation.objects.count(), before + 1)
        self.assertEqual(Occupation.objects.get(code="6-29").name, "建筑施工人员（含装饰装修）")
        self.assertEqual(occupations_load(text="6-32\t新增中类\n", actor=None), 0)

    def test_refuses_bad_lines_and_orphans_whole(self) -> None:
        for text in ("6-29 no tab\n", "x-1\tname\n", "9-01\t没有大类\n"):
            with self.subTest(text), self.assertRaises(InvalidInput):
                occupations_load(text=text, actor=None)
        self.assertFalse(Occupation.objects.filter(code="9-01").exists())
