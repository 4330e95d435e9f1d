"""H5P packages become core.jobs.Job (attempts, counts, finished_at); a
package is one unit of work, done once ready."""

from django.db import migrations, models
from django.db.models import F


def fill_counts(apps, schema_editor):
    H5PPackage = apps.get_model("courses", "H5PPackage")
    H5PPackage.objects.update(progress_total=1)
    H5PPackage.objects.filter(status="ready").update(progress_done=1)
    H5PPackage.objects.filter(status__in=["ready", "failed"]).update(
        finished_at=F("updated_at")
    )


class Migration(migrations.Migration):
    dependencies = [
        ("courses", "0007_h5p_install_permission"),
    ]

    operations = [
        migrations.AddField(
            model_name="h5ppackage",
            name="attempts",
            field=models.PositiveSmallIntegerField(default=0, verbose_name="attempts"),
        ),
        migrations.AddField(
            model_name="h5ppackage",
            name="finished_at",
            field=models.DateTimeField(
                blank=True, null=True, verbose_name="finished at"
            ),
        ),
        migrations.AddField(
            model_name="h5ppackage",
            name="progress_done",
            field=models.PositiveIntegerField(default=0, verbose_name="done"),
        ),
        migrations.AddField(
            model_name="h5ppackage",
            name="progress_total",
            field=models.PositiveIntegerField(default=0, verbose_name="in all"),
        ),
        migrations.RunPython(fill_counts, migrations.RunPython.noop),
    ]
