from django.contrib import admin
from django.urls import include, path

from qingling.api.v1 import api

urlpatterns = [
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
    path("parties/", include("qingling.parties.urls")),
    path("", include("qingling.accounts.urls")),
]
