from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "qingling.api"
    label = "api"
    verbose_name = "API"
