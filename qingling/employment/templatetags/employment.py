"""``{{ reason|because }}``: a matching reason as a sentence a worker or officer reads."""

from collections.abc import Mapping

from django import template
from django.utils.translation import gettext as _

from qingling.employment.matching import Reason

register = template.Library()


def _sentences() -> dict[str, str]:
    return {
        "occupation_exact": _("the kind of work asked for (%(code)s)"),
        "occupation_group": _("work in the group asked for (%(occupation)s)"),
        "occupation_any": _("any work is welcome"),
        "place_exact": _("in the place asked for"),
        "place_within": _("in the province asked for"),
        "place_any": _("any place is welcome"),
        "pay_above": _("pays up to %(pay_max)s yuan, %(percent)s%% above the %(expected)s asked"),
        "pay_meets": _("pays the %(expected)s yuan asked"),
        "pay_unstated": _("pays up to %(pay_max)s yuan"),
        "date_fits": _("work starts in time"),
        "date_wait": _("work starts %(days)s days after the first travel day"),
        "date_unstated": _("no travel date given"),
        "openings": _("%(count)s places open"),
    }


@register.filter
def because(reason: Reason | Mapping[str, object]) -> str:
    if isinstance(reason, Reason):
        code, params = reason.code, dict(reason.params)
    else:
        code, params = str(reason.get("code")), dict(reason.get("params") or {})  # type: ignore[call-overload]
    sentence = _sentences().get(code)
    if sentence is None:
        return code
    try:
        return sentence % params
    except (KeyError, ValueError):
        return sentence
