from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin

from .models import Cohort, Pairing, Profile, School, User


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
