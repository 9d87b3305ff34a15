from django.urls import path

from qingling.portal import views

app_name = "portal"
urlpatterns = [
    # the employer's
    path("", views.home, name="home"),
    path("login/", views.sign_in, name="login"),
    path("set-password/<str:uidb64>/<str:token>/", views.set_password, name="set_password"),
    path("projects/", views.project_list, name="project_list"),
    path("projects/<uuid:public_id>/", views.project_detail, name="project_detail"),
    path("cases/", views.case_list, name="case_list"),
    path("cases/<uuid:public_id>/", views.case_detail, name="case_detail"),
    path("orders/", views.order_list, name="order_list"),
    path("warnings/", views.warning_list, name="warning_list"),
    path("warnings/<uuid:public_id>/", views.warning_detail, name="warning_detail"),
    path("documents/", views.document_list, name="document_list"),
    path("documents/<uuid:public_id>/", views.document_detail, name="document_detail"),
    path("documents/<uuid:public_id>/confirm/", views.document_confirm, name="document_confirm"),
    path(
        "documents/<uuid:public_id>/download.<str:fmt>",
        views.document_download,
        name="document_download",
    ),
    path("uploads/", views.uploads, name="uploads"),
    # the bureau's
    path("staff/accounts/", views.staff_accounts, name="staff_accounts"),
    path(
        "staff/organizations/<uuid:public_id>/",
        views.staff_organization,
        name="staff_organization",
    ),
    path("staff/cases/<uuid:public_id>/", views.staff_case, name="staff_case"),
    path("staff/warnings/<uuid:public_id>/", views.staff_warning, name="staff_warning"),
    path("staff/proofs/<uuid:public_id>/", views.staff_proof_file, name="staff_proof_file"),
]
