"""Validators for the identifiers that Chinese records carry.

The arithmetic comes from python-stdnum (GB 11643 citizen ID numbers, GB 32100
unified social credit codes) and phonenumbers; this module only decides which
part of a number is wrong and says so in the user's language.
"""

import datetime as dt

import phonenumbers
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from stdnum import numdb
from stdnum.cn import ric, uscc
from stdnum.exceptions import ValidationError as StdnumError


def normalize_id_number(value: str) -> str:
    return "".join(value.split()).replace("-", "").upper()


def validate_id_number(value: str, *, today: dt.date | None = None) -> str:
    """Return the 18-character 公民身份号码 or raise a ValidationError naming the wrong part."""
    number = normalize_id_number(value)
    if len(number) == 15 and number.isdigit():
        raise ValidationError(
            _("15-digit ID numbers were replaced in 2004; enter the 18-digit number."),
            code="id_number_legacy",
        )
    if len(number) != 18:
        raise ValidationError(
            _("An ID number has 18 characters; this one has %(count)d.") % {"count": len(number)},
            code="id_number_length",
        )
    if not number[:17].isdigit() or not (number[17].isdigit() or number[17] == "X"):
        raise ValidationError(
            _("An ID number is 17 digits followed by a digit or X."), code="id_number_format"
        )
    place = {key for _part, props in numdb.get("cn/loc").info(number[:6]) for key in props}
    if "county" not in place:
        raise ValidationError(
            _("The address code %(code)s (first six digits) is not a county of China.")
            % {"code": number[:6]},
            code="id_number_address",
        )
    try:
        birth = ric.get_birth_date(number)
    except StdnumError:
        birth = None
    if birth is None or birth.year < 1900 or (today is not None and birth > today):
        raise ValidationError(
            _("The birth date %(date)s (digits 7 to 14) is not a possible date.")
            % {"date": number[6:14]},
            code="id_number_birth_date",
        )
    if number[17] != ric.calc_check_digit(number):
        raise ValidationError(
            _("The check digit (last character) does not match; a digit is probably mistyped."),
            code="id_number_check_digit",
        )
    return number


def normalize_credit_code(value: str) -> str:
    return uscc.compact(value)


def validate_credit_code(value: str) -> str:
    """Return the 统一社会信用代码 or raise a ValidationError naming the wrong part."""
    code = normalize_credit_code(value)
    if len(code) != 18:
        raise ValidationError(
            _("A unified social credit code has 18 characters; this one has %(count)d.")
            % {"count": len(code)},
            code="credit_code_length",
        )
    try:
        uscc.validate(code)
    except StdnumError as error:
        if error.__class__.__name__ == "InvalidChecksum":
            raise ValidationError(
                _(
                    "The check character (last character) does not match; a character is "
                    "probably mistyped."
                ),
                code="credit_code_check_character",
            ) from None
        raise ValidationError(
            _(
                "A unified social credit code is 8 digits, then 10 characters from "
                "0-9 and A-Y without I, O, S, V and Z."
            ),
            code="credit_code_format",
        ) from None
    return code


def validate_mobile(value: str) -> str:
    """Return a mainland mobile number as 11 digits, or raise a ValidationError."""
    try:
        parsed = phonenumbers.parse(value, "CN")
    except phonenumbers.NumberParseException:
        parsed = None
    if (
        parsed is None
        or parsed.country_code != 86
        or not phonenumbers.is_valid_number(parsed)
        or phonenumbers.number_type(parsed) != phonenumbers.PhoneNumberType.MOBILE
    ):
        raise ValidationError(
            _("This is not a mainland mobile number (11 digits starting with 1)."),
            code="mobile_invalid",
        )
    return str(parsed.national_number)
