"""H5P package pipeline: validation of uploads, unpacking into the shared
library and per-package content folders, replacement and deletion (files go
after commit), the Celery task, and the Wagtail admin for packages. Every
package is built here, in memory."""

import io
import json
import os
import stat
import struct
import warnings
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation

from courses import tasks
from courses.h5p import services, storage
from courses.h5p.admin import H5PPackageDeleteBulkAction, H5PPackageForm
from courses.h5p.storage import ByteBudget
from courses.h5p.validation import Limits, validate_package
from courses.models import H5PLibrary, H5PPackage
from people.models import AuditEvent

pytestmark = pytest.mark.django_db

TEST_LIB = {
    "title": "Test",
    "machineName": "H5P.TestLib",
    "majorVersion": 1,
    "minorVersion": 0,
    "patchVersion": 0,
    "runnable": 1,
    "preloadedJs": [{"path": "test.js"}],
}
OTHER_LIB = {
    "title": "Other",
    "machineName": "H5P.Other",
    "majorVersion": 2,
    "minorVersion": 1,
    "patchVersion": 0,
    "preloadedCss": [{"path": "styles/other.css"}],
}
CONTENT = {"question": "留守儿童心理辅导的第一步是什么？"}


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    """H5P files are private: the test's folder is the private storage."""
    settings.MEDIA_ROOT = tmp_path / "public-media"
    settings.PRIVATE_MEDIA_ROOT = tmp_path
    return tmp_path


def dep(library: dict) -> dict:
    return {
        key: library[key] for key in ("machineName", "majorVersion", "minorVersion")
    }


def folder(library: dict) -> str:
    return (
        f"{library['machineName']}-{library['majorVersion']}.{library['minorVersion']}"
    )


def library_entries(library: dict, js: str = "window.testLib = 1;") -> dict:
    entries = {f"{folder(library)}/library.json": library}
    for item in library.get("preloadedJs", []):
        entries[f"{folder(library)}/{item['path']}"] = js
    for item in library.get("preloadedCss", []):
        entries[f"{folder(library)}/{item['path']}"] = "body { color: red; }"
    return entries


def h5p_json(*libraries: dict, **overrides) -> dict:
    libraries = libraries or (TEST_LIB,)
    data = {
        "title": "心理辅导小练习",
        "language": "zh",
        "mainLibrary": libraries[0]["machineName"],
        "preloadedDependencies": [dep(lib) for lib in libraries],
    }
    data.update(overrides)
    return data


def entries_for(*libraries: dict, content=None, **h5p_overrides) -> dict:
    """The entries of a valid package holding the given libraries."""
    libraries = libraries or (TEST_LIB,)
    entries = {
        "h5p.json": h5p_json(*libraries, **h5p_overrides),
        "content/content.json": CONTENT if content is None else content,
    }
    for library in libraries:
        entries.update(library_entries(library))
    return entries


def build_zip(entries: dict, *, compression=zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression) as archive:
        for name, value in entries.items():
            if isinstance(value, dict | list):
                value = json.dumps(value, ensure_ascii=False)
            if isinstance(value, str):
                value = value.encode("utf-8")
            if isinstance(value, zipfile.ZipInfo):
                archive.writestr(value, b"../../etc/passwd")
            else:
                archive.writestr(name, value)
    return buffer.getvalue()


def upload(data: bytes, name: str = "练习.h5p") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="application/zip")


def package_upload(*libraries: dict, **kwargs) -> SimpleUploadedFile:
    return upload(build_zip(entries_for(*libraries, **kwargs)))


def files_under(root) -> list[str]:
    return sorted(
        os.path.relpath(os.path.join(path, name), root)
        for path, dirs, names in os.walk(root)
        for name in names + [d for d in dirs if d.startswith(".")]
    )


def create(
    file, django_capture_on_commit_callbacks, title="练习", by=None
) -> H5PPackage:
    """Upload and unpack a package; by the system unless `by` is given."""
    with django_capture_on_commit_callbacks(execute=True):
        package = services.h5p_package_create(title=title, file=file, by=by)
    package.refresh_from_db()
    return package


def assert_refused(file, code, media_root):
    with pytest.raises(ValidationError) as refused:
        services.h5p_package_create(title="练习", file=file, by=None)
    assert refused.value.code == code
    assert str(refused.value.messages[0])
    assert not H5PPackage.objects.exists()
    assert files_under(media_root) == []


# --- a valid package -------------------------------------------------------


def test_valid_package_is_unpacked_into_library_and_content_folders(
    django_capture_on_commit_callbacks,
):
    package = create(package_upload(), django_capture_on_commit_callbacks)

    content = storage.content_root(package)
    library = storage.libraries_root() / "H5P.TestLib-1.0"
    assert package.status == H5PPackage.Status.READY
    assert package.error == ""
    assert package.main_library == "H5P.TestLib"
    assert package.h5p_json["title"] == "心理辅导小练习"
    assert content == storage.h5p_root() / "content" / str(package.pk)
    assert json.loads((content / "content" / "content.json").read_text()) == CONTENT
    assert json.loads((content / "h5p.json").read_text())["mainLibrary"] == (
        "H5P.TestLib"
    )
    assert (library / "test.js").read_text() == "window.testLib = 1;"
    assert [lib.folder_name for lib in package.libraries.all()] == ["H5P.TestLib-1.0"]
    assert H5PLibrary.objects.get().patch_version == 0


