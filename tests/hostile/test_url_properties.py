"""Every URL pattern with path parameters, read from the URL configuration
(tests/security_matrix/urls.py), asked with arbitrary values in place of its
parameters: never a server error.

Each parameter gets values its converter accepts, so the request reaches the
view (integers far past PostgreSQL's bigint, slugs, any Unicode without a
slash, paths with `..`, the world's real ids and tokens), and values it does
not (any text, any bytes percent-encoded, NUL). Each request is asked by
nobody, by the owner of the world's records, by office staff or by a
superuser, as a GET, a form POST with arbitrary fields or a POST of arbitrary
JSON, on the security matrix's world, rolled back afterwards. A server error
raises out of the test client, so Hypothesis shrinks it to a small example.
15 examples per route of the project's own views, 5 per Wagtail's generic
ones (URL_PROPERTY_EXAMPLES=n for a deeper run), plus the regressions.
"""

import json
import os
import re
from urllib.parse import quote

import pytest
from django.conf import settings as django_settings
from django.core.cache import cache
from django.db import models, transaction
from django.test import Client
from django.urls import reverse
from django.urls.converters import IntConverter, PathConverter, SlugConverter
from django.urls.resolvers import RegexPattern, RoutePattern
from hypothesis import example, given, settings
from hypothesis import strategies as st

from tests.security_matrix.conftest import world  # noqa: F401 (a fixture)
from tests.security_matrix.urls import PROJECT_APPS, routes_to_cover

pytestmark = pytest.mark.django_db

ASKERS = ("anon", "owner", "office", "admin")
PROJECT_EXAMPLES = 15
# Integers the database cannot hold (PostgreSQL's integer and bigint end at
# 2**31-1 and 2**63-1), and the edges around them.
EDGE_INTEGERS = [0, 1, 2**31 - 1, 2**31, 2**63 - 1, 2**63, 2**64, 10**30, 10**400]
# Path pieces that mean something to a file server or a decoder.
EDGE_TEXT = ["..", ".", "%00", "%2e%2e", "../../etc/passwd", "\x00", "~", " ", "0"]
# Names of the project's form fields, so arbitrary form data reaches them.
FIELD_NAMES = (
    "activities cohort comment confirm confirmed data date decision did ends_on "
    "evaluation feedback file fingerprint fmt focus holder host_school learned "
    "name note override_reason q rating reason report role round school serial "
    "sort starts_on status template text track username"
).split()
PARAMETER = re.compile(r"<(?:(?P<converter>[^>:]+):)?(?P<name>[^>]+)>")


def _with_parameters(route) -> bool:
    return any(
        pattern.converters
        if isinstance(pattern, RoutePattern)
        else pattern.regex.groups
        for pattern in route.patterns
    )


ROUTES = [r for r in routes_to_cover() if _with_parameters(r)]


def _real_values(w) -> tuple[list[int], list[str]]:
    """The world's ids and the strings its URLs name, so that some requests
    find what they ask for and go on to the view's later checks."""
    things = [v for v in vars(w).values() if isinstance(v, models.Model)]
    things += list(w.people.values())
    ids = sorted({thing.pk for thing in things})
    strings = [
        w.certificate.serial, w.certificate.verification_code, w.h5p_token,
        "matrix-quiz", "matrix-prompt", "content", "libraries", "state", "0",
        "h5p.json", "content/content.json", "schools", "0" * 32,
    ]  # fmt: skip
    return ids, strings


def _text(exclude_slash: bool, min_size: int = 1):
    alphabet = st.characters(exclude_characters="/" if exclude_slash else "")
    return st.text(alphabet, min_size=min_size, max_size=40)


def _long_text():
    return st.builds(
        lambda piece, n: piece * n,
        st.sampled_from(["a", "长", "ꀊ", "%"]),
        st.integers(1000, 9000),
    )


