from django.db import migrations


def grant_certificate_permissions(apps, schema_editor):
    from people.roles import sync_role_groups

    sync_role_groups(apps)


class Migration(migrations.Migration):
    dependencies = [
        ("certificates", "0001_initial"),
        ("courses", "0004_h5p_permissions"),
    ]

    operations = [
        migrations.RunPython(grant_certificate_permissions, migrations.RunPython.noop),
    ]