def test_unpacked_trees_leave_no_temporary_folders(
    django_capture_on_commit_callbacks, media_root
):
    package = create(package_upload(), django_capture_on_commit_callbacks)

    leftovers = [
        name
        for name in files_under(media_root / "h5p")
        if "/." in f"/{name}"
        and not name.startswith("packages/")
        # A library's content hash, kept beside it (courses.h5p.assets).
        and not name.endswith("/.hash")
    ]
    assert package.is_ready
    assert leftovers == []


def test_lms_quiz_package_from_our_content_type_is_accepted(
    django_capture_on_commit_callbacks,
):
    from courses.h5p.quiz_package import build_quiz_package

    data = build_quiz_package(
        title="师德小测验",
        questions=[
            {
                "text": "教师应当关爱学生吗？",
                "answers": [
                    {"text": "应当", "correct": True},
                    {"text": "不必", "correct": False},
                ],
            }
        ],
    )

    package = create(upload(data), django_capture_on_commit_callbacks)

    assert package.status == H5PPackage.Status.READY
    assert package.main_library == "H5P.LmsQuiz"
    assert storage.is_library_on_disk("H5P.LmsQuiz-1.0")


def test_files_ignored_by_h5p_are_not_extracted(django_capture_on_commit_callbacks):
    entries = entries_for()
    entries["__MACOSX/content/._content.json"] = b"\x00\x05\x16\x07"
    entries["content/.DS_Store"] = b"\x00"

    package = create(upload(build_zip(entries)), django_capture_on_commit_callbacks)

    assert package.is_ready
    assert files_under(storage.content_root(package)) == [
        "content/content.json",
        "h5p.json",
    ]


def test_served_file_refuses_traversal_and_temporary_folders(
    django_capture_on_commit_callbacks,
):
    package = create(package_upload(), django_capture_on_commit_callbacks)
    root = storage.content_root(package)
    (root.parent / ".tmp-secret").mkdir()
    (root.parent / ".tmp-secret" / "x.json").write_text("{}")

    assert storage.served_file(root, "content/content.json") is not None
    assert storage.served_file(root, "../1/h5p.json") is None
    assert storage.served_file(root.parent, ".tmp-secret/x.json") is None
    assert storage.served_file(root, "/etc/passwd") is None
    assert storage.served_file(root, "content/missing.json") is None


# --- uploads that are refused ----------------------------------------------


def test_file_that_is_not_a_zip_is_refused(media_root):
    assert_refused(upload(b"<?php echo 1; ?>"), "not_zip", media_root)


def test_file_without_the_h5p_extension_is_refused(media_root):
    data = build_zip(entries_for())

    assert_refused(upload(data, name="练习.zip"), "extension", media_root)


def test_package_without_h5p_json_is_refused(media_root):
    entries = entries_for()
    del entries["h5p.json"]

    assert_refused(upload(build_zip(entries)), "missing_file", media_root)


@pytest.mark.parametrize(
    "raw",
    [
        b"{not json",
        json.dumps({"title": "心理"}, ensure_ascii=False).encode("gbk"),
        b"[1, 2]",
        # Python reads these; PostgreSQL's jsonb, where h5p.json is kept, does not.
        b'{"title": "x", "mainLibrary": "H5P.TestLib", "n": NaN}',
        b'{"title": "x", "mainLibrary": "H5P.TestLib", "n": -Infinity}',
    ],
    ids=["not-json", "gbk-not-utf8", "not-an-object", "nan", "infinity"],
)
def test_package_with_invalid_h5p_json_is_refused(raw, media_root):
    entries = entries_for()
    entries["h5p.json"] = raw

    assert_refused(upload(build_zip(entries)), "invalid_json", media_root)


def test_h5p_json_with_a_byte_order_mark_is_accepted():
    entries = entries_for()
    entries["h5p.json"] = b"\xef\xbb\xbf" + json.dumps(h5p_json()).encode()

    info = validate_package(upload(build_zip(entries)))

    assert info.main_library == "H5P.TestLib"


@pytest.mark.parametrize("key", ["title", "mainLibrary", "preloadedDependencies"])
def test_h5p_json_missing_a_required_key_is_refused(key, media_root):
    entries = entries_for()
    del entries["h5p.json"][key]

    assert_refused(upload(build_zip(entries)), "missing_key", media_root)


def test_dependency_without_a_version_is_refused(media_root):
    entries = entries_for()
    entries["h5p.json"]["preloadedDependencies"] = [{"machineName": "H5P.TestLib"}]

    assert_refused(upload(build_zip(entries)), "invalid_library_reference", media_root)


def test_main_library_missing_from_dependencies_is_refused(media_root):
    entries = entries_for(mainLibrary="H5P.Elsewhere")

    assert_refused(
        upload(build_zip(entries)), "main_library_not_a_dependency", media_root
    )


def test_package_without_content_json_is_refused(media_root):
    entries = entries_for()
    del entries["content/content.json"]

    assert_refused(upload(build_zip(entries)), "missing_file", media_root)


