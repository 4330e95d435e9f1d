"""Upgrading a copy whose private files still sit in the public MEDIA_ROOT:
the data migrations move them into the private storage, once."""

import shutil

from django.apps import apps

from core import filemoves
from core.storage import private_root
from tests.factories import CertificateFactory


def test_field_files_move_from_media_root_to_the_private_storage(
    db, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    certificate = CertificateFactory()
    name = certificate.pdf.name
    old = settings.MEDIA_ROOT / name
    old.parent.mkdir(parents=True)
    shutil.move(private_root() / name, old)  # the layout before the change

    filemoves.move_field_files(apps, "certificates.Certificate", "pdf")
    filemoves.move_field_files(apps, "certificates.Certificate", "pdf")  # again

    assert not old.exists()
    assert (private_root() / name).read_bytes().startswith(b"%PDF")


def test_a_tree_merges_into_the_private_storage_keeping_what_is_there(
    settings, tmp_path
):
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    source = tmp_path / "media" / "h5p" / "libraries"
    (source / "H5P.Foo-1.0").mkdir(parents=True)
    (source / "H5P.Foo-1.0" / "library.json").write_text("old copy")
    (source / "H5P.Bar-1.0").mkdir()
    (source / "H5P.Bar-1.0" / "bar.js").write_text("bar")
    kept = private_root() / "h5p" / "libraries" / "H5P.Foo-1.0" / "library.json"
    kept.parent.mkdir(parents=True)
    kept.write_text("already moved")

    filemoves.move_tree(source, "h5p/libraries")

    assert kept.read_text() == "already moved"
    assert (kept.parents[1] / "H5P.Bar-1.0" / "bar.js").read_text() == "bar"
    assert not source.exists()
