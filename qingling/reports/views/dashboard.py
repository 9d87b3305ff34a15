"""The dashboard (reports index): the period's figures, charts drawn on the server, and a
link from each figure to the records behind it where such a list exists and the user may
open it: the list, filtered by the period, shows the figure (docs/statistics.md)."""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any
from urllib.parse import urlencode

from django import forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from qingling.accounts.decorators import require_perm
from qingling.accounts.permissions import Perm, can
from qingling.cases import statistics as case_figures
from qingling.cases.lifecycle import CaseStatus
from qingling.core import clock
from qingling.core.exceptions import InvalidInput
from qingling.employment.models import Posting
from qingling.employment.selectors.trips import TRAVELLED, trip_destinations
from qingling.inspections.models import Finding, Inspection
from qingling.intake import statistics as complaint_figures
from qingling.prevention import selectors as warning_selectors
from qingling.reports import charts, ledger
from qingling.reports.statistics import (
    METRICS,
    Period,
    Scope,
    figure_parts,
    part_labels,
    period_check,
    scope_for_user,
    statistics_for_period,
)


class PeriodForm(forms.Form):
    start = forms.DateField(
        label=gettext_lazy("From"), widget=forms.DateInput(attrs={"type": "date"})
    )
    end = forms.DateField(label=gettext_lazy("To"), widget=forms.DateInput(attrs={"type": "date"}))

    period: Period

    def clean(self) -> dict[str, Any] | None:
        data = super().clean() or {}
        start, end = data.get("start"), data.get("end")
        if start and end:
            try:
                self.period = period_check(start=start, end=end)
            except InvalidInput as error:
                for name, messages in error.extra.get("fields", {}).items():
                    self.add_error("start" if name == "from" else "end", messages)
        return data


@dataclass(frozen=True)
class Figure:
    key: str
    label: str
    value: str
    href: str = ""
    parts: tuple[charts.Bar, ...] = ()
    parts_on_card: bool = False


def _url(name: str, **params: str | list[str]) -> str:
    return f"{reverse(name)}?{urlencode(params, doseq=True)}"


def _complaints_url(**params: str | list[str]) -> str:
    return _url("intake:complaint_list", **params)


def _ledger_url(**params: str) -> str:
    return _url("reports:ledger", **params)


def _trips_url(period: Period, **params: str) -> str:
    """The buses that left in the period: their boarded count is ``workers_transported``."""
    start, end = period.start.isoformat(), period.end.isoformat()
    return _url("employment:trip_list", status=TRAVELLED, date_from=start, date_to=end, **params)


def _links(period: Period, user: Any, scope: Scope) -> dict[str, str]:
    """The list behind each figure, where one exists and the user may open it (the lists
    filter by what they can). The employment lists are the city's (the trips list is
    refused to a district's staff), so a district's figures are not linked to them."""
    start, end = period.start.isoformat(), period.end.isoformat()
    links: dict[Perm, dict[str, str]] = {
        Perm.COMPLAINT_VIEW: {
            "complaints_accepted": _complaints_url(
                status=list(complaint_figures.ACCEPTED_STATUSES),
                decided_from=start,
                decided_to=end,
            ),
            "complaints_not_accepted": _complaints_url(
                status=list(complaint_figures.NOT_ACCEPTED_STATUSES),
                decided_from=start,
                decided_to=end,
            ),
            "complaints_received": _complaints_url(received_from=start, received_to=end),
            "hotline_replies": _complaints_url(
                channel=list(complaint_figures.HOTLINE_CHANNELS),
                replied_from=start,
                replied_to=end,
            ),
            "transfer_orders_handled": _complaints_url(
                channel=complaint_figures.TRANSFER_CHANNEL, replied_from=start, replied_to=end
            ),
        },
        Perm.CASE_VIEW: {
            "cases_opened": _ledger_url(opened_from=start, opened_to=end),
            "cases_closed": _ledger_url(status=CaseStatus.CLOSED),
            "cases_outstanding": _ledger_url(status=ledger.OPEN, opened_to=end),
            "amount_outstanding": _ledger_url(outstanding="on", opened_to=end),
            "workers_paid": _url("reports:payment_list", paid_from=start, paid_to=end),
            "amount_recovered": _url("reports:payment_list", paid_from=start, paid_to=end),
        },
        Perm.INSPECTION_VIEW: {
            key: _url(
                "inspections:home", status=Inspection.Status.DONE, done_from=start, done_to=end
            )
            for key in ("inspections", "inspector_visits", "projects_inspected")
        }
        | {
            "violations_corrected": _url(
                "inspections:finding_list",
                status=list(Finding.CORRECTED_STATUSES),
                corrected_from=start,
                corrected_to=end,
            ),
            "warnings_raised": _url("prevention:warning_list", raised_from=start, raised_to=end),
            "warnings_overdue": _url(
                "prevention:warning_list", overdue="1", due_from=start, due_to=end
            ),
        },
    }
    if scope.prefix is None and not scope.empty:
        links[Perm.EMPLOYMENT_VIEW] = {
            "postings_collected": _url(
                "employment:posting_list", collected_from=start, collected_to=end
            ),
            "trips": _trips_url(period),
            "workers_transported": _trips_url(period),
        }
    found: dict[str, str] = {}
    for perm, hrefs in links.items():
        if can(user, perm):
            found |= hrefs
    return found


