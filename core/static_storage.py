"""The static files storage of production (collectstatic): WhiteNoise's
hashed names, a year's caching and brotli and gzip copies, and the project's
own scripts and stylesheets (static/js, static/css) minified first, since
teachers pay for every byte on a village link and there is no front-end build
step. Comments and indentation go; what the code does does not change
(rjsmin and rcssmin only remove what the languages ignore)."""

import rcssmin
import rjsmin
from django.core.files.base import ContentFile
from whitenoise.storage import CompressedManifestStaticFilesStorage

OWN_FOLDERS = ("js/", "css/")


def minified(name: str, data: bytes) -> bytes:
    """`data` of the static file `name`, minified if it is one of ours."""
    if not name.startswith(OWN_FOLDERS):
        return data
    if name.endswith(".js"):
        return rjsmin.jsmin(data.decode("utf-8")).encode("utf-8")
    if name.endswith(".css"):
        return rcssmin.cssmin(data.decode("utf-8")).encode("utf-8")
    return data


class MinifiedStaticFilesStorage(CompressedManifestStaticFilesStorage):
    def _save(self, name, content):
        if name.startswith(OWN_FOLDERS) and name.endswith((".js", ".css")):
            content.seek(0)
            content = ContentFile(minified(name, content.read()))
        return super()._save(name, content)
