"""Helpers of HTML forms: an ApplicationError shown on the form that caused it, one way to
submit a form through a service (``form_submit``), the date filters of list pages, the file
field of imports and the field of a texted code."""

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from django import forms
from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from qingling.core.exceptions import ApplicationError
from qingling.core.workbooks import import_size_check

EVIDENCE_ACCEPT = "image/jpeg,image/png,image/heic,image/heif,application/pdf,.heic,.heif"
SHEET_ACCEPT = ".xlsx,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class LimitedFileInput(forms.ClearableFileInput):
    """A file input that carries the server's limits (``data-max-bytes``, ``accept``) and the
    messages to say when a file breaks them, so that ``static/qingling/app.js`` refuses an
    oversize or wrong file in the browser, before anything is sent. The server checks again
    (``core.uploads.evidence_check``, ``workbooks.import_size_check``): the browser's check
    only spares a phone the upload. ``limit`` names the setting read at each rendering."""

    def __init__(
        self,
        attrs: dict[str, Any] | None = None,
        *,
        limit: str = "QINGLING_UPLOAD_MAX_BYTES",
        accept: str = EVIDENCE_ACCEPT,
        multiple: bool = False,
    ) -> None:
        # before Django's __init__, which adds the ``multiple`` attribute when it is set
        self.allow_multiple_selected = multiple
        super().__init__({"accept": accept, **(attrs or {})})
        self.limit = limit

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        max_bytes = int(getattr(settings, self.limit))
        size = filesizeformat(max_bytes)
        attrs = {
            **(attrs or {}),
            "data-max-bytes": str(max_bytes),
            "data-too-large": gettext(
                "“{name}” is {size}, more than the %(limit)s allowed. Choose a smaller file "
                "(a photo taken at a lower resolution, or a scan in black and white)."
            )
            % {"limit": size},
            "data-wrong-type": gettext(
                "“{name}” is not a file of a kind this form takes. Choose one of: %(kinds)s."
            )
            % {"kinds": _kinds(self.attrs.get("accept", ""))},
        }
        attrs["data-uploading"] = gettext("Sending the file: {percent}% …")
        if self.allow_multiple_selected:
            attrs["data-max-files"] = str(settings.QINGLING_UPLOAD_MAX_FILES)
            attrs["data-too-many"] = gettext("Choose at most %(n)d files at a time.") % {
                "n": settings.QINGLING_UPLOAD_MAX_FILES
            }
        return super().get_context(name, value, attrs)


def _kinds(accept: str) -> str:
    names = {
        "image/jpeg": "JPEG",
        "image/png": "PNG",
        "image/heic": "HEIC",
        "application/pdf": "PDF",
        ".xlsx": "XLSX",
    }
    return "、".join(dict.fromkeys(names[k] for k in accept.split(",") if k in names))


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
    form: forms.Form,
    error: ApplicationError,
    *,
    field_map: Mapping[str, str] | None = None,
    say_message: bool = False,
) -> None:
    """Attach the error's field messages to the form's fields (renamed through ``field_map``);
    whatever names no field of the form goes to the form as a whole."""
    field_map = field_map or {}
    placed = False
    said: set[str] = set()
    for name, messages in error.extra.get("fields", {}).items():
        target = field_map.get(name, name)
        if target in form.fields:
            for message in messages:
                form.add_error(target, message)
                said.add(str(message))
            placed = True
    # A refusal (conflict, forbidden) is said once more on top; with ``say_message`` so is
    # a message that says more than its fields' ("12000 yuan is more than the 10000
    # outstanding"), where it is no mere "correct the fields marked".
    if not placed or error.code != "invalid" or (say_message and str(error.message) not in said):
        form.add_error(None, error.message)


T = TypeVar("T")


@dataclass
class Submitted(Generic[T]):
    """What ``form_submit`` did: ``ok`` with the service's ``result``, or the form now carries
    every error (beside its field, or on the form as a whole) and is to be shown again."""

    ok: bool
    result: T | None = None


def form_submit(
    form: forms.Form,
    act: Callable[[dict[str, Any]], T],
    *,
    field_map: Mapping[str, str] | None = None,
) -> Submitted[T]:
    """Validate the bound ``form`` and, when it is valid, call ``act`` (the service) with its
    cleaned data. A refusal (``ApplicationError``) is attached to the form: the messages of
    ``extra["fields"]`` beside the fields they name, the rest on the form as a whole. The view
    then re-renders its page with this same bound form, so what was typed stays and all
    errors show at once, instead of redirecting with one message on top of the page."""
    if not form.is_valid():
        return Submitted(ok=False)
    try:
        result = act(form.cleaned_data)
    except ApplicationError as error:
        form_add_application_error(form, error, field_map=field_map, say_message=True)
        return Submitted(ok=False)
    return Submitted(ok=True, result=result)


def date_param(text: str) -> dt.date | None:
    """A list page's ``YYYY-MM-DD`` filter value; anything else means no filter."""
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        return None
