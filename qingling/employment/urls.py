"""Staff pages of the return-to-work service, under /employment/."""

from django.urls import URLPattern, path

from qingling.employment.views import pairings, postings, seekers, trips

app_name = "employment"
urlpatterns: list[URLPattern] = [
    path("", seekers.home, name="home"),
    *seekers.urls,
    *postings.urls,
    *trips.urls,
    *pairings.urls,
]
