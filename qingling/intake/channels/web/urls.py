from django.urls import path

from qingling.intake.channels.web import views

app_name = "web_intake"
urlpatterns = [
    path("", views.complaint_new, name="complaint_new"),
    path("done/<uuid:public_id>/", views.complaint_done, name="done"),
    path("query/", views.progress_query, name="query"),
]
