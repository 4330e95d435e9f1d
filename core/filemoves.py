"""Helpers for data migrations that move files from the public MEDIA_ROOT (or
an older folder) into the private storage. Each is idempotent: a file already
moved, or missing, is left alone, so a migration can run on any copy."""

import os
import shutil
from pathlib import Path

from django.conf import settings

from .storage import private_root


def move_file(source: Path, name: str) -> bool:
    """Move `source` to `name` in the private storage unless it is there."""
    target = private_root() / name
    if not source.is_file() or target.exists():
        return False
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.move(source, target)
    return True


def move_field_files(apps, label: str, *fields: str) -> None:
    """Move the files that rows of `label` name in `fields` from MEDIA_ROOT to
    the same names in the private storage."""
    media = Path(settings.MEDIA_ROOT)
    for row in apps.get_model(label).objects.only(*fields).iterator():
        for field in fields:
            name = getattr(row, field).name
            if name:
                move_file(media / name, name)


def move_tree(source: Path, name: str) -> None:
    """Merge the folder `source` into the private storage's folder `name`,
    file by file (what is already there wins), then drop what is left."""
    if not source.is_dir():
        return
    for folder, _dirs, files in os.walk(source):
        relative = Path(folder).relative_to(source)
        for file in files:
            move_file(Path(folder) / file, str(Path(name) / relative / file))
    shutil.rmtree(source, ignore_errors=True)