def test_package_with_invalid_content_json_is_refused(media_root):
    entries = entries_for()
    entries["content/content.json"] = b'{"question": '

    assert_refused(upload(build_zip(entries)), "invalid_json", media_root)


@pytest.mark.parametrize(
    "name",
    [
        "content/shell.php",
        "content/page.html",
        "content/setup.exe",
        "content/script.js",
        "H5P.TestLib-1.0/backdoor.php",
        "H5P.TestLib-1.0/LICENSE",
        "readme.htm",
    ],
)
def test_file_type_outside_the_h5p_allow_list_is_refused(name, media_root):
    entries = entries_for()
    entries[name] = b"<?php system($_GET['c']); ?>"

    assert_refused(upload(build_zip(entries)), "file_type", media_root)


@pytest.mark.parametrize(
    "name",
    [
        "/etc/cron.d/evil.txt",
        "content/../../evil.txt",
        "../evil.txt",
        "content\\..\\..\\evil.txt",
        "C:/evil.txt",
        "content//double.txt",
    ],
)
def test_unsafe_paths_are_refused(name, media_root):
    entries = entries_for()
    entries[name] = b"evil"

    assert_refused(upload(build_zip(entries)), "unsafe_path", media_root)


def test_symlink_entry_is_refused(media_root):
    link = zipfile.ZipInfo("content/images/link.png")
    link.create_system = 3
    link.external_attr = (stat.S_IFLNK | 0o777) << 16
    entries = entries_for()
    entries["content/images/link.png"] = link

    assert_refused(upload(build_zip(entries)), "symlink", media_root)


def test_duplicate_entry_is_refused(media_root):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive, warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for name, value in entries_for().items():
            archive.writestr(
                name, json.dumps(value) if isinstance(value, dict) else value
            )
        archive.writestr("content/content.json", "{}")

    assert_refused(upload(buffer.getvalue()), "duplicate", media_root)


def test_package_with_too_many_entries_is_refused(settings, media_root):
    settings.H5P_MAX_ENTRIES = 5
    entries = entries_for()
    entries.update({f"content/images/{n}.png": b"png" for n in range(3)})

    assert_refused(upload(build_zip(entries)), "too_many_entries", media_root)


def test_package_over_the_upload_size_limit_is_refused(settings, media_root):
    settings.H5P_MAX_PACKAGE_BYTES = 200

    assert_refused(package_upload(), "package_too_large", media_root)


def test_package_whose_declared_unpacked_size_is_too_large_is_refused(
    settings, media_root
):
    settings.H5P_MAX_UNPACKED_BYTES = 4096
    entries = entries_for()
    entries["content/audio.mp3"] = os.urandom(5000)

    assert_refused(upload(build_zip(entries)), "unpacked_too_large", media_root)


def test_zip_bomb_with_a_high_compression_ratio_is_refused(media_root):
    entries = entries_for()
    entries["content/zeros.txt"] = bytes(3 * 1024 * 1024)

    assert_refused(upload(build_zip(entries)), "compression_ratio", media_root)


def test_library_folder_must_be_named_after_its_version(media_root):
    entries = entries_for()
    entries["extras/notes.txt"] = b"not a library"

    assert_refused(upload(build_zip(entries)), "not_a_library_folder", media_root)


def test_library_json_must_match_its_folder(media_root):
    entries = entries_for()
    entries["H5P.TestLib-1.0/library.json"] = {**TEST_LIB, "minorVersion": 3}

    assert_refused(upload(build_zip(entries)), "library_folder_mismatch", media_root)


def test_library_preloaded_js_must_be_in_its_folder(media_root):
    entries = entries_for()
    del entries["H5P.TestLib-1.0/test.js"]

    assert_refused(upload(build_zip(entries)), "library_file_missing", media_root)


def test_missing_dependency_is_refused(media_root):
    entries = entries_for()
    entries["h5p.json"]["preloadedDependencies"].append(dep(OTHER_LIB))

    assert_refused(upload(build_zip(entries)), "missing_dependency", media_root)


def test_missing_transitive_dependency_is_refused(media_root):
    library = {**TEST_LIB, "preloadedDependencies": [dep(OTHER_LIB)]}
    entries = entries_for()
    entries["H5P.TestLib-1.0/library.json"] = library

    assert_refused(upload(build_zip(entries)), "missing_dependency", media_root)


# --- lying sizes are caught while extracting ---------------------------------


def _lie_about_size(data: bytes, name: str, declared: int) -> bytes:
    """Rewrite the uncompressed size that the local and central headers of
    entry `name` declare."""
    data, encoded = bytearray(data), name.encode()
    headers = ((b"PK\x03\x04", 22, 26, 30), (b"PK\x01\x02", 24, 28, 46))
    for signature, size_at, name_length_at, name_at in headers:
        start = data.find(signature)
        while start != -1:
            length = struct.unpack_from("<H", data, start + name_length_at)[0]
            if data[start + name_at : start + name_at + length] == encoded:
                struct.pack_into("<I", data, start + size_at, declared)
            start = data.find(signature, start + 4)
    return bytes(data)


