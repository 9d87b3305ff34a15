"""``{% case_documents case as panel %}``: what the case page's documents card shows, so
that ``cases/_documents.html`` needs nothing from the page's view but the case."""

from dataclasses import dataclass, field
from typing import Any

from django import forms, template

from qingling.accounts.permissions import Perm, can
from qingling.cases.documents import document_list
from qingling.cases.forms import (
    SERVICE_FIELDS,
    FactsForRespondentForm,
    ServiceForm,
    SignedReceiptForm,
    VoidForm,
)
from qingling.cases.lifecycle import OPEN_STATUSES
from qingling.cases.models import Case, Document, Service
from qingling.cases.selectors import case_archive_of
from qingling.cases.services import case_step_actors
from qingling.cases.views.documents import document_forms
from qingling.core import clock

register = template.Library()


@dataclass
class ServiceRow:
    service: Service
    receipt_form: forms.Form | None = None


@dataclass
class DocumentRow:
    document: Document
    served: bool
    to_serve: bool = False  # a document served on the employer (Document.SERVED_ON_EMPLOYER)
    services: list[ServiceRow] = field(default_factory=list)
    serve_form: ServiceForm | None = None
    serve_method: str = ""
    void_form: forms.Form | None = None


@register.simple_tag(takes_context=True)
def case_documents(context: template.Context, case: Case) -> dict[str, Any]:
    request = context.get("request")
    user = getattr(request, "user", None)
    bound = context.get("bound_forms") or {}  # a refused form, shown again (views.cases)
    archived = case_archive_of(case=case) is not None  # read-only: nothing to offer
    can_generate = can(user, Perm.CASE_WORK) and bool(case_step_actors(case, user)) and not archived
    can_serve = can_generate and case.status in OPEN_STATUSES
    query = getattr(request, "GET", {})
    chosen_document = query.get("serve", "")
    chosen_method = query.get("method", "")
    rows = []
    for document in document_list(case=case):
        services = list(document.services.all())
        row = DocumentRow(
            document=document,
            served=bool(services),
            to_serve=document.kind in Document.SERVED_ON_EMPLOYER,
            services=[
                ServiceRow(
                    service=s,
                    receipt_form=bound.get(f"receipt-{s.pk}")
                    or SignedReceiptForm(prefix=f"receipt-{s.pk}")
                    if can_generate
                    else None,
                )
                for s in services
            ],
        )
        servable = (
            can_serve and not document.voided and document.kind in Document.SERVED_ON_EMPLOYER
        )
        if servable:
            row.serve_method = (
                chosen_method
                if chosen_document == str(document.public_id) and chosen_method in SERVICE_FIELDS
                else Service.Method.DIRECT
            )
            refused = bound.get(f"serve-{document.pk}")
            if refused is not None:
                row.serve_method = refused.method
            row.serve_form = refused or ServiceForm(
                method=row.serve_method,
                prefix=f"serve-{document.pk}",
                initial={"served_on": clock.local_today()},
            )
        if can_generate and not document.voided and not services:
            row.void_form = bound.get(f"void-{document.pk}") or VoidForm(
                prefix=f"void-{document.pk}"
            )
        rows.append(row)
    return {
        "rows": rows,
        "methods": Service.Method.choices,
        "chosen": chosen_document,
        "forms": [(kind, label, bound.get(kind) or form) for kind, label, form in document_forms()]
        if can_generate
        else [],
        "can_generate": can_generate,
        "facts_form": bound.get("facts")
        or FactsForRespondentForm(prefix="facts", initial={"text": case.facts_for_respondent})
        if can_serve
        else None,
    }
