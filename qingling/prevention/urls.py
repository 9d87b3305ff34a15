from django.urls import path

from qingling.prevention import registry_views, views

app_name = "prevention"
urlpatterns = [
    path("warnings/", views.warning_list, name="warning_list"),
    path("warnings/export/", views.warning_export, name="warning_export"),
    path("warnings/<uuid:public_id>/", views.warning_detail, name="warning_detail"),
    path("warnings/<uuid:public_id>/<str:action>/", views.warning_act, name="warning_act"),
    path("months/", views.month_upload, name="month_upload"),
    path("compliance/", registry_views.compliance_list, name="compliance_list"),
    path(
        "compliance/<uuid:public_id>/",
        registry_views.compliance_project,
        name="compliance_project",
    ),
    path(
        "compliance/<uuid:public_id>/records/",
        registry_views.compliance_records,
        name="compliance_records",
    ),
    path(
        "compliance/<uuid:public_id>/deposit-draw/",
        registry_views.deposit_draw,
        name="deposit_draw",
    ),
    path(
        "compliance/<uuid:public_id>/<str:action>/",
        registry_views.compliance_act,
        name="compliance_act",
    ),
]
