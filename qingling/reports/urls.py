from django.urls import URLPattern

app_name = "reports"
urlpatterns: list[URLPattern] = []  # the ledger and the statistics add their pages here
