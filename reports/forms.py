"""Filters of the report pages. Their choices come from lists the view has
already read (the schools the asker may see, the tracks), so a form adds no
query; a school outside the asker's scope is simply not a valid choice."""

from django import forms
from django.utils.translation import gettext_lazy as _

from courses.models.learning import CompletionStatus
from people.models import Profile

SORT_CHOICES = [
    ("name", _("name")),
    ("school", _("school")),
    ("progress", _("hours, fewest first")),
    ("-progress", _("hours, most first")),
    ("status", _("status, not started first")),
    ("placement", _("job-shadowing days, fewest first")),
    ("certificates", _("certificates, most first")),
]


class _TrackForm(forms.Form):
    track = forms.ChoiceField(label=_("Track"), required=False)

    def __init__(self, *args, tracks, **kwargs):
        super().__init__(*args, **kwargs)
        self.tracks = {str(t.pk): t for t in tracks}
        self.fields["track"].choices = [(str(t.pk), t.name) for t in tracks]

    def clean_track(self):
        chosen = self.cleaned_data.get("track")
        if not chosen:
            # The track with the most learners in the asker's schools.
            return next(iter(self.tracks.values()), None)
        return self.tracks[chosen]


class OverviewForm(_TrackForm):
    """The office overview: one track across every supported school."""


class MatrixForm(_TrackForm):
    school = forms.ChoiceField(label=_("School"), required=False)
    seed = forms.ChoiceField(
        label=_("Seed teachers"),
        required=False,
        choices=[
            ("", _("everyone")),
            ("yes", _("seed teachers only")),
            ("no", _("other teachers only")),
        ],
    )
    subject = forms.ChoiceField(
        label=_("Subject"),
        required=False,
        choices=[("", _("all subjects")), *Profile.Subject.choices],
    )
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("any status")), *CompletionStatus.choices],
    )
    behind = forms.BooleanField(label=_("Behind schedule only"), required=False)
    sort = forms.ChoiceField(label=_("Sort by"), required=False, choices=SORT_CHOICES)

    def __init__(self, *args, schools, **kwargs):
        super().__init__(*args, **kwargs)
        self.schools = {str(s.pk): s for s in schools}
        self.fields["school"].choices = [
            ("", _("all my schools") if len(schools) > 1 else _("my school"))
        ] + [(str(s.pk), s.name) for s in schools]

    def clean_school(self):
        chosen = self.cleaned_data.get("school")
        return self.schools[chosen] if chosen else None

    def clean_sort(self):
        return self.cleaned_data.get("sort") or "name"

    def school_out_of_scope(self) -> bool:
        """Whether the request named a school the asker may not see (or one
        that does not exist): they are told nothing about it."""
        value = self.data.get("school", "")
        return bool(value) and value not in self.schools
