"""The track requirement placements provides: approved job-shadowing days.
Registered in PlacementsConfig.ready()."""

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from courses.requirements import Progress, RequirementKind

from .selectors import approved_days_for


class PlacementDays(RequirementKind):
    """Approved days of the user's placements in rounds of the track's
    programme, against the track's minimum job-shadowing days (a Track field
    edited with the track in the admin, read only here)."""

    code = "placement_days"
    order = 30
    unit = _("days")
    summary = ("placement_days", "placement_days_needed")

    def progress(self, *, user, track) -> Progress:
        return Progress(
            done=approved_days_for(user=user, programme_id=track.programme_id),
            needed=track.min_placement_days,
            unit=self.unit,
        )

    def missing(self, progress: Progress) -> str:
        return gettext("Job-shadowing days: %(done)d of %(total)d.") % {
            "done": progress.done,
            "total": progress.needed,
        }
