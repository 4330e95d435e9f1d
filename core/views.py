"""The web app manifest, the service worker and the page it shows offline.

The worker is a template so that it names the hashed static URLs; its version
is a hash of what it renders to, so any change of its code, of the shell's
files or of the offline page installs a new worker, which deletes the old
caches when it takes over."""

import hashlib
import json
from pathlib import Path

from django.conf import settings
from django.contrib.staticfiles import finders
from django.contrib.staticfiles.storage import staticfiles_storage
from django.http import HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.templatetags.static import static
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET

from .offline import never_personal

THEME_COLOR = "#0b6e4f"  # --accent in static/css/site.css
BACKGROUND_COLOR = "#f6f7f9"  # --bg
ICON_SIZES = (192, 512)
WORKBOX_MODULES = ("core", "routing", "strategies", "cacheable-response")
# Static files every learner page uses, stored when the worker installs.
SHELL_FILES = (
    "css/site.css",
    "js/site.js",
    "js/offline-course.js",
    "js/h5p-lesson.js",
    "js/outbox.js",
    "js/outbox-replay.js",
    "idb-keyval/umd.js",
    "icons/icon-192.png",
)
CONTENT_PATH = r"^/learn/lessons/\d+/activities/[^/]+/files/"
# The outbox helper's replay for Background Sync; the worker loads it only
# where the file exists (static files found by the finders).
OUTBOX_REPLAY = "js/outbox-replay.js"
IDB_KEYVAL = "idb-keyval/umd.js"


@require_GET
@cache_control(public=True, max_age=86400)
def manifest(request):
    icons = [
        {
            "src": static(f"icons/icon-{size}.png"),
            "sizes": f"{size}x{size}",
            "type": "image/png",
            "purpose": "any",
        }
        for size in ICON_SIZES
    ]
    icons.append({**icons[-1], "purpose": "maskable"})
    data = {
        "name": _("Hongxi Teacher Training"),
        "short_name": _("Hongxi Training"),
        "description": _("Lessons for the teachers of the Hongxi area, also offline."),
        "lang": translation.get_language(),
        "start_url": "/",
        "scope": "/",
        "display": "standalone",
        "theme_color": THEME_COLOR,
        "background_color": BACKGROUND_COLOR,
        "icons": icons,
    }
    response = JsonResponse(data, json_dumps_params={"ensure_ascii": False})
    response["Content-Type"] = "application/manifest+json"
    return response


@require_GET
def offline_page(request):
    """The page for a navigation the phone has no copy of. It is kept for
    everyone on the phone, so it is rendered without the request: no context
    processor runs, and it names nobody and carries no form or token."""
    return never_personal(HttpResponse(render_to_string("core/offline.html")))


@require_GET
def service_worker(request):
    source = render_to_string("core/sw.js", _worker_context())
    version = hashlib.sha256(source.encode()).hexdigest()[:16]
    response = HttpResponse(
        f'var VERSION = "{version}";\n{source}',
        content_type="text/javascript; charset=utf-8",
    )
    response["Cache-Control"] = "no-cache"
    response["Service-Worker-Allowed"] = "/"
    return response


def _worker_context() -> dict:
    config = {
        "modules": {
            f"workbox-{name}": static(f"workbox/workbox-{name}.prod.js")
            for name in WORKBOX_MODULES
        },
        "shell": [static(name) for name in SHELL_FILES],
        "offlineUrl": reverse("core:offline"),
        "offlineRevision": _offline_page_revision(),
        "staticCache": "hongxi-static-" + _static_namespace(),
        # An activity's content files, fetched by the lesson page with the
        # viewer's session (courses:h5p_content): the person's own cache.
        "contentPath": CONTENT_PATH,
    }
    replay = static(OUTBOX_REPLAY) if finders.find(OUTBOX_REPLAY) else ""
    # outbox-replay.js loads idb-keyval itself in a worker, from this URL.
    idb_keyval = static(IDB_KEYVAL) if finders.find(IDB_KEYVAL) else ""
    return {
        "idb_keyval_url": idb_keyval,
        "config_json": json.dumps(config, indent=1, sort_keys=True),
        "workbox_sw_url": static("workbox/workbox-sw.js"),
        "outbox_replay_url": replay,
    }


def _offline_page_revision() -> str:
    """A hash of the offline page in every language (as nobody sees it)."""
    digest = hashlib.sha256()
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            html = render_to_string("core/offline.html")
        digest.update(html.encode())
    return digest.hexdigest()[:16]


def _static_namespace() -> str:
    """What names the cache of /static/ files. Hashed file names (the
    manifest storage) never change their bytes, so their cache outlives
    versions of the worker: a kept lesson that names an older file still finds
    it. Unhashed names (development, tests) are one cache per state of the
    files, so that a changed file is fetched again."""
    if hasattr(staticfiles_storage, "manifest_hash"):
        return "hashed"
    digest = hashlib.sha256()
    for finder in finders.get_finders():
        for path, storage in finder.list([]):
            full = Path(storage.path(path))
            stat = full.stat()
            digest.update(f"{path}:{stat.st_size}:{stat.st_mtime_ns};".encode())
    return digest.hexdigest()[:12]
