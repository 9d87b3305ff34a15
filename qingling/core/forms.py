"""Show an ApplicationError on the HTML form that caused it."""

from collections.abc import Mapping

from django import forms

from qingling.core.exceptions import ApplicationError


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