def test_entry_lying_about_its_size_fails_the_unpack_and_leaves_no_files(
    django_capture_on_commit_callbacks,
):
    entries = entries_for()
    entries["content/audio.mp3"] = os.urandom(64 * 1024)
    data = _lie_about_size(build_zip(entries), "content/audio.mp3", 1000)

    package = create(upload(data), django_capture_on_commit_callbacks)

    assert package.status == H5PPackage.Status.FAILED
    assert package.error
    assert not storage.content_root(package).exists()
    assert not H5PLibrary.objects.exists()
    assert files_under(storage.h5p_root()) == [
        os.path.relpath(package.file.path, storage.h5p_root())
    ]


def test_byte_budget_refuses_more_bytes_than_declared():
    member = zipfile.ZipInfo("content/a.mp3")
    member.file_size, member.compress_size = 10, 10

    with pytest.raises(ValidationError) as refused:
        list(ByteBudget().count(member, [b"x" * 8, b"x" * 8]))

    assert refused.value.code == "size_mismatch"


def test_byte_budget_counts_the_total_across_files():
    budget = ByteBudget(Limits(10**6, 100, 100, 100))
    first, second = zipfile.ZipInfo("content/a.mp3"), zipfile.ZipInfo("content/b.mp3")
    first.file_size = second.file_size = first.compress_size = second.compress_size = 80

    list(budget.count(first, [b"x" * 80]))
    with pytest.raises(ValidationError) as refused:
        list(budget.count(second, [b"x" * 80]))

    assert refused.value.code == "unpacked_too_large"


# --- shared libraries --------------------------------------------------------


def test_dependency_already_installed_is_accepted(django_capture_on_commit_callbacks):
    create(package_upload(), django_capture_on_commit_callbacks)
    entries = entries_for()
    del entries["H5P.TestLib-1.0/library.json"], entries["H5P.TestLib-1.0/test.js"]

    package = create(upload(build_zip(entries)), django_capture_on_commit_callbacks)

    assert package.is_ready
    assert [lib.folder_name for lib in package.libraries.all()] == ["H5P.TestLib-1.0"]


def test_installed_dependency_whose_folder_is_gone_is_missing(
    django_capture_on_commit_callbacks, media_root
):
    create(package_upload(), django_capture_on_commit_callbacks)
    storage.remove_tree(storage.library_dir("H5P.TestLib-1.0"))
    entries = entries_for()
    del entries["H5P.TestLib-1.0/library.json"], entries["H5P.TestLib-1.0/test.js"]

    with pytest.raises(ValidationError) as refused:
        validate_package(upload(build_zip(entries)))

    assert refused.value.code == "missing_dependency"


def test_library_shared_by_two_packages_is_stored_once(
    django_capture_on_commit_callbacks,
):
    first = create(package_upload(), django_capture_on_commit_callbacks)
    second = create(
        package_upload(OTHER_LIB, TEST_LIB), django_capture_on_commit_callbacks
    )

    assert H5PLibrary.objects.filter(machine_name="H5P.TestLib").count() == 1
    assert sorted(os.listdir(storage.libraries_root())) == [
        "H5P.Other-2.1",
        "H5P.TestLib-1.0",
    ]
    assert first.libraries.get() in second.libraries.all()
    assert second.main_library == "H5P.Other"


def test_newer_patch_replaces_the_installed_library_and_older_does_not(
    django_capture_on_commit_callbacks,
):
    def with_patch(patch):
        entries = entries_for()
        entries["H5P.TestLib-1.0/library.json"] = {**TEST_LIB, "patchVersion": patch}
        entries["H5P.TestLib-1.0/test.js"] = f"window.testLib = {patch};"
        return upload(build_zip(entries))

    create(with_patch(0), django_capture_on_commit_callbacks)
    create(with_patch(3), django_capture_on_commit_callbacks)
    after_newer = (storage.library_dir("H5P.TestLib-1.0") / "test.js").read_text()
    create(with_patch(1), django_capture_on_commit_callbacks)

    library = H5PLibrary.objects.get()
    assert library.patch_version == 3
    assert after_newer == "window.testLib = 3;"
    assert (storage.library_dir("H5P.TestLib-1.0") / "test.js").read_text() == (
        "window.testLib = 3;"
    )
    assert sorted(os.listdir(storage.libraries_root())) == ["H5P.TestLib-1.0"]


# --- delete and replace --------------------------------------------------------


def test_delete_removes_content_and_unused_libraries_after_commit(
    django_capture_on_commit_callbacks,
):
    kept = create(package_upload(), django_capture_on_commit_callbacks)
    doomed = create(
        package_upload(OTHER_LIB, TEST_LIB), django_capture_on_commit_callbacks
    )
    content, file_path = storage.content_root(doomed), doomed.file.path

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        services.h5p_package_delete(package=doomed)
        still_there = content.exists() and os.path.exists(file_path)

    assert callbacks and still_there
    assert not content.exists()
    assert not os.path.exists(file_path)
    assert not storage.library_dir("H5P.Other-2.1").exists()
    assert list(H5PLibrary.objects.values_list("machine_name", flat=True)) == [
        "H5P.TestLib"
    ]
    assert storage.is_library_on_disk("H5P.TestLib-1.0")

    with django_capture_on_commit_callbacks(execute=True):
        services.h5p_package_delete(package=kept)

    assert not H5PLibrary.objects.exists()
    assert os.listdir(storage.libraries_root()) == []


