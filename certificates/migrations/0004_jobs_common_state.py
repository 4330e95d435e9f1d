"""Issuance batches become core.jobs.Job. Existing batches keep their status
("running" and "done" are common states) and get their counts; a done batch
counts as finished when it was started, the best time there is."""

from django.db import migrations, models
from django.db.models import Count, F, Q


def fill_counts(apps, schema_editor):
    IssuanceBatch = apps.get_model("certificates", "IssuanceBatch")
    batches = IssuanceBatch.objects.annotate(
        total=Count("certificates"),
        issued=Count("certificates", filter=Q(certificates__status="issued")),
    )
    for batch in batches:
        IssuanceBatch.objects.filter(pk=batch.pk).update(
            progress_total=batch.total,
            progress_done=batch.issued,
            updated_at=batch.created_at,
        )
    IssuanceBatch.objects.filter(status="done").update(finished_at=F("created_at"))


class Migration(migrations.Migration):
    dependencies = [
        ("certificates", "0003_private_storage"),
    ]

    operations = [
        migrations.AddField(
            model_name="issuancebatch",
            name="attempts",
            field=models.PositiveSmallIntegerField(default=0, verbose_name="attempts"),
        ),
        migrations.AddField(
            model_name="issuancebatch",
            name="error",
            field=models.TextField(blank=True, verbose_name="error"),
        ),
        migrations.AddField(
            model_name="issuancebatch",
            name="finished_at",
            field=models.DateTimeField(
                blank=True, null=True, verbose_name="finished at"
            ),
        ),
        migrations.AddField(
            model_name="issuancebatch",
            name="progress_done",
            field=models.PositiveIntegerField(default=0, verbose_name="done"),
        ),
        migrations.AddField(
            model_name="issuancebatch",
            name="progress_total",
            field=models.PositiveIntegerField(default=0, verbose_name="in all"),
        ),
        migrations.AddField(
            model_name="issuancebatch",
            name="updated_at",
            field=models.DateTimeField(auto_now=True, verbose_name="updated at"),
        ),
        migrations.AlterField(
            model_name="issuancebatch",
            name="created_at",
            field=models.DateTimeField(auto_now_add=True, verbose_name="created at"),
        ),
        migrations.AlterField(
            model_name="issuancebatch",
            name="status",
            field=models.CharField(
                choices=[
                    ("pending", "waiting for a worker"),
                    ("running", "running"),
                    ("done", "done"),
                    ("failed", "failed"),
                ],
                default="pending",
                max_length=12,
                verbose_name="status",
            ),
        ),
        migrations.RunPython(fill_counts, migrations.RunPython.noop),
    ]
