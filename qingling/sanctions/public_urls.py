"""The public blacklist, mounted at /blacklist/ (no sign-in)."""

from django.urls import path

from qingling.sanctions import views

app_name = "blacklist"
urlpatterns = [path("", views.blacklist, name="list")]
