"""Private files are never public: every file about a person, every lesson
document and every H5P file lives in the private storage, no URL answers with
it by its stored name, and the permission-checked views hand it to the proxy
(X-Accel-Redirect) in production."""

from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.db import models
from django.test import Client, override_settings
from django.urls import re_path, reverse
from django.views.static import serve

from core.storage import PrivateStorage, private_root, private_storage
from courses.h5p import storage as h5p_storage
from courses.h5p.embed import embed_token, files_url
from lms.urls import urlpatterns as project_urls
from tests.security_matrix.world import ACTIVITY_ID, OWNER_SERIAL, build_world

# The only files anyone may see: Wagtail's site images and their renditions
# (certificate seals and signatures are among them, printed on every
# certificate). wagtaildocs.Document is Wagtail's own model, replaced by
# cms.PrivateDocument (WAGTAILDOCS_DOCUMENT_MODEL) and never written.
# The avatar is a picture a staff member with admin access chooses to show to
# other editors (learners have no such page). wagtailcore.UploadedFile holds
# an upload of Wagtail's multiple uploader only while its form is invalid,
# which our documents' forms (title, file, collection, tags) never are.
PUBLIC_FILE_FIELDS = {
    "wagtailimages.Image.file",
    "wagtailimages.Rendition.file",
    "wagtaildocs.Document.file",
    "wagtailusers.UserProfile.avatar",
    "wagtailcore.UploadedFile.file",
}


# The demo's URLconf serves MEDIA_ROOT by path (lms/urls.py, DEBUG): test
# with that on, as the worst case.
def serve_media(request, path):
    return serve(request, path, document_root=settings.MEDIA_ROOT)


urlpatterns = [re_path(r"^media/(?P<path>.*)$", serve_media), *project_urls]


