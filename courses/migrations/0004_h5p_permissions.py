from django.db import migrations


def grant_h5p_permissions(apps, schema_editor):
    from people.roles import sync_role_groups

    sync_role_groups(apps)


class Migration(migrations.Migration):
    dependencies = [
        ("courses", "0003_h5p"),
        ("people", "0002_roles"),
    ]

    operations = [
        migrations.RunPython(grant_h5p_permissions, migrations.RunPython.noop),
    ]
