"""courses.h5p.assets on hand-made libraries: the load order, what is
inlined into the aggregated CSS and what is not, versioned folders."""

import json
from types import SimpleNamespace

import pytest

from courses.h5p import assets, storage


@pytest.fixture
def private(settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    return tmp_path / "private"


def _library(folder, *, deps=(), js=(), css=(), files=None, patch=0):
    machine, version = folder.rsplit("-", 1)
    major, minor = version.split(".")
    root = storage.library_dir(folder)
    root.mkdir(parents=True)
    meta = {
        "machineName": machine,
        "majorVersion": int(major),
        "minorVersion": int(minor),
        "patchVersion": patch,
        "preloadedJs": [{"path": p} for p in js],
        "preloadedCss": [{"path": p} for p in css],
        "preloadedDependencies": [
            {
                "machineName": d.rsplit("-", 1)[0],
                "majorVersion": int(d.rsplit("-", 1)[1].split(".")[0]),
                "minorVersion": int(d.rsplit("-", 1)[1].split(".")[1]),
            }
            for d in deps
        ],
    }
    (root / "library.json").write_text(json.dumps(meta))
    for name, data in (files or {}).items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data if isinstance(data, bytes) else data.encode())
    return root


def _package(pk, *deps, main):
    h5p_json = {
        "mainLibrary": main,
        "preloadedDependencies": [
            {
                "machineName": d.rsplit("-", 1)[0],
                "majorVersion": int(d.rsplit("-", 1)[1].split(".")[0]),
                "minorVersion": int(d.rsplit("-", 1)[1].split(".")[1]),
            }
            for d in deps
        ],
    }
    content = storage.content_root(pk) / "content"
    content.mkdir(parents=True)
    (content / "content.json").write_text('{"q": 1}')
    (content / "images").mkdir()
    (content / "images" / "a.png").write_bytes(b"\x89PNG" + b"0" * 100)
    return SimpleNamespace(pk=pk, h5p_json=h5p_json)


def test_libraries_load_after_what_they_depend_on(private):
    _library("H5P.Base-1.0", js=["base.js"], files={"base.js": "var BASE=1;"})
    _library(
        "H5P.Question-1.5",
        deps=["H5P.Base-1.0", "H5P.JoubelUI-1.3"],
        js=["question.js"],
        files={"question.js": "var Q=BASE;"},
    )
    _library(
        "H5P.JoubelUI-1.3",
        deps=["H5P.Base-1.0"],
        js=["ui.js"],
        files={"ui.js": "var UI=BASE;"},
    )
    _library(
        "H5P.Choice-1.16",
        deps=["H5P.Question-1.5", "H5P.JoubelUI-1.3"],
        js=["choice.js"],
        files={"choice.js": "var C=Q+UI;"},
    )
    package = _package(1, "H5P.Choice-1.16", "H5P.Question-1.5", main="H5P.Choice")

    built = assets.build(package)

    order = assets.dependency_order(package.h5p_json)
    assert order == [
        "H5P.Base-1.0",
        "H5P.JoubelUI-1.3",
        "H5P.Question-1.5",
        "H5P.Choice-1.16",
    ]
    js = assets.asset_file(built["js"]).read_text()
    positions = [js.index(code) for code in ("BASE=1", "UI=BASE", "Q=BASE", "C=Q+UI")]
    assert positions == sorted(positions)
    assert built["main"] == "H5P.Choice 1.16"
    assert built["files"] == [["images/a.png", 104]]
    assert set(built["libraries"]) == set(order)


def test_a_dependency_cycle_does_not_loop(private):
    _library("H5P.A-1.0", deps=["H5P.B-1.0"], js=["a.js"], files={"a.js": "A"})
    _library("H5P.B-1.0", deps=["H5P.A-1.0"], js=["b.js"], files={"b.js": "B"})
    package = _package(2, "H5P.A-1.0", main="H5P.A")

    assert assets.dependency_order(package.h5p_json) == ["H5P.B-1.0", "H5P.A-1.0"]


