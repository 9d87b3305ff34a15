"""The payments list (清偿明细), behind the dashboard's workers paid and amount recovered."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from qingling.accounts.decorators import require_perm
from qingling.accounts.permissions import Perm
from qingling.core.forms import date_param
from qingling.reports import payments


@require_perm(Perm.CASE_VIEW)
def payment_list(request: HttpRequest) -> HttpResponse:
    filters = payments.PaymentFilters(
        paid_from=date_param(request.GET.get("paid_from", "")),
        paid_to=date_param(request.GET.get("paid_to", "")),
    )
    found = payments.payment_search_for_user(user=request.user, filters=filters)
    return render(
        request,
        "reports/payment_list.html",
        {
            "filters": filters,
            "totals": payments.payment_totals(payments=found),
            "page": payments.payment_page(payments=found, number=request.GET.get("page")),
        },
    )
