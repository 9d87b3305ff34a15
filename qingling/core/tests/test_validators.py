import datetime as dt
import random

from django.core.exceptions import ValidationError
from django.test import SimpleTestCase
from django.utils import translation
from hypothesis import given, settings
from hypothesis import strategies as st

from qingling.core.validators import (
    normalize_id_number,
    validate_credit_code,
    validate_id_number,
    validate_mobile,
)
from qingling.parties.demo import CREDIT_ALPHABET, fake_credit_code, fake_id_number

COUNTIES = ("220402", "220403", "220421", "110101", "440305")
ID_CHARACTERS = "0123456789X"

seeds = st.integers(min_value=0, max_value=2**32)
births = st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2025, 12, 31))
counties = st.sampled_from(COUNTIES)


def _rng(seed: int) -> random.Random:
    return random.Random(seed)


def _changes(number: str, alphabet: str):
    """Every string that differs from ``number`` in exactly one character of ``alphabet``."""
    for index, current in enumerate(number):
        for other in alphabet:
            if other != current:
                yield number[:index] + other + number[index + 1 :]


def _id_number_ending_in_x() -> str:
    for seed in range(1000):
        number = fake_id_number(_rng(seed))
        if number.endswith("X"):
            return number
    raise AssertionError("no ID number with an X check digit in 1000 seeds")


class ValidateIdNumberTests(SimpleTestCase):
    def assertRefused(self, value: str, code: str, message: str | None = None) -> None:
        with translation.override("en"), self.assertRaises(ValidationError) as ctx:
            validate_id_number(value)
        self.assertEqual(ctx.exception.code, code)
        if message is not None:
            with translation.override("en"):
                self.assertEqual(ctx.exception.messages, [message])

    @settings(deadline=None, max_examples=60)
    @given(seed=seeds, born=births, division=counties)
    def test_every_generated_number_passes(self, seed, born, division):
        number = fake_id_number(_rng(seed), division=division, born=born)
        self.assertEqual(validate_id_number(number), number)

    @settings(deadline=None, max_examples=25)
    @given(seed=seeds, born=births, division=counties)
    def test_every_one_character_change_fails(self, seed, born, division):
        number = fake_id_number(_rng(seed), division=division, born=born)
        for changed in _changes(number, ID_CHARACTERS):
            with self.assertRaises(ValidationError, msg=changed):
                validate_id_number(changed)

    def test_x_check_digit_passes(self):
        number = _id_number_ending_in_x()
        self.assertEqual(validate_id_number(number), number)

    def test_lowercase_x_is_accepted_and_normalised(self):
        number = _id_number_ending_in_x()
        self.assertEqual(validate_id_number(number.lower()), number)
        self.assertEqual(normalize_id_number(number.lower()), number)

    def test_surrounding_whitespace_is_removed(self):
        number = fake_id_number(_rng(1))
        self.assertEqual(validate_id_number(f" {number}\n"), number)

    def test_legacy_15_digit_number_is_refused(self):
        self.assertRefused(
            "220402900101123",
            "id_number_legacy",
            "15-digit ID numbers were replaced in 2004; enter the 18-digit number.",
        )

    def test_wrong_length_is_refused(self):
        number = fake_id_number(_rng(2))
        self.assertRefused(
            number[:-1], "id_number_length", "An ID number has 18 characters; this one has 17."
        )
        self.assertRefused(number + "1", "id_number_length")

    def test_letters_inside_the_number_are_refused(self):
        self.assertRefused("2204021990A101123X", "id_number_format")

    def test_unknown_address_code_is_refused(self):
        body = "99999919900101123"
        self.assertRefused(
            body + _check_digit(body),
            "id_number_address",
            "The address code 999999 (first six digits) is not a county of China.",
        )

    def test_impossible_birth_date_is_refused(self):
        body = "22040219900230123"
        self.assertRefused(
            body + _check_digit(body),
            "id_number_birth_date",
            "The birth date 19900230 (digits 7 to 14) is not a possible date.",
        )

    def test_birth_before_1900_is_refused(self):
        body = "22040218991231123"
        self.assertRefused(body + _check_digit(body), "id_number_birth_date")

    def test_birth_after_today_is_refused_when_today_is_given(self):
        number = fake_id_number(_rng(3), born=dt.date(2026, 12, 1))
        self.assertEqual(validate_id_number(number), number)
        with self.assertRaises(ValidationError) as ctx:
            validate_id_number(number, today=dt.date(2026, 11, 27))
        self.assertEqual(ctx.exception.code, "id_number_birth_date")

    def test_wrong_check_digit_is_refused(self):
        number = fake_id_number(_rng(4))
        wrong = "0" if number[-1] != "0" else "1"
        self.assertRefused(
            number[:-1] + wrong,
            "id_number_check_digit",
            "The check digit (last character) does not match; a digit is probably mistyped.",
        )


