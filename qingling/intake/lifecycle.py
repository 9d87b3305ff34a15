"""The complaint's dispositions as data: a transition table and pure checks, no ORM.

Every complaint must reach a lawful disposition within 5 working days of receipt
("杜绝有案不立"): accepted (a case is opened or it joins an open one), joined to an
existing matter, waiting for more material (补正), referred to whoever is competent,
or not accepted with a written reason.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ComplaintStatus(models.TextChoices):
    RECEIVED = "received", _("received, awaiting triage")
    MORE_MATERIAL = "more_material", _("more material requested (补正)")
    ACCEPTED = "accepted", _("accepted")
    JOINED = "joined", _("joined to an existing matter")
    REFERRED = "referred", _("referred elsewhere")
    NOT_ACCEPTED = "not_accepted", _("not accepted")
    SETTLED = "settled", _("settled without a case (协调解决)")


S = ComplaintStatus
TRANSITIONS: dict[str, frozenset[str]] = {
    S.RECEIVED: frozenset(
        {S.ACCEPTED, S.JOINED, S.MORE_MATERIAL, S.REFERRED, S.NOT_ACCEPTED, S.SETTLED}
    ),
    S.MORE_MATERIAL: frozenset(
        {S.RECEIVED, S.ACCEPTED, S.JOINED, S.REFERRED, S.NOT_ACCEPTED, S.SETTLED}
    ),
    S.JOINED: frozenset({S.RECEIVED}),  # a join is reversible: the complaint goes back to triage
    # Accepted but no case opened yet: the employer may still pay after a call (协调解决);
    # ``complaint_settle`` refuses once a case is open.
    S.ACCEPTED: frozenset({S.SETTLED}),
    S.REFERRED: frozenset(),
    S.NOT_ACCEPTED: frozenset(),
    S.SETTLED: frozenset(),
}
# Statuses that still need a decision; the acceptance deadline runs while in one of them.
OPEN_STATUSES = frozenset({S.RECEIVED, S.MORE_MATERIAL})


def can_move(source: str, target: str) -> bool:
    return target in TRANSITIONS.get(source, frozenset())


class NotAcceptedReason(models.TextChoices):
    """The lawful grounds for not accepting (若干规定 Art. 18, 监察条例 Art. 20)."""

    TOO_OLD = "too_old", _("the violation is more than 2 years old")
    NO_EMPLOYER = "no_employer", _("no identifiable employer after a request for material")
    NOT_REMIT = "not_remit", _("not a labour-inspection matter")
    NOT_AREA = "not_area", _("outside this bureau's area")
    NO_MATERIAL = "no_material", _("the material asked for (补正) was not supplied in time")
    OTHER = "other", _("other lawful reason (stated)")
