from django.urls import URLPattern, path

from qingling.reports import dashboard_views, ledger_views, payment_views

app_name = "reports"
urlpatterns: list[URLPattern] = [
    path("", dashboard_views.dashboard, name="dashboard"),  # statistics and charts
    # the ledger (工作台账) and the 两清零 view
    path("ledger/", ledger_views.ledger_list, name="ledger"),
    path("ledger.xlsx", ledger_views.ledger_export, name="ledger_export"),
    path("clearance/", ledger_views.clearance_view, name="clearance"),
    path("payments/", payment_views.payment_list, name="payment_list"),  # 清偿明细
]
