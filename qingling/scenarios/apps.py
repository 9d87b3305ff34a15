from django.apps import AppConfig


class ScenariosConfig(AppConfig):
    """Seasons replayed through the services (``qingling scenario``); depends on every
    other app, and nothing depends on it. It has no models."""

    name = "qingling.scenarios"
    label = "scenarios"
