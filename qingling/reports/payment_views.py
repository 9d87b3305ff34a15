"""The payments list (清偿明细), behind the dashboard's workers paid and amount recovered."""

import datetime as dt

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from qingling.accounts.decorators import require_perm
from qingling.accounts.permissions import Perm
from qingling.reports import payments


def _day(text: str) -> dt.date | None:
    """A ``YYYY-MM-DD`` filter value; anything else is no filter."""
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        return None


@require_perm(Perm.CASE_VIEW)
def payment_list(request: HttpRequest) -> HttpResponse:
    filters = payments.PaymentFilters(
        paid_from=_day(request.GET.get("paid_from", "")),
        paid_to=_day(request.GET.get("paid_to", "")),
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
