"""The Wagtail admin for H5P packages: a listing, an upload form (title and
file) and an edit form that can replace the file. Every write goes through
courses.h5p.services, so files are validated before anything is stored and
removed only after the deleting transaction commits."""

from django import forms
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.panels import FieldPanel, ObjectList
from wagtail.admin.ui.tables import DateColumn
from wagtail.log_actions import log
from wagtail.snippets.bulk_actions.delete import DeleteBulkAction
from wagtail.snippets.views.snippets import CreateView, EditView

from core.snippets import DeleteView, SnippetViewSet
from courses.models import H5PPackage

from .services import (
    h5p_check_library_installs,
    h5p_package_create,
    h5p_package_delete,
    h5p_package_replace,
)
from .validation import validate_package


class H5PPackageForm(WagtailAdminModelForm):
    """Upload or replace a .h5p file. Its structure is validated here, and
    whether it would install or upgrade a library the user may not, so a bad
    package is refused with the reason and nothing is stored. An empty title
    takes the title inside the package."""

    class Meta:
        model = H5PPackage
        fields = ["title", "file"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.package_info = None
        self.fields["title"].required = False
        self.fields["title"].help_text = _(
            "Leave empty to use the title inside the package."
        )
        # A plain file input: the stored file is private and has no URL to
        # link to (Django's ClearableFileInput would ask for one).
        self.fields["file"].widget = forms.FileInput(attrs={"accept": ".h5p"})
        self.fields["file"].help_text = _(
            "An .h5p file exported from H5P, with its libraries."
        )

    def clean_file(self):
        file = self.cleaned_data.get("file")
        if isinstance(file, UploadedFile):
            self.package_info = validate_package(file)
            h5p_check_library_installs(info=self.package_info, by=self.for_user)
        return file

    def clean(self):
        cleaned = super().clean()
        if not (cleaned.get("title") or "").strip():
            if self.package_info is not None:
                cleaned["title"] = self.package_info.title[:255]
            elif self.instance.pk:
                cleaned["title"] = self.instance.title
        return cleaned

    def save(self, commit=True):
        file = self.cleaned_data.get("file")
        new_file = file if isinstance(file, UploadedFile) else None
        title = self.cleaned_data["title"]
        if self.instance._state.adding:
            self.instance = h5p_package_create(
                title=title, file=new_file, by=self.for_user
            )
        else:
            self.instance = h5p_package_replace(
                package=self.instance, title=title, file=new_file, by=self.for_user
            )
        return self.instance


class ServiceErrorsOnFormMixin:
    """Show a ValidationError the service raises (say, a library deleted
    since the form was validated) on the form instead of failing."""

    def form_valid(self, form):
        try:
            return super().form_valid(form)
        except ValidationError as error:
            form.add_error("file", error)
            self.produced_error_message = self.get_error_message()
            return self.form_invalid(form)


class H5PPackageCreateView(ServiceErrorsOnFormMixin, CreateView):
    pass


class H5PPackageEditView(ServiceErrorsOnFormMixin, EditView):
    pass


class H5PPackageDeleteView(DeleteView):
    def delete_action(self):
        with transaction.atomic():
            log(
                instance=self.object,
                action="wagtail.delete",
                user=self.request.user,
                deleted=True,
            )
            h5p_package_delete(package=self.object)


class H5PPackageDeleteBulkAction(DeleteBulkAction):
    """Bulk delete through the service too, so the files go with the rows."""

    models = [H5PPackage]

    @classmethod
    def execute_action(cls, objects, user=None, **kwargs):
        for package in objects:
            h5p_package_delete(package=package)
        return len(objects), 0


# Registered after (order=1) the snippets app's generic bulk delete, which it
# replaces for this model.
hooks.register("register_bulk_action", H5PPackageDeleteBulkAction, order=1)


class H5PPackageViewSet(SnippetViewSet):
    model = H5PPackage
    icon = "media"
    menu_label = _("H5P packages")
    menu_name = "h5p_packages"
    menu_order = 240
    add_to_admin_menu = True
    list_display = [
        "title",
        "main_library",
        "status",
        DateColumn("updated_at", label=_("updated at"), sort_key="updated_at"),
    ]
    list_filter = ["status"]
    search_fields = ["title", "main_library"]
    # Wagtail's copy view saves through this form, which would replace the
    # original package rather than copy it; a copy would share its files anyway.
    copy_view_enabled = False
    add_view_class = H5PPackageCreateView
    edit_view_class = H5PPackageEditView
    delete_view_class = H5PPackageDeleteView
    upload_handler = ObjectList(
        [FieldPanel("title"), FieldPanel("file")], base_form_class=H5PPackageForm
    )
    edit_handler = ObjectList(
        [
            FieldPanel("title"),
            FieldPanel("file", heading=_("Replace the H5P file")),
            FieldPanel("status", read_only=True),
            FieldPanel("error", read_only=True),
            FieldPanel("main_library", read_only=True),
        ],
        base_form_class=H5PPackageForm,
    )

    def get_add_view_kwargs(self, **kwargs):
        panel = self.upload_handler.bind_to_model(self.model)
        return super().get_add_view_kwargs(
            panel=panel, form_class=panel.get_form_class(), **kwargs
        )
