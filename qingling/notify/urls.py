from django.urls import path

from qingling.notify import views

app_name = "notify"
urlpatterns = [
    path("outbox/", views.outbox_list, name="outbox_list"),
    path("outbox/<uuid:public_id>/retry/", views.outbox_retry, name="outbox_retry"),
    path("notifications/", views.notification_list, name="notification_list"),
    path("notifications/bell/", views.notification_bell, name="notification_bell"),
    path("notifications/read/", views.notifications_read_all, name="notifications_read_all"),
    path("notifications/settings/", views.notification_settings, name="notification_settings"),
    path("notifications/<uuid:public_id>/open/", views.notification_open, name="notification_open"),
]
