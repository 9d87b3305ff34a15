"""Helpers of HTML forms: an ApplicationError shown on the form that caused it, the
date filters of list pages, the file field of imports and the field of a texted code."""

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from qingling.core.exceptions import ApplicationError
from qingling.core.workbooks import import_size_check


class ImportFileField(forms.FileField):
    """The file of an import: refused by its size (``QINGLING_IMPORT_MAX_BYTES``) before
    anything reads it."""

    def validate(self, value: Any) -> None:
        super().validate(value)
        if value:
            try:
                import_size_check(value.size)
            except ApplicationError as error:
                raise forms.ValidationError(error.message, code="too_large") from None


class PhoneCodeField(forms.CharField):
    """The one-time code texted to a phone (``notify.services.phone_code_send``): a phone
    keyboard of digits and the browser's offer to fill it from the message. Optional on
    the form, because the first post asks for the code and the second carries it."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("label", _("Code from the text message"))
        kwargs.setdefault("max_length", 12)
        kwargs.setdefault("required", False)
        kwargs.setdefault(
            "widget",
            forms.TextInput(
                attrs={
                    "inputmode": "numeric",
                    "autocomplete": "one-time-code",
                    "pattern": "[0-9]*",
                    "class": "code-input",
                }
            ),
        )
        super().__init__(**kwargs)


def form_add_application_error(
    form: forms.Form, error: ApplicationError, *, field_map: Mapping[str, str] | None = None
) -> None:
    """Attach the error's field messages to the form's fields (renamed through ``field_map``);
    whatever names no field of the form goes to the form as a whole."""
    field_map = field_map or {}
    placed = False
    for name, messages in error.extra.get("fields", {}).items():
        target = field_map.get(name, name)
        if target in form.fields:
            for message in messages:
                form.add_error(target, message)
            placed = True
    if (
        not placed or error.code != "invalid"
    ):  # a refusal (conflict, forbidden) is said once more on top
        form.add_error(None, error.message)


def date_param(text: str) -> dt.date | None:
    """A list page's ``YYYY-MM-DD`` filter value; anything else means no filter."""
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        return None
