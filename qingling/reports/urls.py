from django.urls import URLPattern, path

from qingling.reports.views import dashboard, home, ledger, payments

app_name = "reports"
urlpatterns: list[URLPattern] = [
    path("", dashboard.dashboard, name="dashboard"),  # statistics and charts
    # the ledger (工作台账) and the 两清零 view
    path("ledger/", ledger.ledger_list, name="ledger"),
    path("ledger.xlsx", ledger.ledger_export, name="ledger_export"),
    path("clearance/", ledger.clearance_view, name="clearance"),
    path("payments/", payments.payment_list, name="payment_list"),  # 清偿明细
    path("home/bulk/", home.home_bulk, name="home_bulk"),  # the home queues' bulk actions
]
