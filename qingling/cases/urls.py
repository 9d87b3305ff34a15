from django.urls import path

from qingling.cases import document_views, views

app_name = "cases"
urlpatterns = [
    path("", views.case_list, name="case_list"),
    path("open/", views.case_open, name="case_open"),
    path("<uuid:public_id>/", views.case_detail, name="case_detail"),
    path("<uuid:public_id>/act/<str:action>/", views.case_act, name="case_act"),
    path(
        "<uuid:public_id>/claims/<int:claim_id>/<str:action>/",
        views.claim_act,
        name="claim_act",
    ),
    path(
        "<uuid:public_id>/documents/generate/",
        document_views.document_generate_view,
        name="document_generate",
    ),
    path(
        "<uuid:public_id>/documents/<uuid:document_id>/",
        document_views.document_download,
        name="document_download",
    ),
    path("<uuid:public_id>/claims/import/", views.claims_import_view, name="claims_import"),
    path("<uuid:public_id>/archive/", document_views.case_archive_download, name="case_archive"),
]
