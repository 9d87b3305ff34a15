from django.urls import path

from qingling.notify import views

app_name = "notify"
urlpatterns = [
    path("outbox/", views.outbox_list, name="outbox_list"),
    path("outbox/<uuid:public_id>/retry/", views.outbox_retry, name="outbox_retry"),
]
