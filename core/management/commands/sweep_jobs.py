from django.core.management.base import BaseCommand

from core.jobs import registered, sweep


class Command(BaseCommand):
    help = (
        "Give up on background jobs tried too often, queue again those left "
        "waiting or whose worker died, and tidy up (what Celery beat runs "
        "every two minutes as core.tasks.sweep_jobs)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "kinds", nargs="*", help=f"only these kinds: {', '.join(registered())}"
        )

    def handle(self, *args, kinds, **options):
        unknown = set(kinds) - set(registered())
        if unknown:
            self.stderr.write(f"Unknown job kinds: {', '.join(sorted(unknown))}")
            return
        for name, queued in sweep(kinds or None).items():
            self.stdout.write(f"{name}: {queued} queued")