def test_delete_does_nothing_to_files_if_the_transaction_rolls_back(
    django_capture_on_commit_callbacks,
):
    package = create(package_upload(), django_capture_on_commit_callbacks)
    content = storage.content_root(package)

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.h5p_package_delete(package=package)

    assert len(callbacks) == 2
    assert content.exists()
    assert storage.is_library_on_disk("H5P.TestLib-1.0")


def test_replace_with_a_bad_file_is_refused_and_changes_nothing(
    django_capture_on_commit_callbacks,
):
    package = create(package_upload(), django_capture_on_commit_callbacks)
    entries = entries_for()
    entries["content/evil.php"] = b"<?php"

    with pytest.raises(ValidationError) as refused:
        services.h5p_package_replace(
            package=package, file=upload(build_zip(entries)), by=None
        )

    package.refresh_from_db()
    assert refused.value.code == "file_type"
    assert package.is_ready
    assert len(os.listdir(storage.h5p_root() / "packages")) == 1


def test_replace_revalidates_unpacks_the_new_file_and_cleans_up_after_commit(
    django_capture_on_commit_callbacks,
):
    package = create(
        package_upload(OTHER_LIB, TEST_LIB), django_capture_on_commit_callbacks
    )
    old_file = package.file.path
    new = package_upload(content={"question": "新的问题"})

    with django_capture_on_commit_callbacks(execute=True):
        services.h5p_package_replace(package=package, title="新标题", file=new, by=None)
        assert package.status == H5PPackage.Status.PROCESSING

    package.refresh_from_db()
    content = storage.content_root(package) / "content" / "content.json"
    assert package.is_ready
    assert package.title == "新标题"
    assert json.loads(content.read_text()) == {"question": "新的问题"}
    assert not os.path.exists(old_file)
    assert os.path.exists(package.file.path)
    assert package.main_library == "H5P.TestLib"
    assert [lib.folder_name for lib in package.libraries.all()] == ["H5P.TestLib-1.0"]
    assert not H5PLibrary.objects.filter(machine_name="H5P.Other").exists()
    assert not storage.library_dir("H5P.Other-2.1").exists()


# --- unpacking, the task and status ----------------------------------------------


def test_package_is_processing_until_unpacked_after_commit(
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        package = services.h5p_package_create(
            title="练习", file=package_upload(), by=None
        )

    assert package.status == H5PPackage.Status.PROCESSING
    assert not storage.content_root(package).exists()

    for callback in callbacks:
        callback()
    package.refresh_from_db()
    assert package.status == H5PPackage.Status.READY


def test_large_package_is_unpacked_by_the_celery_task(
    settings, django_capture_on_commit_callbacks, monkeypatch
):
    settings.H5P_SYNC_UNPACK_BYTES = 100
    queued = []
    original_delay = tasks.unpack_h5p_package.delay
    monkeypatch.setattr(
        tasks.unpack_h5p_package,
        "delay",
        lambda package_id: queued.append(package_id) or original_delay(package_id),
    )

    package = create(package_upload(), django_capture_on_commit_callbacks)

    assert queued == [package.pk]
    assert package.status == H5PPackage.Status.READY


def test_small_package_is_unpacked_without_the_task(
    django_capture_on_commit_callbacks, monkeypatch
):
    monkeypatch.setattr(
        tasks.unpack_h5p_package, "delay", lambda package_id: pytest.fail("queued")
    )

    package = create(package_upload(), django_capture_on_commit_callbacks)

    assert package.is_ready


def test_unpack_task_is_idempotent_on_a_ready_package(
    django_capture_on_commit_callbacks, monkeypatch
):
    package = create(package_upload(), django_capture_on_commit_callbacks)
    monkeypatch.setattr(
        storage, "stage_package", lambda *a, **k: pytest.fail("unpacked again")
    )

    tasks.unpack_h5p_package(package.pk)
    tasks.unpack_h5p_package.delay(package.pk)

    package.refresh_from_db()
    assert package.is_ready
    assert tasks.unpack_h5p_package.acks_late is True


def test_unpack_task_for_a_deleted_package_does_nothing():
    assert services.h5p_package_unpack(package_id=999_999) is None


def test_failed_unpack_marks_the_package_failed_and_removes_partial_files(
    django_capture_on_commit_callbacks, monkeypatch, media_root
):
    real_extract = storage.extract_members
    calls = []

    def extract_then_break(*args, **kwargs):
        calls.append(1)
        real_extract(*args, **kwargs)
        if len(calls) == 2:
            raise OSError("disk full")

    monkeypatch.setattr(storage, "extract_members", extract_then_break)

    package = create(package_upload(), django_capture_on_commit_callbacks)

    assert package.status == H5PPackage.Status.FAILED
    assert package.error
    assert not H5PLibrary.objects.exists()
    assert sorted(os.listdir(storage.h5p_root())) == [
        "content",
        "libraries",
        "packages",
    ]
    assert os.listdir(storage.libraries_root()) == []
    assert os.listdir(storage.h5p_root() / "content") == []


def test_failed_package_unpacks_when_the_task_runs_again(
    django_capture_on_commit_callbacks, monkeypatch
):
    monkeypatch.setattr(
        storage, "stage_package", lambda *a, **k: (_ for _ in ()).throw(OSError())
    )
    package = create(package_upload(), django_capture_on_commit_callbacks)
    monkeypatch.undo()

    tasks.unpack_h5p_package(package.pk)

    package.refresh_from_db()
    assert package.status == H5PPackage.Status.READY
    assert package.error == ""


# --- Wagtail admin -------------------------------------------------------------


def test_trainer_uploads_a_package_in_the_admin(
    client, trainer, django_capture_on_commit_callbacks
):
    # Its library is installed already: the trainer installs nothing.
    create(package_upload(), django_capture_on_commit_callbacks)
    client.force_login(trainer)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("wagtailsnippets_courses_h5ppackage:add"),
            {"title": "", "file": package_upload()},
        )

    package = H5PPackage.objects.latest("pk")
    assert response.status_code == 302
    assert package.title == "心理辅导小练习"
    assert package.uploaded_by == trainer
    assert package.is_ready


