"""``{% case_evidence case as panel %}``: what the case page's records, evidence and
archive cards show, so that ``cases/_evidence.html`` needs nothing from the page's view
but the case."""

from dataclasses import dataclass
from typing import Any

from django import forms, template

from qingling.accounts.permissions import Perm, can
from qingling.cases import selectors
from qingling.cases.archive import ARCHIVE_SECTIONS
from qingling.cases.forms import EvidenceForm, RecordForm, RecordScanForm
from qingling.cases.lifecycle import CaseStatus, StepActor
from qingling.cases.models import Case, InvestigationRecord
from qingling.cases.services import case_step_actors
from qingling.cases.views.evidence import record_inspector_choices
from qingling.core import clock

register = template.Library()


@dataclass
class RecordRow:
    record: InvestigationRecord
    scan_form: forms.Form | None = None


@register.simple_tag(takes_context=True)
def case_evidence(context: template.Context, case: Case) -> dict[str, Any]:
    request = context.get("request")
    user = getattr(request, "user", None)
    bound = context.get("bound_forms") or {}  # a refused form, shown again (views.cases)
    actors = case_step_actors(case, user)
    archive = selectors.case_archive_of(case=case)
    writable = archive is None
    on_team = can(user, Perm.CASE_WORK) and StepActor.CASE_INSPECTOR in actors and writable
    is_open = case.status != CaseStatus.CLOSED
    today = clock.local_today()
    inspectors = record_inspector_choices(case) if on_team and is_open else []
    sections = dict(ARCHIVE_SECTIONS)
    return {
        "archive": archive,
        "archive_items": [
            {**item, "section_label": sections.get(item["section"], "")}
            for item in (archive.items if archive else [])
        ],
        "records": [
            RecordRow(
                record=record,
                scan_form=(
                    bound.get(f"scan-{record.pk}") or RecordScanForm(prefix=f"scan-{record.pk}")
                )
                if on_team
                else None,
            )
            for record in selectors.case_records(case=case)
        ],
        "evidence": list(selectors.case_evidence(case=case)),
        "record_form": bound.get("record")
        or RecordForm(
            prefix="record",
            inspectors=inspectors,
            initial={
                "inspectors": [pk for pk, _label in inspectors],
                "subject_side": InvestigationRecord.Side.RESPONDENT,
                "place": case.project.address if case.project and case.project.address else "",
            },
        )
        if inspectors
        else None,
        "evidence_form": bound.get("evidence")
        or EvidenceForm(prefix="evidence", initial={"obtained_on": today})
        if on_team and is_open
        else None,
        "can_archive": writable
        and case.status == CaseStatus.CLOSED
        and bool(actors)
        and (can(user, Perm.CASE_WORK) or can(user, Perm.CASE_APPROVE)),
    }
