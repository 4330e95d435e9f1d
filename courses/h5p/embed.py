"""Capabilities for playing one H5P activity in its sandbox.

H5P content runs in a sandboxed frame with an opaque origin, so its requests
carry no session cookie. The lesson page hands the player its code and the
content's files, but a file too big to hand over (a video) the player loads
itself: after checking that the viewer may play the activity, the lesson page
mints a signed token naming the viewer, the lesson, the activity block and its
package, and that file is reached with the token alone. It expires after
SESSION_COOKIE_AGE, and the views check again, on each request, that the
viewer may still play."""

from dataclasses import dataclass

from django.conf import settings
from django.core import signing
from django.urls import reverse

SALT = "courses.h5p.embed"


@dataclass(frozen=True)
class EmbedGrant:
    user_id: int
    lesson_id: int
    block_id: str
    package_id: int


def embed_token(*, user, lesson, block_id: str, package) -> str:
    """A token letting `user` play `package` in the block `block_id` of
    `lesson`. Call it only once the user's permission has been checked."""
    return signing.dumps(
        [user.pk, lesson.pk, block_id, package.pk], salt=SALT, compress=True
    )


def embed_grant(token: str) -> EmbedGrant | None:
    """What a token grants, or None if it was not made by embed_token, was
    changed, or has expired."""
    try:
        user_id, lesson_id, block_id, package_id = signing.loads(
            token, salt=SALT, max_age=settings.SESSION_COOKIE_AGE
        )
    except (signing.BadSignature, ValueError, TypeError):
        return None
    if not (
        isinstance(user_id, int)
        and isinstance(lesson_id, int)
        and isinstance(block_id, str)
        and isinstance(package_id, int)
    ):
        return None
    return EmbedGrant(user_id, lesson_id, block_id, package_id)


def content_url(path: str) -> str:
    """`path` on the H5P content origin (H5P_CONTENT_ORIGIN), or on this site
    when none is set."""
    return f"{settings.H5P_CONTENT_ORIGIN}{path}"


def files_url(token: str, kind: str) -> str:
    """The folder of the token's package files ("content": h5p.json and
    content/); the file view appends the file's path."""
    base = reverse("courses:h5p_file", args=[token, kind, "-"])
    return content_url(base[: -len("/-")])
