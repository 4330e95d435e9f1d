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
    assert base.STORAGES["staticfiles"]["BACKEND"] == (
        "whitenoise.storage.CompressedManifestStaticFilesStorage"
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
