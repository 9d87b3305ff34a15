from django.urls import path

from qingling.cases import views

app_name = "cases"
urlpatterns = [
    path("", views.case_list, name="case_list"),
]