@pytest.fixture
def world(db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    return build_world()


def stored_files(world) -> dict[str, str]:
    """Each kind of private file the world holds, by kind: its stored name."""
    package_root = h5p_storage.content_root(world.package)
    library = next(h5p_storage.libraries_root().iterdir())
    root = private_root()
    return {
        "certificate": world.certificate.pdf.name,
        "batch archive": world.batch.archive.name,
        "placement photo": world.attachment.file.name,
        "placement thumbnail": world.attachment.thumbnail.name,
        "export": world.export_job.file.name,
        "document": world.document.file.name,
        "h5p upload": world.package.file.name,
        "h5p content": (package_root / "content" / "content.json")
        .relative_to(root)
        .as_posix(),
        "h5p library": (library / "library.json").relative_to(root).as_posix(),
    }


def test_every_file_field_outside_the_public_list_is_private():
    public = []
    for model in apps.get_models():
        for field in model._meta.get_fields():
            if not isinstance(field, models.FileField):
                continue
            label = f"{model._meta.label}.{field.name}"
            if label in PUBLIC_FILE_FIELDS:
                continue
            if not isinstance(field.storage, PrivateStorage):
                public.append(label)
    assert public == [], f"file fields on the public storage: {public}"


def test_private_files_live_outside_media_root(world):
    files = stored_files(world)
    for kind, name in files.items():
        stored = private_root() / name
        assert stored.is_file(), f"{kind}: {name} is not in the private storage"
        assert not (Path(settings.MEDIA_ROOT) / name).exists(), kind
    assert not list(Path(settings.MEDIA_ROOT).rglob("*.*")), "a file went public"


def test_private_storage_has_no_url():
    with pytest.raises(NotImplementedError):
        private_storage().url("certificates/x.pdf")


@override_settings(ROOT_URLCONF=__name__)
def test_no_private_file_answers_by_its_storage_path(world):
    # Traversal out of MEDIA_ROOT is refused as suspicious (400), not raised.
    office = Client(raise_request_exception=False)
    office.force_login(world.people["office"])
    anonymous = Client(raise_request_exception=False)
    for kind, name in stored_files(world).items():
        for url in (
            f"{settings.MEDIA_URL}{name}",
            f"/{name}",
            f"/private/{name}",
            f"/_private/{name}",
            f"{settings.MEDIA_URL}../private/{name}",
        ):
            for client in (anonymous, office):
                response = client.get(url)
                assert response.status_code in (400, 404), f"{kind} at {url}"


def test_stored_names_are_unguessable(world):
    names = stored_files(world)
    assert OWNER_SERIAL not in names["certificate"]
    assert "matrix" not in names["h5p upload"]
    assert "matrix" not in names["batch archive"]
    assert "课堂" not in names["placement photo"]
    # The document keeps its own file name (Wagtail's download link shows
    # it) inside a random folder.
    folder = Path(names["document"]).parent.name
    assert len(folder) == 32 and folder != "documents"


def _accel(response) -> str:
    assert response.status_code == 200, response.status_code
    assert response.content == b"", "Django sent the bytes itself"
    return response["X-Accel-Redirect"]


@override_settings(
    PRIVATE_FILES_ACCEL_PREFIX="/_private/", SENDFILE_BACKEND="core.serving"
)
def test_downloads_hand_the_file_to_the_proxy(world):
    office, owner = Client(), Client()
    office.force_login(world.people["office"])
    owner.force_login(world.owner)
    names = stored_files(world)
    downloads = {
        "certificate": (owner, f"/certificates/{OWNER_SERIAL}/download/"),
        "batch archive": (
            office,
            f"/office/certificates/bulk/{world.batch.pk}/download/",
        ),
        "placement photo": (owner, f"/placements/attachments/{world.attachment.pk}/"),
        "export": (office, f"/reports/exports/{world.export_job.pk}/download/"),
        "document": (
            office,
            f"/documents/{world.document.pk}/{world.document.filename}",
        ),
    }
    token = embed_token(
        user=world.owner,
        lesson=world.quiz_lesson,
        block_id=ACTIVITY_ID,
        package=world.package,
    )
    library, _slash, path = (
        names["h5p library"].removeprefix("h5p/libraries/").partition("/")
    )
    # The sandboxed player's files: reached by capability, without a session.
    downloads["h5p content"] = (
        Client(),
        f"{files_url(token, 'content')}/content/content.json",
    )
    # The lesson page's own fetches: content with the session, library code
    # and files public by their versioned names.
    downloads["h5p content, for the lesson page"] = (
        owner,
        reverse(
            "courses:h5p_content",
            args=[world.quiz_lesson.pk, ACTIVITY_ID, "content.json"],
        ),
    )
    names["h5p content, for the lesson page"] = names["h5p content"]
    versioned = world.package.assets["libraries"][library]
    downloads["h5p library"] = (
        Client(),
        reverse("courses:h5p_library_file", args=[versioned, path]),
    )
    asset = world.package.assets["js"]
    downloads["h5p asset"] = (
        Client(),
        reverse("courses:h5p_asset", args=[asset]),
    )
    names["h5p asset"] = f"h5p/assets/{asset}"
    for kind, (client, url) in downloads.items():
        response = client.get(url)
        assert _accel(response) == f"/_private/{names[kind]}", kind
        assert response["Content-Type"] != "text/html; charset=utf-8", kind


def test_streamed_download_sends_the_bytes_to_the_holder(world):
    owner = Client()
    owner.force_login(world.owner)
    response = owner.get(f"/certificates/{OWNER_SERIAL}/download/")
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    assert response["Content-Disposition"].startswith("attachment")
    assert f"{OWNER_SERIAL}.pdf" in response["Content-Disposition"]


def _document(name: str):
    from django.core.files.base import ContentFile
    from wagtail.documents import get_document_model

    return get_document_model().objects.create(
        title=name, file=ContentFile(b"text", name=f"{name}.txt")
    )


def _document_url(document) -> str:
    return f"/documents/{document.pk}/{document.filename}"


def test_a_document_on_a_public_page_is_public_and_one_used_nowhere_is_not(world):
    from cms.models import ContentPage

    public, unused = _document("public"), _document("unused")
    link = f'<p><a linktype="document" id="{public.pk}">项目简介</a></p>'
    world.content.body = [{"type": "paragraph", "value": link}]
    world.content.save_revision().publish()
    teacher = Client()
    teacher.force_login(world.people["teacher"])
    trainer = Client()
    trainer.force_login(world.people["trainer"])

    assert ContentPage.objects.get(pk=world.content.pk).live
    assert Client().get(_document_url(public)).status_code == 200
    assert teacher.get(_document_url(unused)).status_code == 404
    assert Client().get(_document_url(unused)).status_code == 302  # sign in
    assert trainer.get(_document_url(unused)).status_code == 200


def test_a_lesson_document_is_closed_once_the_lesson_is_unpublished(world):
    teacher = Client()
    teacher.force_login(world.people["teacher"])
    url = _document_url(world.document)
    assert teacher.get(url).status_code == 200

    world.lesson.unpublish()

    assert teacher.get(url).status_code == 404
