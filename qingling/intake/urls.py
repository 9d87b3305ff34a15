from django.urls import path

from qingling.intake import views

app_name = "intake"
urlpatterns = [
    path("", views.queue, name="queue"),
    path("all/", views.complaint_list, name="complaint_list"),
    path("all/export/", views.complaint_export, name="complaint_export"),
    path("new/", views.complaint_new, name="complaint_new"),
    path("<uuid:public_id>/", views.complaint_detail, name="complaint_detail"),
    path("<uuid:public_id>/decide/<str:action>/", views.complaint_decide, name="complaint_decide"),
    path("<uuid:public_id>/workers/", views.complaint_workers, name="complaint_workers"),
    path("<uuid:public_id>/settle/", views.complaint_settle, name="complaint_settle"),
    path(
        "<uuid:public_id>/notices/<uuid:notice_id>.<str:fmt>",
        views.notice_download,
        name="notice_download",
    ),
    path(
        "<uuid:public_id>/attachments/<int:attachment_id>/",
        views.attachment_download,
        name="attachment_download",
    ),
]
