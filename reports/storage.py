"""Where export files live: the private storage, under exports/. They hold
personal data, so no URL serves them by path; the permission-checked download
view hands them out (core.serving)."""

from core.storage import private_storage

# Names of finished exports and the folder of half-written ones.
PREFIX = "exports"
TEMP_DIR = f"{PREFIX}/tmp"


def export_storage():
    """The private storage (a callable: ExportJob.file's storage)."""
    return private_storage()


def export_name(job) -> str:
    return f"{PREFIX}/{job.pk}-{job.token}.{job.fmt}"
