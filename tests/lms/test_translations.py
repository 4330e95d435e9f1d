"""Chinese is the default language: every message must be translated, and the
compiled catalogue committed for fresh clones must match its source."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import polib
import pytest
from django.conf import settings

LOCALE = Path(settings.BASE_DIR) / "locale" / "zh_Hans" / "LC_MESSAGES"
SOURCE_DIRS = [
    "core",
    "lms",
    "people",
    "courses",
    "placements",
    "certificates",
    "cms",
    "reports",
    "importer",
    "demo",
]


def _untranslated(po: polib.POFile) -> list[str]:
    return [
        entry.msgid
        for entry in po
        if not entry.obsolete
        and (
            "fuzzy" in entry.flags
            or (entry.msgid_plural and not all(entry.msgstr_plural.values()))
            or (not entry.msgid_plural and not entry.msgstr)
        )
    ]


def test_every_chinese_message_is_translated():
    po = polib.pofile(str(LOCALE / "django.po"))
    assert len(po) > 50
    assert _untranslated(po) == []


def test_compiled_catalogue_matches_its_source():
    po = polib.pofile(str(LOCALE / "django.po"))
    mo = polib.mofile(str(LOCALE / "django.mo"))
    compiled = {(e.msgctxt, e.msgid): e.msgstr or e.msgstr_plural for e in mo}
    source = {
        (e.msgctxt, e.msgid): e.msgstr or e.msgstr_plural for e in po if not e.obsolete
    }
    assert compiled == source


def test_no_message_in_the_code_is_missing_from_the_catalogue(tmp_path):
    """Re-extract messages from a copy of the source and find none untranslated."""
    if not shutil.which("xgettext"):
        if os.environ.get("CI"):
            pytest.fail("gettext must be installed in CI (make system-packages)")
        pytest.skip("gettext (xgettext) is not installed")
    root = Path(settings.BASE_DIR)
    copy = tmp_path / "src"
    for name in [*SOURCE_DIRS, "templates", "locale"]:
        shutil.copytree(root / name, copy / name, ignore=shutil.ignore_patterns("*.mo"))
    shutil.copy(root / "manage.py", copy / "manage.py")
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "lms.settings.test"}
    subprocess.run(
        [sys.executable, "manage.py", "makemessages", "-l", "zh_Hans", "--no-obsolete"],
        cwd=copy,
        env=env,
        check=True,
        capture_output=True,
    )
    po = polib.pofile(str(copy / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"))
    assert _untranslated(po) == []
