"""``{% case_documents case as panel %}``: what the case page's documents card shows, so
that ``cases/_documents.html`` needs nothing from the page's view but the case."""

from typing import Any

from django import template

from qingling.accounts.permissions import Perm, can
from qingling.cases.documents import document_list
from qingling.cases.models import Case
from qingling.cases.services import case_step_actors
from qingling.cases.views.documents import document_forms

register = template.Library()


@register.simple_tag(takes_context=True)
def case_documents(context: template.Context, case: Case) -> dict[str, Any]:
    request = context.get("request")
    user = getattr(request, "user", None)
    can_generate = can(user, Perm.CASE_WORK) and bool(case_step_actors(case, user))
    return {
        "documents": list(document_list(case=case)),
        "forms": document_forms() if can_generate else [],
        "can_generate": can_generate,
    }
