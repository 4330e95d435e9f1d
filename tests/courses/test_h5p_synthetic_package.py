"""The synthetic package of benchmarks/bench_reach.py
(benchmarks/h5p_synthetic.py): shaped like h5p.org's MultiChoice 1.16 one,
it passes our H5P validation and installs like an uploaded package."""

import io
import re
import zipfile

import pytest
from django.core.files.base import ContentFile

from benchmarks import h5p_synthetic
from courses.h5p import services, storage
from courses.h5p.validation import validate_package

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "public-media"
    settings.PRIVATE_MEDIA_ROOT = tmp_path
    return tmp_path


def test_synthetic_package_has_the_shape_of_the_real_multichoice_one():
    shape = h5p_synthetic.shape()

    assert shape["libraries"] == 7
    assert shape["library_files"] == 42
    assert 245_000 <= shape["js_css_bytes"] <= 265_000
    # Compresses like code, not like repeated text.
    assert 3.0 <= shape["js_css_gzip_ratio"] <= 4.5
    assert 70 * 1024 <= shape["font_bytes"] <= 110 * 1024
    assert 18_000 <= shape["image_bytes"] <= 24_000


def test_synthetic_package_is_built_the_same_every_time():
    assert h5p_synthetic.build_package() == h5p_synthetic.build_package()


def test_synthetic_package_passes_validation_with_its_dependency_chain():
    data = h5p_synthetic.build_package()

    info = validate_package(io.BytesIO(data), name="bench.h5p")

    assert info.main_library == "H5P.BenchChoice"
    assert {str(ref) for ref in info.libraries} == {
        "H5P.BenchChoice 1.16", "H5P.Question 1.5", "H5P.JoubelUI 1.3",
        "FontAwesome 4.5", "H5P.Transition 1.0", "H5P.FontIcons 1.0",
        "H5P.BenchCore 1.0",
    }  # fmt: skip
    question = next(m for r, m in info.libraries.items() if r.major == 1 and
                    r.machine_name == "H5P.Question")  # fmt: skip
    assert {d.machine_name for d in question.dependencies} >= {"H5P.JoubelUI"}


def test_synthetic_package_installs_its_libraries_and_content(
    django_capture_on_commit_callbacks,
):
    data = h5p_synthetic.build_package()

    with django_capture_on_commit_callbacks(execute=True):
        package = services.h5p_package_create(
            title=h5p_synthetic.TITLE, file=ContentFile(data, name="bench.h5p"), by=None
        )
    package.refresh_from_db()

    assert package.is_ready, package.error
    assert package.libraries.count() == 7
    font = storage.libraries_root() / "FontAwesome-4.5" / "fontawesome-webfont.woff2"
    assert h5p_synthetic.FONT_BYTES <= font.stat().st_size <= 110 * 1024
    image = storage.content_root(package) / "content" / "images" / "question-bench.png"
    assert image.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    # The player's aggregated assets: all seven libraries' code in one file
    # each, the main library's last (it needs the others).
    js = (storage.h5p_root() / "assets" / package.assets["js"]).read_text()
    assert js.index("H5P.Question=(function") < js.index("H5P.BenchChoice=(")
    assert package.assets["main"].startswith("H5P.BenchChoice 1.16")
    # The icon font comes cut down to the two glyphs the answers show,
    # inlined; the whole font only by its versioned URL, fetched by a phone
    # only if something shows another of its glyphs.
    css_file = storage.h5p_root() / "assets" / package.assets["css"]
    css = css_file.read_text()
    versioned = package.assets["libraries"]["FontAwesome-4.5"]
    assert f'url("/h5p/libraries/{versioned}/fontawesome-webfont.woff2")' in css
    face = r"@font-face\{font-family:'H5PFontAwesome4';[^}]*unicode-range:([^;}]+)"
    ranges = re.search(face, css).group(1).split(",")
    assert {"U+F10C", "U+F192"} <= set(ranges) and len(ranges) < 20
    assert css_file.with_name(css_file.name + ".br").stat().st_size < 40 * 1024


def test_font_is_referenced_by_a_library_stylesheet_and_used_by_the_answers():
    with zipfile.ZipFile(io.BytesIO(h5p_synthetic.build_package())) as archive:
        font_css = archive.read("FontAwesome-4.5/h5p-font-awesome.min.css").decode()
        choice_css = archive.read("H5P.BenchChoice-1.16/css/benchchoice.css").decode()

    assert "url('fontawesome-webfont.woff2') format('woff2')" in font_css
    assert "font-family:'H5PFontAwesome4'" in choice_css
