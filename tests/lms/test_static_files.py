"""Static files as production writes and serves them: collectstatic with
WhiteNoise's CompressedManifestStaticFilesStorage (settings.base) writes a
brotli and a gzip copy beside each text file, and WhiteNoise sends the brotli
one to a browser that accepts it."""

import gzip
import json

import brotli
import pytest
from django.core.management import call_command
from django.test import Client

from lms.settings import base

BROWSER = {"HTTP_ACCEPT_ENCODING": "gzip, deflate, br"}


@pytest.fixture(scope="module")
def collected(tmp_path_factory):
    """STATIC_ROOT as `collectstatic` writes it with the production storage."""
    root = tmp_path_factory.mktemp("staticfiles")
    return root


@pytest.fixture
def static_root(collected, settings):
    settings.STATIC_ROOT = collected
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": base.STORAGES["staticfiles"],
    }
    settings.WHITENOISE_AUTOREFRESH = False
    settings.WHITENOISE_USE_FINDERS = False
    if not (collected / "staticfiles.json").exists():
        call_command("collectstatic", interactive=False, verbosity=0)
    manifest = json.loads((collected / "staticfiles.json").read_text())["paths"]
    return collected, manifest


def test_production_storage_precompresses_with_brotli():
    from whitenoise.storage import CompressedManifestStaticFilesStorage

    from core.static_storage import MinifiedStaticFilesStorage

    assert base.STORAGES["staticfiles"]["BACKEND"] == (
        "core.static_storage.MinifiedStaticFilesStorage"
    )
    assert issubclass(MinifiedStaticFilesStorage, CompressedManifestStaticFilesStorage)


def test_our_scripts_and_stylesheets_are_minified_and_others_left_alone(
    static_root, settings
):
    from pathlib import Path

    root, manifest = static_root
    source = Path(settings.BASE_DIR) / "static"
    for name in ("js/site.js", "js/outbox.js", "js/h5p-lesson.js"):
        collected = (root / manifest[name]).read_text()
        original = (source / name).read_text()
        assert len(collected) < 0.85 * len(original), name
        assert "\n  " not in collected, name  # no indentation left
    css = (root / manifest["css/site.css"]).read_text()
    assert "/*" not in css and len(css) < (source / "css/site.css").stat().st_size
    # The frame's bootstrap is copied from h5p-lesson.js's own source: it
    # survives minifying.
    assert "function bridge(" in (root / manifest["js/h5p-lesson.js"]).read_text()
    player = root / manifest["h5p-standalone/frame.bundle.js"]
    assert (
        player.read_bytes()
        == (
            Path(settings.BASE_DIR) / "node_modules/h5p-standalone/dist/frame.bundle.js"
        ).read_bytes()
    )


def test_collectstatic_writes_brotli_and_gzip_copies_of_site_css(static_root):
    root, manifest = static_root
    hashed = root / manifest["css/site.css"]
    original = hashed.read_bytes()

    brotli_copy = hashed.with_name(hashed.name + ".br")
    gzip_copy = hashed.with_name(hashed.name + ".gz")
    assert brotli.decompress(brotli_copy.read_bytes()) == original
    assert gzip.decompress(gzip_copy.read_bytes()) == original
    assert brotli_copy.stat().st_size < gzip_copy.stat().st_size < len(original)
    # Already compressed formats get no copies.
    fonts = [name for name in manifest.values() if name.endswith(".woff2")]
    for name in fonts:
        assert not (root / f"{name}.br").exists(), name


def test_whitenoise_sends_brotli_to_a_browser_that_accepts_it(static_root):
    root, manifest = static_root
    url = f"/static/{manifest['css/site.css']}"
    original = (root / manifest["css/site.css"]).read_bytes()

    response = Client().get(url, **BROWSER)
    assert response.status_code == 200
    assert response["Content-Encoding"] == "br"
    assert "Accept-Encoding" in response["Vary"]
    assert brotli.decompress(b"".join(response.streaming_content)) == original
    assert "immutable" in response["Cache-Control"]

    older = Client().get(url, HTTP_ACCEPT_ENCODING="gzip")
    assert older["Content-Encoding"] == "gzip"
    assert gzip.decompress(b"".join(older.streaming_content)) == original
