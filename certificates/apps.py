from django.apps import AppConfig
from django.core import checks
from django.utils.translation import gettext_lazy as _


class CertificatesConfig(AppConfig):
    name = "certificates"
    verbose_name = _("Certificates")

    def ready(self):
        from core import jobs

        from . import registrations  # noqa: F401
        from .bulk import BATCHES
        from .checks import check_pdf_fonts

        checks.register(check_pdf_fonts)
        jobs.register(BATCHES)