def test_admin_refuses_a_bad_upload_with_the_reason(client, office, media_root):
    client.force_login(office)
    entries = entries_for()
    entries["content/page.html"] = b"<script>alert(1)</script>"

    response = client.post(
        reverse("wagtailsnippets_courses_h5ppackage:add"),
        {"title": "练习", "file": upload(build_zip(entries))},
    )

    assert response.status_code == 200
    assert response.context["form"].errors["file"]
    assert "content/page.html" in response.content.decode()
    assert not H5PPackage.objects.exists()
    assert files_under(media_root) == []


def test_admin_upload_page_asks_only_for_title_and_file(client, trainer):
    client.force_login(trainer)

    response = client.get(reverse("wagtailsnippets_courses_h5ppackage:add"))

    assert response.status_code == 200
    assert set(response.context["form"].fields) == {"title", "file"}


def test_admin_edit_page_shows_why_a_package_failed(
    client, trainer, django_capture_on_commit_callbacks
):
    entries = entries_for()
    entries["content/audio.mp3"] = os.urandom(64 * 1024)
    data = _lie_about_size(build_zip(entries), "content/audio.mp3", 1000)
    package = create(upload(data), django_capture_on_commit_callbacks)
    client.force_login(trainer)

    response = client.get(
        reverse("wagtailsnippets_courses_h5ppackage:edit", args=[package.pk])
    )

    assert response.status_code == 200
    assert package.error in response.content.decode()


def test_admin_edit_replaces_the_file(
    client, trainer, django_capture_on_commit_callbacks
):
    package = create(package_upload(), django_capture_on_commit_callbacks)
    client.force_login(trainer)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("wagtailsnippets_courses_h5ppackage:edit", args=[package.pk]),
            {"title": "改过的", "file": package_upload(content={"question": "新"})},
        )

    package.refresh_from_db()
    content = storage.content_root(package) / "content" / "content.json"
    assert response.status_code == 302
    assert package.title == "改过的"
    assert json.loads(content.read_text()) == {"question": "新"}


def test_admin_edit_refuses_a_bad_replacement_and_keeps_the_package(
    client, trainer, django_capture_on_commit_callbacks
):
    package = create(package_upload(), django_capture_on_commit_callbacks)
    client.force_login(trainer)
    entries = entries_for()
    del entries["content/content.json"]

    response = client.post(
        reverse("wagtailsnippets_courses_h5ppackage:edit", args=[package.pk]),
        {"title": "改过的", "file": upload(build_zip(entries))},
    )

    package.refresh_from_db()
    assert response.status_code == 200
    assert "content/content.json" in str(response.context["form"].errors["file"])
    assert (package.title, package.status) == ("练习", H5PPackage.Status.READY)


def test_admin_edit_without_a_new_file_only_renames(
    client, trainer, django_capture_on_commit_callbacks
):
    package = create(package_upload(), django_capture_on_commit_callbacks)
    file_name = package.file.name
    client.force_login(trainer)

    response = client.post(
        reverse("wagtailsnippets_courses_h5ppackage:edit", args=[package.pk]),
        {"title": "只改标题"},
    )

    package.refresh_from_db()
    assert response.status_code == 302
    assert (package.title, package.file.name) == ("只改标题", file_name)
    assert package.is_ready


def test_admin_delete_removes_the_files(
    client, trainer, django_capture_on_commit_callbacks
):
    package = create(package_upload(), django_capture_on_commit_callbacks)
    client.force_login(trainer)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("wagtailsnippets_courses_h5ppackage:delete", args=[package.pk])
        )

    assert response.status_code == 302
    assert not H5PPackage.objects.exists()
    assert not storage.content_root(package.pk).exists()
    assert not H5PLibrary.objects.exists()


