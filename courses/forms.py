from django import forms
from django.utils.translation import gettext_lazy as _

from people.models import Cohort, Role, School


def draft_key(lesson_id: int, block_id: str) -> str:
    """Where a refused reflection answer waits in the session to be shown again."""
    return f"reflection-draft:{lesson_id}:{block_id}"


class ReflectionForm(forms.Form):
    text = forms.CharField(
        label=_("Your answer"),
        widget=forms.Textarea(attrs={"rows": 6}),
        max_length=5000,
    )


class GroupEnrolForm(forms.Form):
    """Whom to enrol in a track: a cohort, a school, a role, or where they meet."""

    cohort = forms.ModelChoiceField(
        label=_("Cohort"), queryset=Cohort.objects.all(), required=False
    )
    school = forms.ModelChoiceField(
        label=_("School"),
        queryset=School.objects.filter(kind__in=School.SUPPORTED_KINDS),
        required=False,
    )
    role = forms.ChoiceField(
        label=_("Role"),
        choices=[("", "---------"), (Role.TEACHER, Role.TEACHER.label),
                 (Role.PRINCIPAL, Role.PRINCIPAL.label)],
        required=False,
    )  # fmt: skip

    def clean(self):
        data = super().clean()
        if not (data.get("cohort") or data.get("school") or data.get("role")):
            raise forms.ValidationError(_("Choose a cohort, a school or a role."))
        return data
