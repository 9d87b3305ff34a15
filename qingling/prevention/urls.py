from django.urls import path

from qingling.prevention import views

app_name = "prevention"
urlpatterns = [
    path("warnings/", views.warning_list, name="warning_list"),
    path("warnings/<uuid:public_id>/", views.warning_detail, name="warning_detail"),
    path("warnings/<uuid:public_id>/<str:action>/", views.warning_act, name="warning_act"),
    path("months/", views.month_upload, name="month_upload"),
]