def _part_links(
    key: str, value: dict[str, int], links: dict[str, str], period: Period
) -> dict[str, str]:
    """The list behind each part of a figure that has parts, where there is one."""
    if key == "complaints_received" and key in links:
        start, end = period.start.isoformat(), period.end.isoformat()
        return {
            channel: _complaints_url(channel=channel, received_from=start, received_to=end)
            for channel in value
        }
    if key == "warnings_raised" and key in links:
        return {level: f"{links[key]}&level={level}" for level in value}
    if key == "postings_collected" and key in links:
        return {scope: f"{links[key]}&scope={scope}" for scope in Posting.Scope.values}
    if key == "workers_transported_by_destination" and "workers_transported" in links and value:
        # The figure names the destinations; the list filters by their code. A name that
        # two destinations share is left unlinked rather than guessed.
        codes: dict[str, list[str]] = {}
        for division in trip_destinations().filter(name__in=list(value)):
            codes.setdefault(division.name, []).append(division.code)
        return {
            name: _trips_url(period, destination=found[0])
            for name, found in codes.items()
            if len(found) == 1
        }
    return {}


# Figures whose parts are shown on their card (the channels have a chart of their own).
PARTS_ON_CARD = {
    "postings_collected",
    "workers_transported_by_destination",
    "accepted_without_case",
    "warnings_raised",
}


def _figures(figures: dict[str, Any], period: Period, user: Any, scope: Scope) -> list[Figure]:
    links = _links(period, user, scope)
    labels = part_labels()
    found = []
    for key, value in figures.items():
        label = str(METRICS[key].label)
        if isinstance(value, dict):
            total, parts_of = figure_parts(value)
            hrefs = _part_links(key, parts_of, links, period)
            parts = tuple(
                charts.Bar(label=labels.get(sub, sub), value=count, href=hrefs.get(sub, ""))
                for sub, count in parts_of.items()
            )
            found.append(
                Figure(
                    key,
                    label,
                    str(total),
                    links.get(key, ""),
                    parts=parts,
                    parts_on_card=key in PARTS_ON_CARD,
                )
            )
        else:
            shown = f"{Decimal(value):,.2f}" if isinstance(value, str) else str(value)
            found.append(Figure(key, label, shown, href=links.get(key, "")))
    return found


def _charts(figures: list[Figure], period: Period, scope: Scope) -> list[charts.Chart]:
    by_channel = next((f.parts for f in figures if f.key == "complaints_received"), ())
    months = tuple(
        charts.Bar(label=f"{month:%Y-%m}", value=amount, display=f"{amount:,.2f}")
        for month, amount in case_figures.amount_recovered_by_month(period=period, scope=scope)
    )
    divisions = tuple(
        charts.Bar(label=name, value=count)
        for _code, name, count in case_figures.cases_outstanding_by_division(
            period=period, scope=scope
        )
    )
    specs = (
        ("chart-channels", _("Complaints received by channel"), _("Channel"), _("Complaints"),
         by_channel, charts.bar_chart),
        ("chart-recovered", _("Amount recovered by month (yuan)"), _("Month"), _("Yuan"),
         months, charts.column_chart),
        ("chart-open-cases", _("Open cases by division at the end of the period"),
         _("Division"), _("Open cases"), divisions, charts.bar_chart),
    )  # fmt: skip
    return [
        charts.Chart(
            id=chart_id,
            title=title,
            label_header=label_header,
            value_header=value_header,
            bars=bars,
            svg=draw(chart_id=chart_id, title=title, bars=bars),
        )
        for chart_id, title, label_header, value_header, bars, draw in specs
    ]


@dataclass(frozen=True)
class PanelGroup:
    title: str
    filter: str  # the list's parameter each line sets
    rows: list[warning_selectors.CountRow]


def _warning_panel(user: Any, period: Period) -> dict[str, Any]:
    """Warnings raised in the period by level, rule, county and month; each line links to
    the warning list with the period and its own filter (one query)."""
    counts = warning_selectors.warning_counts_for_user(
        user=user, raised_from=period.start, raised_to=period.end
    )
    return {
        "total": counts.total,
        "href": _url(
            "prevention:warning_list",
            raised_from=period.start.isoformat(),
            raised_to=period.end.isoformat(),
        ),
        "groups": [
            PanelGroup(_("By level"), "level", counts.by_level),
            PanelGroup(_("By rule"), "rule", counts.by_rule),
            PanelGroup(_("By county"), "county", counts.by_county),
            PanelGroup(_("By month of the data"), "month", counts.by_month),
        ],
    }


def _default_start(today: dt.date) -> dt.date:
    """1 January of the year of the latest complaint: this year on a working system, the
    whole replayed season on a demo database."""
    year = complaint_figures.latest_complaint_year() or today.year
    return dt.date(min(year, today.year), 1, 1)


@require_perm(Perm.STATS_VIEW)
def dashboard(request: HttpRequest) -> HttpResponse:
    today = clock.local_today()
    form = PeriodForm(
        {
            "start": request.GET.get("from") or _default_start(today).isoformat(),
            "end": request.GET.get("to", today.isoformat()),
        }
    )
    scope = scope_for_user(request.user)
    context: dict[str, Any] = {
        "form": form,
        "jurisdiction": request.user.org_unit.division if scope.prefix else None,  # type: ignore[union-attr]
    }
    if form.is_valid():
        period = form.period
        values = statistics_for_period(start=period.start, end=period.end, user=request.user)
        figures = _figures(values, period, request.user, scope)
        context |= {
            "period": period,
            "figures": figures,
            "charts": _charts(figures, period, scope),
        }
        if can(request.user, Perm.INSPECTION_VIEW):
            context["warning_panel"] = _warning_panel(request.user, period)
    return render(request, "reports/dashboard.html", context)
