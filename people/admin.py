from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _

from .models import AuditEvent, Cohort, Pairing, Profile, School, User


class ProfileInline(admin.StackedInline):
    model = Profile
    can_delete = False
    filter_horizontal = ["supervised_schools"]


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    inlines = [ProfileInline]
    list_display = ["username", "name", "email", "is_active", "is_superuser"]
    search_fields = ["username", "name", "email"]
    fieldsets = [
        *DjangoUserAdmin.fieldsets,
        (None, {"fields": ["name", "must_change_password", "is_demo"]}),
    ]


admin.site.register(School)
admin.site.register(Pairing)
admin.site.register(Cohort, filter_horizontal=["members"])


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    """The security audit log, read-only (the Django admin is for
    administrators only: lms/urls.py)."""

    list_display = ["at", "action", "actor_name", "target", "ip", "facts"]
    list_filter = ["action", "at"]
    search_fields = ["actor_name", "target"]
    date_hierarchy = "at"
    list_per_page = 50
    # No second count over the whole table on filtered pages.
    show_full_result_count = False
    fields = ["at", "action", "actor", "actor_name", "target", "ip", "details"]

    @admin.display(description=_("details"))
    def facts(self, event):
        text = ", ".join(f"{key}: {value}" for key, value in event.details.items())
        return text if len(text) <= 80 else text[:79] + "…"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
