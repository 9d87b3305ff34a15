from django.contrib import admin
from django.urls import include, path

from qingling.api.v1 import api

urlpatterns = [
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
    path("open311/v2/", include("qingling.api.open311")),
    path("parties/", include("qingling.parties.urls")),
    path("complaints/", include("qingling.intake.urls")),
    path("cases/", include("qingling.cases.urls")),
    path("inspections/", include("qingling.inspections.urls")),
    path("prevention/", include("qingling.prevention.urls")),
    path("sanctions/", include("qingling.sanctions.urls")),
    path("blacklist/", include("qingling.sanctions.public_urls")),
    path("reports/", include("qingling.reports.urls")),
    path("ts/", include("qingling.intake.channels.web.urls")),
    path("notify/", include("qingling.notify.urls")),
    path("employment/", include("qingling.employment.urls")),
    path("portal/", include("qingling.portal.urls")),
    path("jobs/", include("qingling.employment.views.board")),
    path("", include("qingling.accounts.urls")),
]
