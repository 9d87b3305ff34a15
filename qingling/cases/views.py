"""Staff pages of cases."""

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from qingling.accounts.decorators import require_perm
from qingling.accounts.permissions import Perm
from qingling.cases import selectors


@require_perm(Perm.CASE_VIEW)
def case_list(request: HttpRequest) -> HttpResponse:
    cases = selectors.case_list_for_user(user=request.user)
    page = Paginator(cases, 50).get_page(request.GET.get("page"))
    return render(request, "cases/case_list.html", {"page": page, "q": ""})