def test_bulk_delete_goes_through_the_service(django_capture_on_commit_callbacks):
    package = create(package_upload(), django_capture_on_commit_callbacks)
    pk = package.pk

    with django_capture_on_commit_callbacks(execute=True):
        H5PPackageDeleteBulkAction.execute_action([package])

    assert not storage.content_root(pk).exists()
    assert not H5PLibrary.objects.exists()


def test_admin_listing_shows_packages_and_their_status(
    client, trainer, django_capture_on_commit_callbacks
):
    create(package_upload(), django_capture_on_commit_callbacks, title="师德练习")
    client.force_login(trainer)

    response = client.get(reverse("wagtailsnippets_courses_h5ppackage:list"))

    html = response.content.decode()
    assert response.status_code == 200
    assert "师德练习" in html
    assert "H5P.TestLib" in html


def test_trainer_can_choose_a_package_for_a_lesson(
    client, trainer, django_capture_on_commit_callbacks
):
    create(package_upload(), django_capture_on_commit_callbacks, title="可选练习")
    client.force_login(trainer)

    response = client.get(reverse("wagtailsnippetchoosers_courses_h5ppackage:choose"))

    assert response.status_code == 200
    assert "可选练习" in response.json()["html"]


def test_teacher_cannot_open_the_package_admin(client, teacher):
    client.force_login(teacher)

    response = client.get(reverse("wagtailsnippets_courses_h5ppackage:list"))

    assert response.status_code in (302, 403)


@pytest.mark.parametrize("role", ["trainer", "office"])
def test_trainers_and_office_hold_the_package_permissions(role, request):
    user = request.getfixturevalue(role)

    assert all(
        user.has_perm(f"courses.{action}_h5ppackage")
        for action in ("add", "change", "view", "delete")
    )


def test_form_title_defaults_to_the_package_title():
    form = H5PPackageForm(data={"title": ""}, files={"file": package_upload()})

    assert form.is_valid(), form.errors
    assert form.cleaned_data["title"] == "心理辅导小练习"


# --- who may install or upgrade libraries ------------------------------------------


def with_patch(patch: int, *libraries: dict) -> SimpleUploadedFile:
    """A package bringing TEST_LIB at this patch version (and `libraries`)."""
    entries = entries_for(TEST_LIB, *libraries)
    entries["H5P.TestLib-1.0/library.json"] = {**TEST_LIB, "patchVersion": patch}
    entries["H5P.TestLib-1.0/test.js"] = f"window.testLib = {patch};"
    return upload(build_zip(entries))


def installed_js() -> str:
    return (storage.library_dir("H5P.TestLib-1.0") / "test.js").read_text()


def library_events():
    return AuditEvent.objects.filter(
        action__in=["h5p_library_install", "h5p_library_upgrade"]
    ).order_by("pk")


@pytest.mark.parametrize(
    ("role", "may"), [("trainer", False), ("office", True), ("admin_user", True)]
)
def test_only_office_and_administrators_may_install_libraries(role, may, request):
    user = request.getfixturevalue(role)

    assert user.has_perm("courses.install_h5plibrary") is may
    assert services.h5p_may_install_libraries(user) is may


def test_trainer_package_needing_a_new_library_is_refused_naming_who_can_install(
    trainer, media_root
):
    with pytest.raises(ValidationError) as refused, translation.override("zh-hans"):
        services.h5p_package_create(
            title="练习", file=package_upload(OTHER_LIB, TEST_LIB), by=trainer
        )

    message = refused.value.messages[0]
    assert refused.value.code == "library_install_not_permitted"
    assert "H5P.Other 2.1.0" in message and "H5P.TestLib 1.0.0" in message
    assert "项目办公室" in message and "系统管理员" in message
    assert not H5PPackage.objects.exists()
    assert not H5PLibrary.objects.exists()
    assert files_under(media_root) == []


@pytest.mark.parametrize("patch", [2, 1])
def test_trainer_package_with_libraries_installed_at_same_or_newer_patch_is_accepted(
    patch, trainer, django_capture_on_commit_callbacks
):
    create(with_patch(2), django_capture_on_commit_callbacks)

    package = create(with_patch(patch), django_capture_on_commit_callbacks, by=trainer)

    assert package.is_ready
    assert package.uploaded_by == trainer
    assert [lib.folder_name for lib in package.libraries.all()] == ["H5P.TestLib-1.0"]
    assert H5PLibrary.objects.get().patch_version == 2
    assert installed_js() == "window.testLib = 2;"
    assert not library_events().filter(actor=trainer).exists()


def test_trainer_package_with_a_higher_patch_is_refused_and_the_library_is_kept(
    trainer, django_capture_on_commit_callbacks
):
    create(with_patch(0), django_capture_on_commit_callbacks)

    with pytest.raises(ValidationError) as refused:
        create(with_patch(3), django_capture_on_commit_callbacks, by=trainer)

    assert refused.value.code == "library_install_not_permitted"
    assert "H5P.TestLib 1.0.3" in refused.value.messages[0]
    assert H5PPackage.objects.count() == 1
    assert H5PLibrary.objects.get().patch_version == 0
    assert installed_js() == "window.testLib = 0;"