def _matching(converter, ids, strings):
    """Values the converter accepts: these reach the view."""
    if converter.regex == IntConverter.regex:  # Django's int, core's id
        return st.one_of(
            st.sampled_from(EDGE_INTEGERS),
            st.sampled_from(ids),
            st.integers(min_value=0),
            st.integers(min_value=2**63 - 5, max_value=2**70),
        ).map(str) | st.from_regex("0+[0-9]{1,3}", fullmatch=True)
    if isinstance(converter, SlugConverter):
        return st.from_regex(converter.regex, fullmatch=True) | st.sampled_from(strings)
    exclude_slash = not isinstance(converter, PathConverter)
    usable = [s for s in strings if not exclude_slash or "/" not in s]
    return st.one_of(
        st.sampled_from(usable),
        st.sampled_from([t for t in EDGE_TEXT if not exclude_slash or "/" not in t]),
        _text(exclude_slash),
        _long_text(),
        st.integers().map(str),
    ).filter(lambda value: re.fullmatch(converter.regex, value) is not None)


def _encode(value: str, keep_slash: bool) -> str:
    """Percent-encoded as a browser sends it; lone surrogates become the
    bytes no UTF-8 decoder accepts."""
    return quote(value.encode("utf-8", "surrogatepass"), safe="/" if keep_slash else "")


def _anything():
    """Values no converter need accept: the resolver 404s most of them, or
    they fall through to the page tree."""
    return st.one_of(
        _text(exclude_slash=False, min_size=0).map(lambda t: _encode(t, False)),
        st.binary(max_size=30).map(lambda b: quote(b, safe="")),
        st.sampled_from(EDGE_TEXT).map(lambda t: _encode(t, True)),
    )


def _parameters(pattern):
    """The route of a path() pattern cut at its parameters: the text
    between them, and each parameter's converter."""
    pieces, at = [], 0
    for match in PARAMETER.finditer(pattern._route):
        pieces.append(pattern._route[at : match.start()])
        pieces.append(pattern.converters[match["name"]])
        at = match.end()
    pieces.append(pattern._route[at:])
    return pieces


@st.composite
def _segment(draw, pattern, ids, strings):
    if isinstance(pattern, RegexPattern):
        if not pattern.regex.groups:
            return str(pattern.pattern).lstrip("^").rstrip("$")
        return _encode(draw(st.from_regex(pattern.regex, fullmatch=True)), True)
    path = []
    for piece in _parameters(pattern):
        if isinstance(piece, str):
            path.append(piece)
            continue
        keep_slash = isinstance(piece, PathConverter)
        matching = _matching(piece, ids, strings).map(
            lambda v, keep_slash=keep_slash: _encode(v, keep_slash)
        )
        path.append(draw(st.one_of(matching, matching, matching, _anything())))
    return "".join(path)


@st.composite
def urls(draw, route, ids, strings):
    path = "/" + "".join(draw(_segment(p, ids, strings)) for p in route.patterns)
    query = draw(query_strings)
    return f"{path}?{query}" if query else path


# Two of the bugs found, asked of every route they fit: an id one past the
# largest key (SQLite's driver could not send it: OverflowError) and a word
# where the key is a number (the snippet choosers' ValueError). The others
# are cases in test_bad_requests.py.
PAST_BIGINT, WORD = str(2**63), "HX-2021-900001"


def _regression_url(route) -> str | None:
    if any(isinstance(pattern, RegexPattern) for pattern in route.patterns):
        return None
    path = []
    for pattern in route.patterns:
        for piece in _parameters(pattern):
            if isinstance(piece, str):
                path.append(piece)
            else:
                path.append(PAST_BIGINT if piece.regex == IntConverter.regex else WORD)
    return "/" + "".join(path)


