from django.contrib.auth import views as auth_views
from django.urls import path

from qingling.accounts import views

app_name = "accounts"
urlpatterns = [
    path("", views.home, name="home"),
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(
            template_name="accounts/login.html", redirect_authenticated_user=True
        ),
        name="login",
    ),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("audit/<str:object_type>/<str:object_id>/", views.audit_history, name="audit_history"),
    path("calendar/", views.calendar, name="calendar"),
    path("imports/<uuid:public_id>/", views.import_job, name="import_job"),
]
