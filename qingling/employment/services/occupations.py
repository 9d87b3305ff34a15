"""Writes of the occupational classification: loading the bureau's list of groups."""

from django.db import transaction
from django.utils.translation import gettext as _

from qingling.core.exceptions import InvalidInput
from qingling.core.services import Actor, audit_event_record
from qingling.employment.models import Occupation


def occupation_lines(text: str) -> list[tuple[str, str]]:
    """``code<TAB>name`` rows of an occupations file; ``#`` lines are comments."""
    rows, bad = [], []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip() or line.startswith("#"):
            continue
        code, _tab, name = line.partition("\t")
        major = code.split("-")[0]
        if not name.strip() or not major.isdigit() or code.count("-") > 1:
            bad.append(number)
        else:
            rows.append((code.strip(), name.strip()))
    if bad:
        message = _("Lines %(lines)s are not code<TAB>name.") % {"lines": ", ".join(map(str, bad))}
        raise InvalidInput(message, extra={"fields": {"file": [message]}})
    return rows


@transaction.atomic
def occupations_load(*, text: str, actor: Actor) -> int:
    """Add or rename the groups of the file; none is removed, since postings and
    registrations refer to them. Returns how many groups were added or renamed."""
    changed = 0
    for code, name in sorted(occupation_lines(text)):  # a major group before its groups
        parent = code.split("-")[0] if "-" in code else None
        if parent and not Occupation.objects.filter(code=parent).exists():
            message = _("%(code)s has no major group %(parent)s.") % {
                "code": code,
                "parent": parent,
            }
            raise InvalidInput(message, extra={"fields": {"file": [message]}})
        occupation, created = Occupation.objects.get_or_create(
            code=code, defaults={"name": name, "parent_id": parent}
        )
        if created or occupation.name != name:
            before = None if created else {"name": occupation.name}
            occupation.name = name
            occupation.save()
            audit_event_record(
                actor=actor,
                action="occupation.load",
                obj=occupation,
                before=before,
                after={"name": name},
            )
            changed += 1
    return changed
