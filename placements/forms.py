from django import forms
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from courses.models import Programme
from people.models import Cohort, Role, School, User

from .attachments import MAX_PER_LOG, allowed_suffixes
from .models import Activity, Focus, Placement, PlacementRound, Rating

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class PersonChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        # The username tells apart two people of the same name.
        school = getattr(getattr(obj, "profile", None), "school", None)
        where = f"{school} · {obj.username}" if school else obj.username
        return f"{obj}（{where}）"


class MentorChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj}（{obj.profile.school}）"


class RoundForm(forms.ModelForm):
    class Meta:
        model = PlacementRound
        fields = ["programme", "name", "starts_on", "ends_on", "notes"]
        widgets = {
            "starts_on": DATE,
            "ends_on": DATE,
            "notes": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        programmes = Programme.objects.all()
        self.fields["programme"].queryset = programmes
        if not self.is_bound and len(programmes) == 1:
            self.initial.setdefault("programme", programmes[0].pk)


class PlanForm(forms.Form):
    """Whom to place at which host school, with which mentor, when."""

    host_school = forms.ModelChoiceField(
        label=_("Host school"),
        queryset=School.objects.filter(kind=School.Kind.HOST).order_by("code"),
    )
    mentor = MentorChoiceField(
        label=_("Mentor"),
        queryset=User.objects.filter(profile__role=Role.MENTOR)
        .select_related("profile__school")
        .order_by("profile__school__code", "name"),
    )
    focus = forms.ChoiceField(label=_("Focus"), choices=Focus.choices)
    starts_on = forms.DateField(label=_("From"), widget=DATE)
    ends_on = forms.DateField(label=_("To"), widget=DATE)
    cohort = forms.ModelChoiceField(
        label=_("A whole cohort"),
        queryset=Cohort.objects.all(),
        required=False,
        help_text=_("Its teachers and principals are added to those ticked below."),
    )
    participants = PersonChoiceField(
        label=_("Participants"),
        queryset=User.objects.filter(
            profile__role__in=[Role.TEACHER, Role.PRINCIPAL],
            profile__school__kind__in=School.SUPPORTED_KINDS,
        )
        .select_related("profile__school")
        .order_by("profile__school__code", "name"),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    def clean(self):
        data = super().clean()
        people = set(data.get("participants") or [])
        cohort = data.get("cohort")
        if cohort:
            people |= set(
                cohort.members.filter(
                    profile__role__in=[Role.TEACHER, Role.PRINCIPAL]
                ).select_related("profile__school")
            )
        if not people and not self.errors:
            raise forms.ValidationError(_("Choose participants or a cohort."))
        data["people"] = sorted(people, key=lambda u: u.pk)
        return data


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"multiple": True}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(d, initial) for d in data if d]
        return [single(data, initial)] if data else []


class LogForm(forms.Form):
    date = forms.DateField(label=_("Date"), widget=DATE)
    activities = forms.MultipleChoiceField(
        label=_("Activities"),
        choices=Activity.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    did = forms.CharField(
        label=_("What I did"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Lessons observed or taught, meetings, who you worked with."),
    )
    learned = forms.CharField(
        label=_("What I learned"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("What you will try at your own school."),
    )
    files = MultipleFileField(
        label=_("Photos and lesson plans"),
        required=False,
        help_text=format_lazy(
            _("Up to {n} files: {types}."), n=MAX_PER_LOG, types=allowed_suffixes()
        ),
    )


class ReportForm(forms.Form):
    report = forms.CharField(
        label=_("Reflection report (研修总结)"),
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 8}),
    )


class ConfirmLogForm(forms.Form):
    confirmed = forms.BooleanField(required=False)
    note = forms.CharField(label=_("Note"), max_length=1000, required=False)


class EvaluationForm(forms.Form):
    # No rating is chosen for the mentor: a careless submit must not say "excellent".
    rating = forms.ChoiceField(
        label=_("Rating"), choices=[("", _("Choose a rating"))] + Rating.choices
    )
    evaluation = forms.CharField(
        label=_("Evaluation"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("At least 20 characters."),
    )


class ReturnForm(forms.Form):
    comment = forms.CharField(
        label=_("What should be improved"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class RescheduleForm(forms.Form):
    starts_on = forms.DateField(label=_("From"), widget=DATE)
    ends_on = forms.DateField(label=_("To"), widget=DATE)


class OfficeFilterForm(forms.Form):
    round = forms.ModelChoiceField(
        label=_("Round"),
        queryset=PlacementRound.objects.all(),
        required=False,
        empty_label=_("All rounds"),
    )
    host_school = forms.ModelChoiceField(
        label=_("Host school"),
        queryset=School.objects.filter(kind=School.Kind.HOST).order_by("code"),
        required=False,
        empty_label=_("All host schools"),
    )
    status = forms.ChoiceField(
        label=_("Status"),
        choices=[("", _("all"))] + Placement.Status.choices,
        required=False,
    )
