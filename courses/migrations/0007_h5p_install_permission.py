from django.db import migrations
from django.db.models import Q


def grant_install_permission(apps, schema_editor):
    from people.roles import sync_role_groups

    sync_role_groups(apps)


def backfill_may_install(apps, schema_editor):
    """Packages uploaded before the permission existed may install libraries
    if they would be allowed to now: the system's (the seed's, no uploader),
    administrators' and the programme office's. Others have to be uploaded
    again by someone who may, should they need a library reinstalled."""
    H5PPackage = apps.get_model("courses", "H5PPackage")
    H5PPackage.objects.filter(
        Q(uploaded_by__isnull=True)
        | Q(uploaded_by__is_superuser=True)
        | Q(uploaded_by__groups__name="office")
    ).update(may_install_libraries=True)


class Migration(migrations.Migration):
    # After the last migration that synced the role groups, so this sync
    # keeps every permission those granted.
    dependencies = [
        ("courses", "0006_h5p_library_install"),
        ("placements", "0003_role_permissions"),
    ]

    operations = [
        migrations.RunPython(grant_install_permission, migrations.RunPython.noop),
        migrations.RunPython(backfill_may_install, migrations.RunPython.noop),
    ]
