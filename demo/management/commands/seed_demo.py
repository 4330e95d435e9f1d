from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction


class Command(BaseCommand):
    help = (
        "Load the demo programme (schools, pairings, cohorts, accounts for every "
        "role, site content, courses, tracks and learners' progress). Idempotent: "
        "a second run changes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--force",
            action="store_true",
            help="Run even though demo mode is off (demo accounts still cannot "
            "sign in unless LMS_DEMO=1).",
        )

    def handle(self, *args, force=False, **options):
        if not settings.DEMO_MODE and not force:
            raise CommandError(
                "Demo mode is off (DEBUG and LMS_DEMO are unset): refusing to load "
                "demo accounts with published passwords. Use --force to load anyway."
            )
        from certificates import demo as certificates_demo
        from cms import demo as cms_demo
        from courses import demo as courses_demo
        from people import demo as people_demo
        from placements import demo as placements_demo
        from reports import demo as reports_demo

        with transaction.atomic():
            people_demo.seed()
            cms_demo.seed()
            courses_demo.seed()
            placements_demo.seed()
            reports_demo.seed()
            certificates_demo.seed()
        self.stdout.write(self.style.SUCCESS("Demo programme loaded."))
