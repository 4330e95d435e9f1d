"""Export jobs become core.jobs.Job: the row counts take the common names
(renamed, so the counts of existing jobs stay)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("reports", "0001_initial"),
    ]

    operations = [
        migrations.RenameField(
            model_name="exportjob", old_name="rows_written", new_name="progress_done"
        ),
        migrations.RenameField(
            model_name="exportjob", old_name="total_rows", new_name="progress_total"
        ),
        migrations.AlterField(
            model_name="exportjob",
            name="progress_done",
            field=models.PositiveIntegerField(default=0, verbose_name="done"),
        ),
        migrations.AlterField(
            model_name="exportjob",
            name="progress_total",
            field=models.PositiveIntegerField(default=0, verbose_name="in all"),
        ),
        migrations.AlterField(
            model_name="exportjob",
            name="attempts",
            field=models.PositiveSmallIntegerField(default=0, verbose_name="attempts"),
        ),
        migrations.AlterField(
            model_name="exportjob",
            name="created_at",
            field=models.DateTimeField(auto_now_add=True, verbose_name="created at"),
        ),
        migrations.AlterField(
            model_name="exportjob",
            name="error",
            field=models.TextField(blank=True, verbose_name="error"),
        ),
        migrations.AlterField(
            model_name="exportjob",
            name="finished_at",
            field=models.DateTimeField(
                blank=True, null=True, verbose_name="finished at"
            ),
        ),
        migrations.AlterField(
            model_name="exportjob",
            name="updated_at",
            field=models.DateTimeField(auto_now=True, verbose_name="updated at"),
        ),
    ]
