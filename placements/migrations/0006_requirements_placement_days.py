from django.db import migrations

KIND = "placement_days"


def copy_placement_days(apps, schema_editor):
    """The placement-days requirement row of every existing track completion
    row, from the days the completion row held."""
    TrackCompletion = apps.get_model("courses", "TrackCompletion")
    Progress = apps.get_model("courses", "TrackRequirementProgress")
    batch = []
    rows = TrackCompletion.objects.values(
        "user_id", "track_id", "placement_days", "placement_days_needed"
    )
    for row in rows.order_by("pk").iterator(chunk_size=2000):
        batch.append(
            Progress(
                user_id=row["user_id"],
                track_id=row["track_id"],
                kind=KIND,
                done=row["placement_days"],
                needed=row["placement_days_needed"],
            )
        )
        if len(batch) >= 2000:
            Progress.objects.bulk_create(batch, ignore_conflicts=True)
            batch = []
    Progress.objects.bulk_create(batch, ignore_conflicts=True)


def remove_placement_days(apps, schema_editor):
    Progress = apps.get_model("courses", "TrackRequirementProgress")
    Progress.objects.filter(kind=KIND).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("placements", "0005_private_storage"),
        ("courses", "0009_requirements_progress"),
    ]

    operations = [
        migrations.RunPython(copy_placement_days, remove_placement_days),
    ]
