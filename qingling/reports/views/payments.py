"""The payments list (清偿明细), behind the dashboard's workers paid and amount recovered.

The records are the ones those figures count (``qingling.cases.statistics``: the payments
whose ``paid_on`` is in the period), restricted by the user's ``Scope``
(``scope_for_user``: the whole city for city staff, the district for a district's), so
that the list's totals are the dashboard's numbers.
"""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from qingling.accounts.decorators import require_perm
from qingling.accounts.permissions import Perm
from qingling.cases import statistics as case_figures
from qingling.core.forms import date_param
from qingling.reports.statistics import scope_for_user


@require_perm(Perm.CASE_VIEW)
def payment_list(request: HttpRequest) -> HttpResponse:
    paid_from = date_param(request.GET.get("paid_from", ""))
    paid_to = date_param(request.GET.get("paid_to", ""))
    found = case_figures.payment_search(
        scope=scope_for_user(request.user), paid_from=paid_from, paid_to=paid_to
    )
    return render(
        request,
        "reports/payment_list.html",
        {
            "filters": {"paid_from": paid_from, "paid_to": paid_to},
            "totals": case_figures.payment_totals(payments=found),
            "page": case_figures.payment_page(payments=found, number=request.GET.get("page")),
        },
    )
