from cryptography.exceptions import InvalidTag
from django.core.exceptions import ImproperlyConfigured
from django.test import SimpleTestCase, override_settings

from qingling.core.personal_data import (
    blind_index,
    mask_id_number,
    mask_phone,
    seal,
    unseal,
)

ID_NUMBER = "22040219900101123X"
OTHER_KEY = "another-key-of-at-least-32-characters!!"


class SealTests(SimpleTestCase):
    def test_unseal_returns_the_sealed_value(self):
        self.assertEqual(
            unseal(seal(ID_NUMBER, purpose="id_number"), purpose="id_number"), ID_NUMBER
        )

    def test_round_trip_keeps_chinese_text(self):
        self.assertEqual(unseal(seal("张三", purpose="name"), purpose="name"), "张三")

    def test_sealed_value_does_not_contain_the_plaintext(self):
        token = seal(ID_NUMBER, purpose="id_number")
        self.assertNotIn(ID_NUMBER, token)
        self.assertNotIn(ID_NUMBER[:6], token)
        self.assertIs(token.startswith("v1:"), True)

    def test_sealing_twice_gives_different_tokens(self):
        self.assertNotEqual(
            seal(ID_NUMBER, purpose="id_number"), seal(ID_NUMBER, purpose="id_number")
        )

    def test_unseal_with_the_wrong_purpose_fails(self):
        token = seal(ID_NUMBER, purpose="id_number")
        with self.assertRaises(InvalidTag):
            unseal(token, purpose="phone")

    def test_unseal_with_another_key_fails(self):
        token = seal(ID_NUMBER, purpose="id_number")
        with override_settings(QINGLING_DATA_KEY=OTHER_KEY), self.assertRaises(InvalidTag):
            unseal(token, purpose="id_number")

    def test_unseal_of_an_unknown_version_fails(self):
        token = seal(ID_NUMBER, purpose="id_number")
        with self.assertRaisesMessage(ValueError, "unknown seal version"):
            unseal("v0" + token[2:], purpose="id_number")

    @override_settings(QINGLING_DATA_KEY="too-short")
    def test_short_key_is_refused(self):
        with self.assertRaisesMessage(ImproperlyConfigured, "at least 32"):
            seal(ID_NUMBER, purpose="id_number")


class BlindIndexTests(SimpleTestCase):
    def test_is_deterministic(self):
        self.assertEqual(
            blind_index(ID_NUMBER, purpose="id_number"), blind_index(ID_NUMBER, purpose="id_number")
        )

    def test_differs_by_purpose(self):
        self.assertNotEqual(
            blind_index(ID_NUMBER, purpose="id_number"), blind_index(ID_NUMBER, purpose="phone")
        )

    def test_differs_by_value(self):
        self.assertNotEqual(
            blind_index(ID_NUMBER, purpose="id_number"),
            blind_index("220402199001011234", purpose="id_number"),
        )

    def test_depends_on_the_key(self):
        digest = blind_index(ID_NUMBER, purpose="id_number")
        with override_settings(QINGLING_DATA_KEY=OTHER_KEY):
            self.assertNotEqual(blind_index(ID_NUMBER, purpose="id_number"), digest)

    def test_does_not_contain_the_value(self):
        digest = blind_index(ID_NUMBER, purpose="id_number")
        self.assertNotIn(ID_NUMBER, digest)
        self.assertEqual(len(digest), 64)


class MaskTests(SimpleTestCase):
    def test_mask_id_number_keeps_only_the_province_and_the_last_two(self):
        self.assertEqual(mask_id_number(ID_NUMBER), "22**************3X")

    def test_mask_id_number_hides_short_values_entirely(self):
        self.assertEqual(mask_id_number("1234567890"), "**********")

    def test_mask_phone_keeps_only_the_first_three_and_the_last_two(self):
        self.assertEqual(mask_phone("13812345678"), "138******78")

    def test_mask_phone_hides_short_values_entirely(self):
        self.assertEqual(mask_phone("1234567"), "*******")
