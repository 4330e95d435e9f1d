from django import forms
from django.utils.translation import gettext_lazy as _

from courses.models import CoursePage, Track
from people.models import Cohort, Role, School, User

from .models import Certificate, CertificateTemplate


def _track_field(required=False):
    return forms.ModelChoiceField(
        label=_("Track"),
        queryset=Track.objects.order_by("name"),
        required=required,
    )


def _course_field(required=False):
    return forms.ModelChoiceField(
        label=_("Course"),
        queryset=CoursePage.objects.order_by("title"),
        required=required,
    )


class _TrackOrCourse(forms.Form):
    """A certificate is for a track or for a course, never both."""

    def clean(self):
        data = super().clean()
        if bool(data.get("track")) == bool(data.get("course")):
            raise forms.ValidationError(_("Choose a track or a course, not both."))
        return data


class SchoolFilterForm(forms.Form):
    track = _track_field()
    course = _course_field()
    school = forms.ModelChoiceField(
        label=_("School"), queryset=School.objects.none(), required=False
    )

    def __init__(self, *args, schools, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["school"].queryset = schools


class OfficeFilterForm(forms.Form):
    q = forms.CharField(label=_("Name or serial"), required=False, max_length=100)
    status = forms.ChoiceField(
        label=_("Status"),
        choices=[("", _("all"))] + list(Certificate.Status.choices),
        required=False,
    )
    track = _track_field()
    course = _course_field()
    school = forms.ModelChoiceField(
        label=_("School"), queryset=School.objects.all(), required=False
    )


class IssueForm(_TrackOrCourse):
    holder = forms.CharField(
        label=_("Holder (username)"),
        max_length=150,
        help_text=_("Type a username or pick a name from the list."),
        widget=forms.TextInput(attrs={"list": "holders", "autocomplete": "off"}),
    )
    track = _track_field()
    course = _course_field()
    template = forms.ModelChoiceField(
        label=_("Certificate template"),
        queryset=CertificateTemplate.objects.order_by("name"),
    )

    def clean_holder(self):
        username = self.cleaned_data["holder"].strip()
        user = User.objects.filter(
            username__iexact=username, profile__role__in=[Role.TEACHER, Role.PRINCIPAL]
        ).first()
        if user is None:
            raise forms.ValidationError(_("No teacher or principal has that username."))
        return user


class OverrideForm(forms.Form):
    override_reason = forms.CharField(
        label=_("Justification for issuing without completion"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "Needed because the holder has not completed; recorded in the audit log."
        ),
    )


class RevokeForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for revocation"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Recorded in the audit log; never shown to the public."),
    )


class BulkForm(_TrackOrCourse):
    track = _track_field()
    course = _course_field()
    school = forms.ModelChoiceField(
        label=_("Only the staff of this school"),
        queryset=School.objects.filter(kind__in=School.SUPPORTED_KINDS),
        required=False,
    )
    cohort = forms.ModelChoiceField(
        label=_("Only the members of this cohort"),
        queryset=Cohort.objects.all(),
        required=False,
    )
    template = forms.ModelChoiceField(
        label=_("Certificate template"),
        queryset=CertificateTemplate.objects.order_by("name"),
    )


class SerialLookupForm(forms.Form):
    serial = forms.CharField(
        label=_("Certificate serial number"),
        max_length=40,
        widget=forms.TextInput(
            attrs={"placeholder": "LSNU-2021-000123", "autocapitalize": "characters"}
        ),
    )
