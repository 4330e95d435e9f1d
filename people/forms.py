from django import forms
from django.utils.translation import gettext_lazy as _
from wagtail.users.forms import UserCreationForm, UserEditForm

from .models import Profile, Role, School
from .services import profile_set_role


class ProfileFieldsMixin(forms.Form):
    """Adds the full name and the profile (role, school, subject) to Wagtail's
    user forms. Chinese and Yi names have no first/last split."""

    name = forms.CharField(label=_("Full name"), max_length=100)
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)
    school = forms.ModelChoiceField(
        label=_("School"), queryset=School.objects.all(), required=False
    )
    subject = forms.ChoiceField(
        label=_("Subject"),
        choices=[("", "---------"), *Profile.Subject.choices],
        required=False,
    )
    is_seed_teacher = forms.BooleanField(label=_("Seed teacher"), required=False)

    profile_fields = ("role", "school", "subject", "is_seed_teacher")

    def __init__(self, *args, for_user=None, **kwargs):
        super().__init__(*args, **kwargs)
        for field in ("first_name", "last_name"):
            self.fields.pop(field, None)
        # Office staff manage people through their role; only administrators
        # may grant administrator rights or groups beyond the role's own.
        if for_user is None or not for_user.is_superuser:
            for field in ("is_superuser", "groups"):
                if field in self.fields:
                    self.fields[field].disabled = True
        profile = getattr(self.instance, "profile", None) if self.instance.pk else None
        if profile is not None:
            for field in self.profile_fields:
                self.initial[field] = getattr(profile, field)
            self.initial["school"] = profile.school_id

    def save_profile(self, user):
        profile, _created = Profile.objects.get_or_create(
            user=user, defaults={"role": self.cleaned_data["role"]}
        )
        profile.school = self.cleaned_data["school"]
        profile.subject = self.cleaned_data["subject"] or ""
        profile.is_seed_teacher = self.cleaned_data["is_seed_teacher"]
        profile.save()
        profile_set_role(profile=profile, role=self.cleaned_data["role"])


class LmsUserCreationForm(ProfileFieldsMixin, UserCreationForm):
    class Meta(UserCreationForm.Meta):
        fields = UserCreationForm.Meta.fields - {"first_name", "last_name"} | {"name"}

    def save(self, commit=True):
        user = super().save(commit=False)
        # Someone else chose this password: the person must replace it.
        user.must_change_password = True
        if commit:
            user.save()
            self.save_m2m()
            self.save_profile(user)
        return user


class LmsUserEditForm(ProfileFieldsMixin, UserEditForm):
    class Meta(UserEditForm.Meta):
        fields = UserEditForm.Meta.fields - {"first_name", "last_name"} | {"name"}

    def save(self, commit=True):
        user = super().save(commit=commit)
        if commit:
            self.save_profile(user)
        return user
