from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SanctionsConfig(AppConfig):
    name = "qingling.sanctions"
    label = "sanctions"
    verbose_name = _("Sanctions")

    def ready(self) -> None:
        from qingling.sanctions import checks  # noqa: F401  (registers the system check)