json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.sampled_from(EDGE_INTEGERS)
    | st.floats()
    | st.text(max_size=20),
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=10,
)
# Form fields as the test client encodes them (UTF-8, which holds no lone
# surrogate); `raw_forms` sends any bytes at all, percent-encoded.
form_text = st.text(st.characters(exclude_categories=["Cs"]), max_size=40)
form_data = st.dictionaries(
    st.sampled_from(FIELD_NAMES)
    | st.text(st.characters(exclude_categories=["Cs"]), max_size=10),
    st.lists(form_text | st.sampled_from(EDGE_TEXT), max_size=2)
    | st.sampled_from(EDGE_INTEGERS).map(str),
    max_size=5,
)
raw_forms = st.lists(
    st.tuples(
        st.sampled_from(FIELD_NAMES) | st.binary(max_size=8), st.binary(max_size=30)
    ),
    max_size=4,
).map(
    lambda pairs: "&".join(f"{quote(k, safe='')}={quote(v, safe='')}" for k, v in pairs)
)
query_strings = st.lists(
    st.tuples(
        st.sampled_from(FIELD_NAMES) | st.text(max_size=8),
        st.sampled_from(EDGE_INTEGERS).map(str) | st.text(max_size=20),
    ),
    max_size=3,
).map(
    lambda pairs: "&".join(f"{_encode(k, False)}={_encode(v, False)}" for k, v in pairs)
)
requests = st.one_of(
    st.tuples(st.just("get"), st.none()),
    st.tuples(st.just("post"), form_data),
    st.tuples(st.just("raw"), raw_forms),
    st.tuples(st.just("json"), json_values),
)


@pytest.fixture(scope="module")
def sessions(world, django_db_blocker):  # noqa: F811
    """A signed-in session per asker, made once inside the world's
    transaction; each request gets a fresh client carrying it, so what one
    request does to its client's cookies does not follow the next."""
    users = {
        "owner": world.owner,
        "office": world.people["office"],
        "admin": world.admin,
    }
    found = {"anon": None}
    with django_db_blocker.unblock():
        for asker, user in users.items():
            client = Client()
            client.force_login(user)
            found[asker] = client.cookies[django_settings.SESSION_COOKIE_NAME].value
    return found


@pytest.mark.parametrize("asker", ASKERS[1:])
def test_each_asker_is_signed_in(sessions, asker):
    client = Client()
    client.cookies[django_settings.SESSION_COOKIE_NAME] = sessions[asker]

    assert client.get(reverse("people:me")).status_code == 200


def _ask(sessions, asker, url, method, payload):
    cache.clear()  # rate limits count per address across requests
    client = Client()
    if sessions[asker]:
        client.cookies[django_settings.SESSION_COOKIE_NAME] = sessions[asker]
    with transaction.atomic():
        if method == "get":
            response = client.get(url)
        elif method == "post":
            response = client.post(url, payload)
        elif method == "raw":
            form = "application/x-www-form-urlencoded"
            response = client.post(url, payload, content_type=form)
        else:
            body = json.dumps(payload)
            response = client.post(url, body, content_type="application/json")
        transaction.set_rollback(True)
    return response


@pytest.mark.parametrize("route", ROUTES, ids=[r.name or r.route for r in ROUTES])
def test_no_value_in_a_url_parameter_is_a_server_error(
    route,
    world,  # noqa: F811
    sessions,
    server_errors,
):
    ids, strings = _real_values(world)

    def check(asker, url, request):
        # The no-server-error guard (tests/conftest.py) then names only the
        # last, shrunk example, not every step of the shrinking.
        server_errors.clear()
        method, payload = request
        response = _ask(sessions, asker, url, method, payload)
        assert response.status_code < 500, (asker, method, url, response.status_code)

    check = given(
        asker=st.sampled_from(ASKERS),
        url=urls(route, ids, strings),
        request=requests,
    )(check)
    regression = _regression_url(route)
    if regression:
        for asker, method in (("admin", "get"), ("admin", "post"), ("owner", "post")):
            request = (method, None if method == "get" else {})
            check = example(asker=asker, url=regression, request=request)(check)
    settings(max_examples=_examples_for(route))(check)()


def _examples_for(route) -> int:
    """The project's own views get most examples; Wagtail's generic snippet
    and user views, the same code for every model, fewer (the file runs in
    about a minute on PostgreSQL). URL_PROPERTY_EXAMPLES asks for more."""
    examples = int(os.environ.get("URL_PROPERTY_EXAMPLES", PROJECT_EXAMPLES))
    own = route.module.split(".")[0] in PROJECT_APPS
    return examples if own else max(1, examples // 3)
