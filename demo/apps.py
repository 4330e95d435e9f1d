from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DemoConfig(AppConfig):
    """The demo programme (`manage.py seed_demo`): the one place that loads
    every app's demo data, so it sits above all of them."""

    name = "demo"
    verbose_name = _("Demo programme")
