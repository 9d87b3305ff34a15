from django.urls import path

from qingling.sanctions import views

app_name = "sanctions"
urlpatterns = [
    path("", views.listing_list, name="listing_list"),
    path("propose/", views.listing_propose, name="listing_propose"),
    path("<uuid:public_id>/", views.listing_detail, name="listing_detail"),
    path("<uuid:public_id>/act/<str:step>/", views.listing_act, name="listing_act"),
]
