from django.db import migrations


def grant_course_permissions(apps, schema_editor):
    from people.roles import sync_role_groups

    sync_role_groups(apps)


class Migration(migrations.Migration):
    dependencies = [
        ("courses", "0001_initial"),
        ("people", "0002_roles"),
    ]

    operations = [
        migrations.RunPython(grant_course_permissions, migrations.RunPython.noop),
    ]
