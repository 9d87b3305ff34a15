"""The public blacklist, mounted at /blacklist/ (no sign-in)."""

from django.urls import path

from qingling.sanctions.views import listings

app_name = "blacklist"
urlpatterns = [path("", listings.blacklist, name="list")]
