"""Asking one URL as each role, and checking what came back."""

import operator
import re
from dataclasses import dataclass, field

from django.core.cache import cache
from django.db import connection, transaction
from django.test import Client
from django.urls import get_resolver, reverse

from .world import OWNER_NAME, OWNER_REFLECTION, OWNER_SERIAL, ROLES

# Statuses in the table: a number, or a redirect kind.
LOGIN, ADMIN_HOME, REDIRECT = "L", "H", "R"
OWNER_MARKERS = (OWNER_NAME, OWNER_REFLECTION, OWNER_SERIAL)
# Tables a refused request may still write: the session (saved with messages)
# and Wagtail's note of who has an edit form open.
UNWATCHED_TABLES = {"django_session", "wagtailadmin_editingsession"}
# URL keyword arguments with one obvious value in the world; rows name others.
DEFAULT_KWARGS = {
    "course_id": "course.pk",
    "lesson_id": "quiz_lesson.pk",
    "block_id": "=matrix-quiz",
    "track_id": "track.pk",
    "serial": "certificate.serial",
    "code": "certificate.verification_code",
    "token": "=" + "0" * 32,
    "kind": "=content",
    "path": "=h5p.json",
    "data_type": "=state",
    "sub_content_id": "=0",
}


@dataclass(frozen=True)
class E:
    """What a URL answers each role, in ROLES order (anon, teacher, principal
    of another school, mentor, trainer, office): a status code, L (redirect to
    sign in), H (Wagtail admin's refusal: redirect to the admin home) or R
    (another redirect). `post` is checked too where the view writes; a POST
    from a role not named in `changes` must not write to any table.
    `sees_owner` names the roles that may see the owner's data."""

    get: str | None
    post: str | None = None
    kw: dict = field(default_factory=dict)
    query: str = ""
    data: dict = field(default_factory=dict)
    changes: str = ""
    sees_owner: str = "office"
    # Keyword and data values: "attr.path" in the world, "=literal" or
    # "=text with {w.attr.path}".
    path: str = ""  # for patterns reverse() cannot build: "/x/{w.attr}/"
    json: dict | None = None  # a JSON body for the POST instead of `data`

    def codes(self, method: str) -> list[str] | None:
        codes = getattr(self, method)
        if codes is None:
            return None
        codes = codes.split()
        assert len(codes) == len(ROLES), f"{codes}: one code per role {ROLES}"
        return codes


def resolve_value(world, spec):
    if isinstance(spec, str) and spec.startswith("="):
        return spec[1:].format(w=world)
    if isinstance(spec, str):
        return operator.attrgetter(spec)(world)
    return spec


def url_for(world, name: str, route_kwargs: list[str], expect: E) -> str:
    if expect.path:
        return expect.path.format(w=world)
    kwargs = {}
    for key in route_kwargs:
        spec = expect.kw.get(key, DEFAULT_KWARGS.get(key))
        assert spec is not None, f"{name}: say in `kw` what {key} is"
        kwargs[key] = resolve_value(world, spec)
    url = reverse(name, kwargs=kwargs)
    if expect.query:
        url += "?" + expect.query.format(w=world)
    return url


class WriteWatcher:
    """Records every statement that writes to a table (sessions aside): a
    refused request must not write at all, not even what it would undo."""

    WRITE = re.compile(
        r'^\s*(?:INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+"?(\w+)"?', re.IGNORECASE
    )

    def __init__(self):
        self.tables = set()

    def __call__(self, execute, sql, params, many, context):
        match = self.WRITE.match(sql)
        if match and match.group(1) not in UNWATCHED_TABLES:
            self.tables.add(match.group(1))
        return execute(sql, params, many, context)


def observed_code(response) -> str:
    if response.status_code in (301, 302, 303):
        location = response["Location"]
        if location.startswith(reverse("account_login")):
            return LOGIN
        if location.split("?")[0] == reverse("wagtailadmin_home"):
            return ADMIN_HOME
        return REDIRECT
    return str(response.status_code)


def ask(world, role: str, method: str, url: str, expect: E, watch: bool):
    """One request as `role`, rolled back afterwards. Returns the response,
    the tables it changed (when watched) and the owner's data it showed."""
    cache.clear()  # rate limits count per address across requests
    with transaction.atomic():
        client = Client()
        if role != "anon":
            client.force_login(world.people[role])
        watcher = WriteWatcher()
        with connection.execute_wrapper(watcher):
            if method == "get":
                response = client.get(url)
            elif expect.json is not None:
                body = expect.json(world) if callable(expect.json) else expect.json
                response = client.post(url, body, "application/json")
            else:
                data = {k: resolve_value(world, v) for k, v in expect.data.items()}
                response = client.post(url, data)
        changed = sorted(watcher.tables) if watch else []
        shown = shown_markers(response)
        transaction.set_rollback(True)
    return response, changed, shown


def shown_markers(response) -> list[str]:
    if response.streaming or response.status_code != 200:
        return []
    text = response.content.decode("utf-8", "replace")
    return [marker for marker in OWNER_MARKERS if marker in text]


def route_kwargs(name: str) -> list[str]:
    """The keyword arguments of URL `name` (with its namespaces)."""
    possibilities = get_resolver().reverse_dict.getlist(name.split(":")[-1])
    if ":" in name:
        resolver = get_resolver()
        for namespace in name.split(":")[:-1]:
            resolver = resolver.namespace_dict[namespace][1]
        possibilities = resolver.reverse_dict.getlist(name.split(":")[-1])
    return list(possibilities[0][0][0][1]) if possibilities else []


def check(world, name, route_kwargs, expect, path_override=None):
    """Ask `name` as each role by GET (and POST where the row says) and
    return what differs from the row, and what each role got."""
    url = path_override or url_for(world, name, route_kwargs, expect)
    problems, observed = [], {}
    for method in ("get", "post"):
        codes = expect.codes(method)
        if codes is None:
            continue
        observed[method] = []
        for role, wanted in zip(ROLES, codes, strict=True):
            watch = method == "post" and role not in expect.changes.split()
            response, changed, shown = ask(world, role, method, url, expect, watch)
            got = observed_code(response)
            observed[method].append(got)
            if got != wanted:
                problems.append(
                    f"{method.upper()} {url} as {role}: {got}, not {wanted}"
                )
            if changed:
                problems.append(
                    f"POST {url} as {role} ({got}) changed {', '.join(changed)}"
                )
            if shown and role not in expect.sees_owner.split():
                problems.append(f"{method.upper()} {url} as {role} showed {shown}")
    return problems, observed
