from django.urls import path

from qingling.intake.channels.web import views

app_name = "web_intake"
urlpatterns = [
    path("", views.complaint_new, name="complaint_new"),
    path("done/<uuid:public_id>/", views.complaint_done, name="done"),
    path("query/", views.progress_query, name="query"),
    path("callback/<str:token>/", views.callback, name="callback"),
    path("stop/<str:token>/", views.stop, name="stop"),
    path(
        "query/<uuid:public_id>/notices/<uuid:notice_id>.<str:fmt>",
        views.notice_download,
        name="notice_download",
    ),
]
