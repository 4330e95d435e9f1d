from django.db import migrations


def grant_placement_permissions(apps, schema_editor):
    from people.roles import sync_role_groups

    sync_role_groups(apps)


class Migration(migrations.Migration):
    dependencies = [
        ("placements", "0002_attachment_thumbnail"),
        ("certificates", "0002_role_permissions"),
    ]

    operations = [
        migrations.RunPython(grant_placement_permissions, migrations.RunPython.noop),
    ]
