"""Aggregate the player assets (courses.h5p.assets) of the packages installed
before they existed, so every ready package plays from them."""

import logging

from django.db import migrations

logger = logging.getLogger(__name__)


def build_assets(apps, schema_editor):
    from courses.h5p import assets

    H5PPackage = apps.get_model("courses", "H5PPackage")
    for package in H5PPackage.objects.filter(status="ready", assets={}):
        try:
            package.assets = assets.build(package)
        except (OSError, ValueError, KeyError, TypeError):
            logger.exception("The player assets of H5P package %s could not be built", package.pk)
            continue
        package.save(update_fields=["assets"])


class Migration(migrations.Migration):
    dependencies = [
        ("courses", "0011_h5p_assets"),
    ]

    operations = [
        migrations.RunPython(build_assets, migrations.RunPython.noop),
    ]
