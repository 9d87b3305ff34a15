"""The dashboard (reports index): the period's figures, charts drawn on the server, and a
link from each figure to the records behind it where such a list exists."""

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
from qingling.accounts.permissions import Perm
from qingling.cases.lifecycle import CaseStatus
from qingling.core import clock
from qingling.core.exceptions import InvalidInput
from qingling.intake.lifecycle import ComplaintStatus
from qingling.intake.models import Channel
from qingling.reports import charts, ledger
from qingling.reports.statistics import (
    METRICS,
    Period,
    Scope,
    amount_recovered_by_month,
    cases_outstanding_by_division,
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


def _complaints_url(**params: str | list[str]) -> str:
    return f"{reverse('intake:complaint_list')}?{urlencode(params, doseq=True)}"


def _ledger_url(**params: str) -> str:
    return f"{reverse('reports:ledger')}?{urlencode(params)}"


def _links(period: Period) -> dict[str, str]:
    """The list behind each figure, where one exists (the lists filter by what they can)."""
    start, end = period.start.isoformat(), period.end.isoformat()
    return {
        "complaints_accepted": _complaints_url(
            status=[ComplaintStatus.ACCEPTED, ComplaintStatus.JOINED],
            decided_from=start,
            decided_to=end,
        ),
        "complaints_not_accepted": _complaints_url(
            status=[ComplaintStatus.NOT_ACCEPTED, ComplaintStatus.REFERRED],
            decided_from=start,
            decided_to=end,
        ),
        "complaints_received": _complaints_url(received_from=start, received_to=end),
        "hotline_replies": _complaints_url(
            channel=[Channel.HOTLINE_12345, Channel.HOTLINE_12333],
            replied_from=start,
            replied_to=end,
        ),
        "transfer_orders_handled": _complaints_url(
            channel=Channel.NATIONAL_PLATFORM, replied_from=start, replied_to=end
        ),
        "cases_opened": _ledger_url(opened_from=start, opened_to=end),
        "cases_closed": _ledger_url(status=CaseStatus.CLOSED),
        "cases_outstanding": _ledger_url(status=ledger.OPEN, opened_to=end),
        "amount_outstanding": _ledger_url(outstanding="on", opened_to=end),
    }


def _figures(figures: dict[str, Any], period: Period) -> list[Figure]:
    links = _links(period)
    channel_labels = dict(Channel.choices)
    found = []
    for key, value in figures.items():
        label = str(METRICS[key].label)
        if isinstance(value, dict):
            parts = tuple(
                charts.Bar(
                    label=str(channel_labels.get(sub, sub)),
                    value=count,
                    href=_complaints_url(channel=sub) if key == "complaints_received" else "",
                )
                for sub, count in value.items()
            )
            found.append(
                Figure(key, label, str(sum(value.values())), links.get(key, ""), parts=parts)
            )
        else:
            shown = f"{Decimal(value):,.2f}" if isinstance(value, str) else str(value)
            found.append(Figure(key, label, shown, href=links.get(key, "")))
    return found


def _charts(figures: list[Figure], period: Period, scope: Scope) -> list[charts.Chart]:
    by_channel = next((f.parts for f in figures if f.key == "complaints_received"), ())
    months = tuple(
        charts.Bar(label=f"{month:%Y-%m}", value=amount, display=f"{amount:,.2f}")
        for month, amount in amount_recovered_by_month(period=period, scope=scope)
    )
    divisions = tuple(
        charts.Bar(label=name, value=count)
        for _code, name, count in cases_outstanding_by_division(period=period, scope=scope)
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


def _default_period() -> tuple[dt.date, dt.date]:
    today = clock.local_today()
    return today.replace(month=1, day=1), today


@require_perm(Perm.STATS_VIEW)
def dashboard(request: HttpRequest) -> HttpResponse:
    start, end = _default_period()
    form = PeriodForm(
        {
            "start": request.GET.get("from", start.isoformat()),
            "end": request.GET.get("to", end.isoformat()),
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
        figures = _figures(values, period)
        context |= {
            "period": period,
            "figures": figures,
            "charts": _charts(figures, period, scope),
        }
    return render(request, "reports/dashboard.html", context)
