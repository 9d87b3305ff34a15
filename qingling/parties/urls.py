from django.urls import path

from qingling.parties import views

app_name = "parties"
urlpatterns = [
    path("people/", views.person_list, name="person_list"),
    path("people/new/", views.person_create, name="person_create"),
    path("people/<uuid:public_id>/", views.person_detail, name="person_detail"),
    path("people/<uuid:public_id>/edit/", views.person_edit, name="person_edit"),
    path("people/<uuid:public_id>/reveal/<str:field>/", views.person_reveal, name="person_reveal"),
    path("organizations/", views.organization_list, name="organization_list"),
    path("organizations/new/", views.organization_create, name="organization_create"),
    path("organizations/<uuid:public_id>/", views.organization_detail, name="organization_detail"),
    path("organizations/<uuid:public_id>/edit/", views.organization_edit, name="organization_edit"),
    path("projects/", views.project_list, name="project_list"),
    path("projects/new/", views.project_create, name="project_create"),
    path("projects/<uuid:public_id>/", views.project_detail, name="project_detail"),
    path(
        "projects/<uuid:public_id>/parties/new/",
        views.project_party_create,
        name="project_party_create",
    ),
    path(
        "projects/<uuid:public_id>/roster/add/",
        views.project_roster_add,
        name="project_roster_add",
    ),
    path(
        "projects/<uuid:public_id>/roster/import/",
        views.project_roster_import,
        name="project_roster_import",
    ),
]
