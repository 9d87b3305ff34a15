from django.urls import path

from qingling.inspections import views

app_name = "inspections"
urlpatterns = [
    path("", views.home, name="home"),
    path("export/", views.inspection_export, name="inspection_export"),
    path("new/", views.inspection_new, name="inspection_new"),
    path("plan/", views.inspection_plan, name="inspection_plan"),
    path("findings/", views.finding_list, name="finding_list"),
    path("campaigns/", views.campaign_list, name="campaign_list"),
    path("campaigns/new/", views.campaign_new, name="campaign_new"),
    path("campaigns/<uuid:public_id>/", views.campaign_detail, name="campaign_detail"),
    path("<uuid:public_id>/", views.inspection_detail, name="inspection_detail"),
    path("<uuid:public_id>/evidence/", views.evidence_add, name="evidence_add"),
    path(
        "<uuid:public_id>/evidence/<int:evidence_id>/",
        views.evidence_download,
        name="evidence_download",
    ),
    path("findings/<uuid:public_id>/<str:action>/", views.finding_act, name="finding_act"),
]
