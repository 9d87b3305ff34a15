import importlib
import string

from django.test import SimpleTestCase
from hypothesis import given
from hypothesis import strategies as st

from qingling.core.personal_data import mask_id_number, mask_phone

narrower = importlib.import_module("qingling.parties.migrations.0005_person_masks_narrower")
ID_NUMBER = st.text(string.digits, min_size=17, max_size=17).map(lambda body: body + "X")
MOBILE = st.text(string.digits, min_size=10, max_size=10).map(lambda rest: "1" + rest)


class PersonMasksMigrationTests(SimpleTestCase):
    @given(ID_NUMBER)
    def test_cuts_the_new_id_number_mask_from_the_old_one(self, value: str) -> None:
        old = value[:6] + "********" + value[-4:]
        self.assertEqual(narrower.narrow_id_number(old), mask_id_number(value))

    @given(MOBILE)
    def test_cuts_the_new_phone_mask_from_the_old_one(self, value: str) -> None:
        old = value[:3] + "****" + value[-4:]
        self.assertEqual(narrower.narrow_phone(old), mask_phone(value))

    @given(ID_NUMBER)
    def test_leaves_a_new_mask_as_it_is(self, value: str) -> None:
        self.assertEqual(narrower.narrow_id_number(mask_id_number(value)), mask_id_number(value))

    @given(ID_NUMBER, MOBILE)
    def test_the_masks_show_four_and_five_characters(self, id_number: str, phone: str) -> None:
        self.assertEqual(len(mask_id_number(id_number).replace("*", "")), 4)
        self.assertEqual(len(mask_phone(phone).replace("*", "")), 5)