def _check_digit(body: str) -> str:
    from stdnum.cn import ric

    return ric.calc_check_digit(body + "0")


class ValidateCreditCodeTests(SimpleTestCase):
    @settings(deadline=None, max_examples=60)
    @given(seed=seeds, division=counties)
    def test_every_generated_code_passes(self, seed, division):
        code = fake_credit_code(_rng(seed), division=division)
        self.assertEqual(validate_credit_code(code), code)

    @settings(deadline=None, max_examples=25)
    @given(seed=seeds, division=counties)
    def test_every_one_character_change_fails(self, seed, division):
        code = fake_credit_code(_rng(seed), division=division)
        for changed in _changes(code, CREDIT_ALPHABET):
            with self.assertRaises(ValidationError, msg=changed):
                validate_credit_code(changed)

    def test_lowercase_and_separators_are_normalised(self):
        code = fake_credit_code(_rng(5))
        spaced = f"{code[:9].lower()} {code[9:]}"
        self.assertEqual(validate_credit_code(spaced), code)

    def test_wrong_length_is_refused(self):
        with self.assertRaises(ValidationError) as ctx:
            validate_credit_code(fake_credit_code(_rng(6))[:-1])
        self.assertEqual(ctx.exception.code, "credit_code_length")

    def test_wrong_check_character_is_refused(self):
        code = fake_credit_code(_rng(7))
        wrong = "0" if code[-1] != "0" else "1"
        with self.assertRaises(ValidationError) as ctx:
            validate_credit_code(code[:-1] + wrong)
        self.assertEqual(ctx.exception.code, "credit_code_check_character")

    def test_forbidden_letter_is_refused_as_format(self):
        code = fake_credit_code(_rng(8))
        with self.assertRaises(ValidationError) as ctx:
            validate_credit_code(code[:10] + "I" + code[11:])
        self.assertEqual(ctx.exception.code, "credit_code_format")


class ValidateMobileTests(SimpleTestCase):
    def test_eleven_digit_mobile_numbers_pass(self):
        for number in ("13812345678", "15912345678", "18612345678", "19912345678"):
            self.assertEqual(validate_mobile(number), number)

    def test_international_form_with_spaces_is_normalised(self):
        self.assertEqual(validate_mobile("+86 138 1234 5678"), "13812345678")

    def test_separators_are_removed(self):
        self.assertEqual(validate_mobile("138-1234-5678"), "13812345678")

    def test_landlines_are_refused(self):
        for number in ("0437-3221234", "04373221234", "+86 10 6512 3456"):
            with self.assertRaises(ValidationError, msg=number) as ctx:
                validate_mobile(number)
            self.assertEqual(ctx.exception.code, "mobile_invalid")

    def test_garbage_is_refused(self):
        for value in ("", "abc", "1381234567", "138123456789", "12012345678", "+1 650 253 0000"):
            with self.assertRaises(ValidationError, msg=value) as ctx:
                validate_mobile(value)
            self.assertEqual(ctx.exception.code, "mobile_invalid")