def test_trainer_replacing_a_file_with_a_higher_patch_is_refused(
    trainer, django_capture_on_commit_callbacks
):
    package = create(with_patch(0), django_capture_on_commit_callbacks)

    with pytest.raises(ValidationError) as refused:
        services.h5p_package_replace(package=package, file=with_patch(1), by=trainer)

    package.refresh_from_db()
    assert refused.value.code == "library_install_not_permitted"
    assert (package.is_ready, package.uploaded_by) == (True, None)
    assert H5PLibrary.objects.get().patch_version == 0


def test_office_installs_libraries_and_each_install_is_audited(
    office, django_capture_on_commit_callbacks
):
    package = create(
        package_upload(OTHER_LIB, TEST_LIB),
        django_capture_on_commit_callbacks,
        title="心理练习",
        by=office,
    )

    events = sorted(library_events(), key=lambda e: e.target)
    assert package.is_ready
    assert [(e.action, e.actor, e.target) for e in events] == [
        ("h5p_library_install", office, "H5P.Other 2.1.0"),
        ("h5p_library_install", office, "H5P.TestLib 1.0.0"),
    ]
    other = next(e for e in events if e.details["library"] == "H5P.Other")
    assert other.details == {
        "library": "H5P.Other",
        "from_version": None,
        "to_version": "2.1.0",
        "package_id": package.pk,
        "package_title": "心理练习",
    }


def test_office_upgrade_is_audited_with_both_versions(
    office, django_capture_on_commit_callbacks
):
    create(with_patch(0), django_capture_on_commit_callbacks)

    package = create(with_patch(3), django_capture_on_commit_callbacks, by=office)

    upgrade = library_events().get(action="h5p_library_upgrade")
    assert package.is_ready
    assert H5PLibrary.objects.get().patch_version == 3
    assert installed_js() == "window.testLib = 3;"
    assert (upgrade.actor, upgrade.target) == (office, "H5P.TestLib 1.0.3")
    assert upgrade.details["from_version"] == "1.0.0"
    assert upgrade.details["to_version"] == "1.0.3"
    assert upgrade.details["package_id"] == package.pk
    # The seed's own install (no user) is on the record too.
    assert library_events().get(action="h5p_library_install").actor is None


def test_unpack_refuses_an_install_the_uploader_may_not_make(
    trainer, django_capture_on_commit_callbacks, media_root
):
    """The library was installed when the trainer uploaded, and removed before
    the unpack: the unpack must not install it on the trainer's behalf."""
    first = create(package_upload(), django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=False) as unpack:
        package = services.h5p_package_create(
            title="练习", file=package_upload(), by=trainer
        )
    with django_capture_on_commit_callbacks(execute=True):
        services.h5p_package_delete(package=first)
    assert not H5PLibrary.objects.exists()

    with translation.override("zh-hans"):
        for callback in unpack:
            callback()

    package.refresh_from_db()
    assert package.status == H5PPackage.Status.FAILED
    assert "H5P.TestLib 1.0.0" in package.error and "项目办公室" in package.error
    assert not H5PLibrary.objects.exists()
    assert not storage.library_dir("H5P.TestLib-1.0").exists()
    assert not storage.content_root(package).exists()
    assert not library_events().filter(actor=trainer).exists()


def test_audit_events_roll_back_with_a_failed_install(
    office, django_capture_on_commit_callbacks, monkeypatch
):
    real_swap, real_record = storage.swap_into_place, services.audit.record
    recorded = []

    def swap_libraries_only(staged, target):
        if target.parent == storage.h5p_root() / "content":
            raise OSError("disk full")
        real_swap(staged, target)

    def record(**kwargs):
        recorded.append(kwargs["target"])
        return real_record(**kwargs)

    monkeypatch.setattr(storage, "swap_into_place", swap_libraries_only)
    monkeypatch.setattr(services.audit, "record", record)

    package = create(package_upload(), django_capture_on_commit_callbacks, by=office)

    assert recorded == ["H5P.TestLib 1.0.0"]
    assert package.status == H5PPackage.Status.FAILED
    assert not H5PLibrary.objects.exists()
    assert not library_events().exists()


def test_admin_refuses_a_trainer_package_that_would_install_a_library(
    client, trainer, media_root
):
    client.force_login(trainer)

    response = client.post(
        reverse("wagtailsnippets_courses_h5ppackage:add"),
        {"title": "练习", "file": package_upload()},
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert response.context["form"].errors["file"]
    assert "H5P.TestLib 1.0.0" in html and "项目办公室" in html
    assert not H5PPackage.objects.exists()
    assert not H5PLibrary.objects.exists()
    assert files_under(media_root) == []


def test_admin_edit_refuses_a_trainer_upgrade_and_keeps_the_package(
    client, trainer, django_capture_on_commit_callbacks
):
    package = create(with_patch(0), django_capture_on_commit_callbacks)
    client.force_login(trainer)

    response = client.post(
        reverse("wagtailsnippets_courses_h5ppackage:edit", args=[package.pk]),
        {"title": "改过的", "file": with_patch(4)},
    )

    package.refresh_from_db()
    assert response.status_code == 200
    assert "H5P.TestLib 1.0.4" in str(response.context["form"].errors["file"])
    assert (package.title, package.is_ready) == ("练习", True)
    assert H5PLibrary.objects.get().patch_version == 0