def test_css_gets_its_fonts_and_small_images_inlined_and_links_the_rest(private):
    big = b"\x89PNG" + b"1" * (assets.INLINE_IMAGE_BYTES + 1)
    _library("H5P.Other-1.0", files={"shared.png": b"\x89PNGsmall"})
    _library(
        "H5P.Icons-1.0",
        deps=["H5P.Other-1.0"],
        css=["styles/icons.css"],
        files={
            "styles/icons.css": (
                "@font-face{font-family:'Icons';"
                "src:url('../fonts/icons.eot');"
                "src:url('../fonts/icons.woff2') format('woff2'),"
                "url('../fonts/icons.ttf') format('truetype');}\n"
                ".a{background:url(../images/small.png)}\n"
                '.b{background:url("../images/big.png")}\n'
                ".c{background:url(../../H5P.Other-1.0/shared.png)}\n"
                ".d{background:url(../../../../../etc/passwd.png)}\n"
                ".e{background:url(data:image/png;base64,AAAA)}\n"
            ),
            "fonts/icons.woff2": b"wOF2" + b"2" * 50,
            "fonts/icons.ttf": b"\0\1\0\0",
            "images/small.png": b"\x89PNG" + b"3" * 10,
            "images/big.png": big,
        },
    )
    package = _package(3, "H5P.Icons-1.0", main="H5P.Icons")

    built = assets.build(package)

    css = assets.asset_file(built["css"]).read_text()
    icons = css[css.index("/*! H5P.Icons-1.0/styles/icons.css */") :]
    # One font source, the smallest every phone reads, inlined.
    assert "url(data:font/woff2;base64," in icons
    assert "icons.eot" not in icons and "icons.ttf" not in icons
    assert ".a{background:url(data:image/png;base64," in icons
    versioned = built["libraries"]["H5P.Icons-1.0"]
    assert f'url("/h5p/libraries/{versioned}/images/big.png")' in icons
    # Another library's file: inlined when small (it is).
    assert ".c{background:url(data:image/png;base64," in icons
    # Outside every library: left alone, never read.
    assert "url(../../../../../etc/passwd.png)" in icons
    assert ".e{background:url(data:image/png;base64,AAAA)}" in icons


def test_a_versioned_folder_answers_only_for_the_installed_files(private):
    _library("H5P.Foo-1.2", patch=7, js=["foo.js"], files={"foo.js": "FOO"})
    versioned = assets.versioned_folder("H5P.Foo-1.2")

    assert versioned.startswith("H5P.Foo-1.2.7-")
    assert assets.versioned_library_dir(versioned) == storage.library_dir("H5P.Foo-1.2")
    assert assets.versioned_library_dir(versioned.replace(".7-", ".6-")) is None
    assert assets.versioned_library_dir(versioned[:-1] + "x") is None
    assert assets.versioned_library_dir("../H5P.Foo-1.2.7-" + versioned[-12:]) is None


def test_the_same_code_gives_the_same_names(private):
    _library("H5P.Foo-1.0", js=["foo.js"], css=["foo.css"],
             files={"foo.js": "FOO", "foo.css": ".foo{}"})  # fmt: skip
    first = assets.build(_package(4, "H5P.Foo-1.0", main="H5P.Foo"))
    second = assets.build(_package(5, "H5P.Foo-1.0", main="H5P.Foo"))

    assert (first["js"], first["css"]) == (second["js"], second["css"])
    assert assets.ASSET_NAME_RE.fullmatch(first["js"])


def test_text_fonts_of_a_library_are_dropped_for_the_phones_own(private):
    _library(
        "H5P.Theme-1.0",
        css=["theme.css"],
        files={
            "theme.css": (
                "@font-face{font-family:'Open Sans';src:url(os.woff2)}\n"
                '@font-face{font-family:"H5PIcons";src:url(icons.woff)}\n'
                "body{font-family:'Open Sans',sans-serif}\n"
            ),
            "os.woff2": b"wOF2" + b"9" * 100,
            "icons.woff": b"wOFF" + b"8" * 10,
        },
    )

    built = assets.build(_package(6, "H5P.Theme-1.0", main="H5P.Theme"))

    css = assets.asset_file(built["css"]).read_text()
    theme = css[css.index("/*! H5P.Theme-1.0/theme.css */") :]
    assert "Open Sans" not in theme and "os.woff2" not in theme
    assert "OTk5" not in theme  # no base64 of the dropped font's bytes
    assert "body{font-family:system-ui," in theme
    assert 'font-family:"H5PIcons"' in theme and "data:font/woff;base64," in theme


def test_the_glyphs_a_stylesheet_shows_are_read_from_its_content_strings():
    css = r""".a:before{content:"\f00c"} .b::after{content: '\F192 x'}
    .c{content:"\"\\"} .d{content:attr(title)} .e{background:url(x)}"""

    assert assets.content_codepoints(css) == {0xF00C, 0xF192, ord("x"), ord('"'), 92}


def test_bytes_that_are_not_a_font_are_used_whole(private):
    assert assets.subset_font(b"wOF2" + b"\0" * 64, {0xF00C}) is None


def test_library_code_is_minified_and_keeps_its_licence(private):
    source = (
        "/*! Licence: MIT */\n// a note\n"
        "var  answer = 42; /* more */\nvar s = '/* kept */';\n"
    )
    css = "/* note */\n.a  {  color : red ; }\n"
    files = {"min.js": source, "min.css": css}
    _library("H5P.Min-1.0", js=["min.js"], css=["min.css"], files=files)

    built = assets.build(_package(7, "H5P.Min-1.0", main="H5P.Min"))

    js = assets.asset_file(built["js"]).read_text()
    assert "/*! Licence: MIT */" in js and "a note" not in js and "more" not in js
    assert "var answer=42;" in js and "'/* kept */'" in js
    css = assets.asset_file(built["css"]).read_text()
    assert ".a{color:red}" in css and "note" not in css
