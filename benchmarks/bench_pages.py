"""Pages side by side: this checkout against a comparison checkout (issue 15).

Both checkouts are served the same way in one run: production settings,
PostgreSQL, gunicorn with 2 workers x 4 threads, each checkout with a database
and media folder of its own holding the same data, built by this script
through each checkout's own services: a catalog of 20 courses, one of 50
lessons whose last one holds the synthetic MultiChoice-shaped H5P package
(benchmarks/h5p_synthetic.py), a short course with one, a track, and a learner
with a history (49 lessons done, attempts, resume state).

The comparison checkout is BENCH_COMPARE (a path) or else a detached git
worktree of BENCH_COMPARE_REF (default 705b0b5, the code issue 15 measured)
made under the system's temporary folder. Requests alternate between the two
servers, BENCH_PAGES_RUNS (200) per page after 20 of warm-up, one at a time on
a kept-alive connection; each figure prints as a JSON line with the other
side's value and the ratio ours / theirs. Queries are counted in each
checkout with Django's test client. Memory is the resident set (RSS) and the
proportional set (PSS: shared pages split between the processes sharing them)
of the gunicorn master and workers after 30 rounds of every page, and of the
Celery worker and beat as each checkout's systemd units start them.

    .venv/bin/python benchmarks/bench_pages.py      # or: make bench
"""

import inspect
import json
import os
import random
import re
import shlex
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from http.client import HTTPConnection
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HERE = Path(__file__).resolve().parent
COMPARE_REF = os.environ.get("BENCH_COMPARE_REF", "705b0b5")
RUNS = int(os.environ.get("BENCH_PAGES_RUNS", "200"))
WARMUP = 20
MEMORY_ROUNDS = 30
WORKERS, THREADS = 2, 4
SERVER = os.environ.get("BENCH_PG_SERVER", "postgres://postgres@127.0.0.1:5432")
BROKER = os.environ.get("BENCH_BROKER_URL", "redis://127.0.0.1:6379/12")
SCRATCH = Path(tempfile.gettempdir()) / "lms-bench-pages"
LESSONS = 50
COURSES = 20
PAGES = ["h5p_lesson", "h5p_lesson_50", "text_lesson", "course_page", "catalog"]
PAGES += ["my_learning"]
# Issue 15: the page budget and the memory targets.
QUERY_BUDGET = 10
XAPI_QUERY_BUDGET = 12
TARGET_RATIO = 0.4
WEB_MB, WORKER_MB, ALL_MB = 220, 160, 450
PARAGRAPH = (
    "在乡村小学，一位教师常常要同时教好几个年级。上课前，先想清楚这节课要让学生学会什么，"
    "再想学生已经会什么、还缺什么。教学目标写得越具体，课堂上就越容易判断学生是否真的学会了。"
)


def emit(name, value, unit, **extra) -> None:
    print(json.dumps({"name": name, "value": value, "unit": unit, **extra}))
    sys.stdout.flush()


# Inside a checkout: data, sessions, query counts ----------------------------


def _call(function, **kwargs):
    """Call a service of either checkout, leaving out keywords it lacks."""
    accepted = inspect.signature(function).parameters
    return function(**{k: v for k, v in kwargs.items() if k in accepted})


def _package():
    import h5p_synthetic
    from django.core.files.base import ContentFile

    from courses.h5p.services import h5p_package_create

    file = ContentFile(h5p_synthetic.build_package(), name="bench-choice.h5p")
    package = _call(h5p_package_create, title=h5p_synthetic.TITLE, file=file, by=None)
    package.refresh_from_db()
    if not package.is_ready:
        raise SystemExit(f"the synthetic package did not install: {package.error}")
    return package


def _h5p_body(package, block_id: str) -> list:
    return [
        {"type": "paragraph", "value": f"<p>{PARAGRAPH}</p>"},
        {
            "type": "h5p",
            "id": block_id,
            "value": {"title": "选择题", "package": package.pk, "pass_mark": 60},
        },
    ]


def _text_body() -> list:
    return [{"type": "paragraph", "value": f"<p>{PARAGRAPH}</p>"} for _ in range(6)]


def build() -> dict:
    from decimal import Decimal

    from cms.models import HomePage
    from courses.models import (
        CourseCategory,
        CourseIndexPage,
        CoursePage,
        LessonPage,
        Programme,
        Track,
        TrackCourse,
    )
    from courses.services import enrolment_create, track_enrol
    from people.models import Profile, Role, School, User

    package = _package()
    home = HomePage.objects.get(depth=2)
    catalog = home.add_child(instance=CourseIndexPage(title="课程目录", slug="courses"))
    categories = [
        CourseCategory.objects.create(code=f"bench{n}", name=f"基准类别{n}")
        for n in range(4)
    ]

    def course(n, title, lessons):
        page = catalog.add_child(
            instance=CoursePage(
                title=title, slug=f"c{n}", code=f"B-{n:03d}", summary=PARAGRAPH[:60],
                category=categories[n % 4], credit_hours=Decimal(4),
                estimated_hours=Decimal(4),
            )
        )  # fmt: skip
        made = [
            page.add_child(instance=LessonPage(title=t, slug=f"l{i}", body=body))
            for i, (t, body) in enumerate(lessons)
        ]
        return page, made

    text = [(f"课时{i}", _text_body()) for i in range(LESSONS)]
    long_course, long_lessons = course(
        0,
        "乡村课堂教学基本功",
        [*text[: LESSONS - 1], ("小测", _h5p_body(package, "q50"))],
    )
    short_course, short_lessons = course(
        1, "同课异构", [text[0], ("小测", _h5p_body(package, "q1")), text[1]]
    )
    others = [course(n, f"选修课程{n}", text[:4])[0] for n in range(2, COURSES)]
    programme = Programme.objects.create(
        code="bench", name="基准", starts_on="2020-06-01", ends_on="2022-03-31"
    )
    track = Track.objects.create(
        programme=programme, code="bench", name="种子教师",
        opens_on="2020-09-01", closes_on="2030-03-31",
    )  # fmt: skip
    for page in [long_course, short_course, *others[:4]]:
        TrackCourse.objects.create(track=track, course=page, is_required=True)
    school = School.objects.create(
        code="bench", name="基准学校", kind="village_primary"
    )
    learner = User.objects.create_user("bench-learner", name="阿西 · 基准教师")
    Profile.objects.create(user=learner, role=Role.TEACHER, school=school)
    track_enrol(track=track, users=[learner])
    for page in others[4:10]:
        enrolment_create(user=learner, course=page)
    _history(learner, long_lessons, short_lessons, package)
    return {
        "learner": learner.pk,
        "urls": {
            "h5p_lesson": _url_of(short_lessons[1]),
            "h5p_lesson_50": _url_of(long_lessons[-1]),
            "text_lesson": _url_of(short_lessons[0]),
            "course_page": _url_of(long_course),
            "catalog": _url_of(catalog),
            "my_learning": _reverse("courses:my_learning"),
        },
        "xapi": _reverse("courses:xapi_statement", long_lessons[-1].pk, "q50"),
        "iri": _iri(long_lessons[-1], "q50"),
        "library_file": _library_file(package, learner, long_lessons[-1], "q50"),
    }


def _url_of(page) -> str:
    from wagtail.models import Page

    return Page.objects.get(pk=page.pk).specific.url


def _reverse(name, *args) -> str:
    from django.urls import reverse

    return reverse(name, args=args)


def _iri(lesson, block_id) -> str:
    """The activity's xAPI object id, as both checkouts' lesson pages give it."""
    from django.conf import settings

    return f"{settings.WAGTAILADMIN_BASE_URL}/h5p/{lesson.pk}/{block_id}"


def _statement(iri: str, score: float) -> dict:
    verb = "http://adlnet.gov/expapi/verbs/answered"
    return {
        "id": str(uuid.uuid4()),
        "actor": {"objectType": "Agent", "name": "bench"},
        "verb": {"id": verb, "display": {"en-US": "answered"}},
        "object": {"objectType": "Activity", "id": iri},
        "result": {
            "score": {"min": 0, "max": 1, "raw": score, "scaled": score},
            "success": score >= 0.6,
            "completion": True,
        },
    }


def _history(learner, long_lessons, short_lessons, package) -> None:
    """49 lessons of the long course done, the short one begun, attempts at
    both quizzes and the player's resume state."""
    from courses.services import (
        lesson_mark_complete,
        lesson_visit,
        statement_record,
        user_data_set,
    )

    for lesson in long_lessons[:-1]:
        lesson_visit(user=learner, lesson=lesson)
        lesson_mark_complete(user=learner, lesson=lesson)
    for lesson, block_id in [(long_lessons[-1], "q50"), (short_lessons[1], "q1")]:
        lesson_visit(user=learner, lesson=lesson)
        for score in (0.0, 0.4, 1.0, 0.5, 1.0):
            statement_record(
                user=learner,
                lesson=lesson,
                block_id=block_id,
                statement=_statement(_iri(lesson, block_id), score),
            )
        user_data_set(
            user=learner,
            package=package,
            data_type="state",
            sub_content_id="0",
            data=json.dumps({"answers": [1]}),
        )


def _library_file(package, learner, lesson, block_id) -> str:
    """One file of the package's main library as the player asks for it:
    by its versioned folder where the checkout has that route, else through
    the embed token the lesson page hands out."""
    from django.urls import NoReverseMatch

    library = package.libraries.get(machine_name=package.main_library)
    try:
        from courses.h5p import assets

        return _reverse(
            "courses:h5p_library_file",
            assets.versioned_folder(library.folder_name),
            "library.json",
        )
    except (ImportError, AttributeError, NoReverseMatch):
        pass
    folder_file = f"{library.folder_name}/library.json"
    try:
        from courses.h5p.embed import embed_token

        token = embed_token(
            user=learner, lesson=lesson, block_id=block_id, package=package
        )
        return _reverse("courses:h5p_file", token, "libraries", folder_file)
    except ImportError:  # before embed tokens: the lesson's own route
        return _reverse(
            "courses:h5p_file", lesson.pk, block_id, "libraries", folder_file
        )


def session_for(user_pk: int) -> str:
    from importlib import import_module

    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY

    from people.models import User

    user = User.objects.get(pk=user_pk)
    session = import_module(settings.SESSION_ENGINE).SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    return session.session_key


def count_queries(plan: dict) -> dict:
    """Queries of every figure, through the test client with the learner's
    session and CSRF cookie, after one warm-up request each."""
    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client(HTTP_HOST="127.0.0.1")
    client.cookies[settings.SESSION_COOKIE_NAME] = plan["session"]
    client.cookies[settings.CSRF_COOKIE_NAME] = plan["csrf"]
    requests = {name: ("get", url) for name, url in plan["urls"].items()}
    requests["library_file"] = ("get", plan["library_file"])
    requests["xapi_post"] = ("post", plan["xapi"])
    counts = {}
    for name, (method, url) in requests.items():
        for _attempt in range(2):
            with CaptureQueriesContext(connection) as queries:
                if method == "get":
                    response = client.get(url)
                else:
                    response = client.post(
                        url,
                        json.dumps(_statement(plan["iri"], 0.8)),
                        content_type="application/json",
                        HTTP_X_CSRFTOKEN=plan["csrf"],
                    )
            if response.status_code >= 300:
                raise SystemExit(f"{name} {url}: {response.status_code}")
        counts[name] = len(queries)
    return counts


def prepare(out: str) -> None:
    """Run inside a checkout (its folder first on sys.path): migrate a fresh
    database, build the data, collect the static files, count queries."""
    import io
    import secrets

    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    quiet = {"verbosity": 0, "stdout": io.StringIO()}
    call_command("migrate", **quiet)
    call_command("collectstatic", interactive=False, **quiet)
    plan = build()
    plan["session"] = session_for(plan["learner"])
    plan["csrf"] = secrets.token_hex(16)
    plan["session_cookie"] = settings.SESSION_COOKIE_NAME
    plan["csrf_cookie"] = settings.CSRF_COOKIE_NAME
    plan["queries"] = count_queries(plan)
    Path(out).write_text(json.dumps(plan))


# The two sides ---------------------------------------------------------------


class CheckoutSide:
    """One checkout as a benchmark serves it: production settings with a
    database, media folders and Redis cache database of its own (shared by
    bench_load)."""

    secret = "bench-pages-"

    def __init__(self, name, checkout, *, scratch, database, cache_db):
        self.name, self.checkout = name, checkout
        self.folder = scratch / name
        self.database_url = f"{SERVER}/{database}_{name}"
        self.cache_db = cache_db

    def environment(self) -> dict:
        return {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "lms.settings.production",
            "DATABASE_URL": self.database_url,
            "SECRET_KEY": self.secret + "x" * 50,
            "DEBUG": "false",
            "LMS_DEMO": "false",
            "ALLOWED_HOSTS": "127.0.0.1,testserver",
            "SECURE_SSL_REDIRECT": "false",
            "NUM_PROXIES": "0",
            "MEDIA_ROOT": str(self.folder / "media"),
            "PRIVATE_MEDIA_ROOT": str(self.folder / "private"),
            "LOG_LEVEL": "WARNING",
            "DB_CONN_MAX_AGE": "600",
            "CELERY_BROKER_URL": "",
            # As .env.example has it: the cache is Redis (a database each).
            "CACHE_URL": f"redis://127.0.0.1:6379/{self.cache_db}",
            "PYTHONPATH": f"{self.checkout}{os.pathsep}{HERE}",
        }

    def prepare_with(self, script: Path, *args: str) -> Path:
        """A fresh database, folders and cache, filled by `script` run inside
        the checkout with the plan's path after `args`; returns that path."""
        sys.path.insert(0, str(HERE))
        from pgdb import create_database_if_missing

        shutil.rmtree(self.folder, ignore_errors=True)
        self.folder.mkdir(parents=True)
        create_database_if_missing(self.database_url, drop=True)
        subprocess.run(
            ["redis-cli", "-n", str(self.cache_db), "flushdb"],
            check=True,
            capture_output=True,
        )
        out = self.folder / "plan.json"
        subprocess.run(
            [sys.executable, str(script), *args, str(out)],
            cwd=self.checkout,
            env=self.environment(),
            check=True,
        )
        return out


class Side(CheckoutSide):
    def __init__(self, name: str, checkout: Path):
        super().__init__(
            name,
            checkout,
            scratch=SCRATCH,
            database="lms_benchpages",
            cache_db=13 if name == "ours" else 14,
        )
        self.processes: list[subprocess.Popen] = []
        self.plan: dict = {}
        self.port = 0
        self.web: subprocess.Popen | None = None

    def prepare(self) -> None:
        out = self.prepare_with(Path(__file__), "prepare")
        self.plan = json.loads(out.read_text())

    def start_web(self) -> None:
        unit = _unit_command(self.checkout, "lms-web.service")
        preload = ["--preload"] if "--preload" in unit else []
        self.port = _free_port()
        self.web = self._start(
            [
                str(ROOT / ".venv" / "bin" / "gunicorn"), "lms.wsgi",
                "--bind", f"127.0.0.1:{self.port}", "--workers", str(WORKERS),
                "--threads", str(THREADS), "--worker-class", "gthread",
                "--timeout", "120", *preload,
            ]
        )  # fmt: skip
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.web.poll() is not None:
                raise SystemExit(f"{self.name}: gunicorn exited")
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1):
                    return
            except OSError:
                time.sleep(0.2)
        raise SystemExit(f"{self.name}: gunicorn did not answer")

    def _start(self, command: list[str], extra_env=None) -> subprocess.Popen:
        process = subprocess.Popen(
            command,
            cwd=self.checkout,
            env={**self.environment(), **(extra_env or {})},
            stdout=subprocess.DEVNULL,
            stderr=open(self.folder / f"{Path(command[0]).name}.log", "ab"),
            start_new_session=True,
        )
        self.processes.append(process)
        return process

    def start_celery(self) -> tuple[subprocess.Popen, subprocess.Popen]:
        """The worker and beat exactly as the checkout's systemd units start
        them, with a broker of the bench's own."""
        environment = {"CELERY_BROKER_URL": BROKER}
        started = []
        for unit in ("lms-worker.service", "lms-beat.service"):
            command = _unit_command(self.checkout, unit)
            command = [
                part.replace("/srv/lms/.venv", str(ROOT / ".venv"))
                .replace("%H", self.name)
                .replace("/var/lib/lms", str(self.folder))
                for part in command
            ]
            started.append(self._start(command, environment))
        return started[0], started[1]

    def stop(self) -> None:
        for process in self.processes:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        for process in self.processes:
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
        self.processes = []


def _unit_command(checkout: Path, unit: str) -> list[str]:
    """How the checkout starts a process: its systemd unit's ExecStart, or,
    for a checkout before deploy/ existed, the command its README gives."""
    path = checkout / "deploy" / "systemd" / unit
    if path.exists():
        match = re.search(r"^ExecStart=((?:.*\\\n)*.*)$", path.read_text(), re.M)
        return shlex.split(match.group(1).replace("\\\n", " "))
    kind = {"lms-web.service": "gunicorn", "lms-worker.service": "worker"}.get(
        unit, "beat"
    )
    readme = (checkout / "README.md").read_text()
    if kind == "gunicorn":
        return ["gunicorn", "lms.wsgi"]
    match = re.search(rf"\.venv/bin/celery -A lms {kind}[^\n`]*", readme)
    return shlex.split(str(ROOT / match.group(0)))


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def compare_checkout() -> Path:
    path = Path(tempfile.gettempdir()) / f"lms-bench-compare-{COMPARE_REF}"
    if os.environ.get("BENCH_COMPARE"):
        path = Path(os.environ["BENCH_COMPARE"]).resolve()
    elif not (path / "manage.py").exists():
        subprocess.run(
            ["git", "worktree", "add", "--detach", "--force", str(path), COMPARE_REF],
            cwd=ROOT,
            check=True,
            capture_output=True,
        )
    # The same npm packages (h5p-standalone's player) for both.
    if not (path / "node_modules").exists():
        (path / "node_modules").symlink_to(ROOT / "node_modules")
    return path


# Measuring -------------------------------------------------------------------


class Client:
    """One kept-alive connection to a side, with the learner's cookies."""

    def __init__(self, side: Side):
        self.side = side
        self.connection = HTTPConnection("127.0.0.1", side.port, timeout=60)
        plan = side.plan
        self.cookie = (
            f"{plan['session_cookie']}={plan['session']}; "
            f"{plan['csrf_cookie']}={plan['csrf']}"
        )

    def request(self, method: str, path: str, body: bytes | None = None) -> float:
        headers = {"Cookie": self.cookie, "Accept-Encoding": "gzip, br"}
        if body is not None:
            headers["Content-Type"] = "application/json"
            headers["X-CSRFToken"] = self.side.plan["csrf"]
            headers["Origin"] = f"http://127.0.0.1:{self.side.port}"
            headers["Referer"] = f"http://127.0.0.1:{self.side.port}/"
        for attempt in range(2):
            start = time.perf_counter()
            try:
                self.connection.request(method, path, body=body, headers=headers)
                response = self.connection.getresponse()
                response.read()
                break
            except OSError:
                # gunicorn closes a kept-alive connection idle for 2 s (while
                # the other side answers a slow first request): once more on
                # a new connection, timed afresh.
                self.connection.close()
                self.connection = HTTPConnection(
                    "127.0.0.1", self.side.port, timeout=60
                )
                if attempt:
                    raise
        elapsed = (time.perf_counter() - start) * 1000
        if response.status >= 300:
            raise SystemExit(f"{self.side.name} {method} {path}: {response.status}")
        return elapsed

    def figure(self, name: str) -> float:
        plan = self.side.plan
        if name == "xapi_post":
            body = json.dumps(_statement(plan["iri"], random.random())).encode()
            return self.request("POST", plan["xapi"], body)
        if name == "library_file":
            return self.request("GET", plan["library_file"])
        return self.request("GET", plan["urls"][name])


def timings(clients: list[Client], figures: list[str]) -> dict:
    """{figure: {side: [ms, ...]}}: every round asks each side for each
    figure, in a shuffled order, so both see the same moments of the
    machine."""
    found = {f: {c.side.name: [] for c in clients} for f in figures}
    rng = random.Random(15)
    for round_number in range(WARMUP + RUNS):
        order = [(f, c) for f in figures for c in clients]
        rng.shuffle(order)
        for figure, client in order:
            ms = client.figure(figure)
            if round_number >= WARMUP:
                found[figure][client.side.name].append(ms)
    return found


def memory(pids: list[int]) -> tuple[float, float]:
    """RSS and PSS in MB, summed over the processes."""
    rss = pss = 0
    for pid in pids:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            key, _, value = line.partition(":")
            if key == "Rss":
                rss += int(value.split()[0])
            elif key == "Pss":
                pss += int(value.split()[0])
    return round(rss / 1024, 1), round(pss / 1024, 1)


def process_tree(pid: int) -> list[int]:
    found = [pid]
    for child in Path(f"/proc/{pid}/task/{pid}/children").read_text().split():
        found += process_tree(int(child))
    return found


def load_average() -> float:
    return float(Path("/proc/loadavg").read_text().split()[0])


def main() -> None:
    theirs_path = compare_checkout()
    ours, theirs = Side("ours", ROOT), Side("theirs", theirs_path)
    sides = [ours, theirs]
    load_before = load_average()
    try:
        for side in sides:
            side.prepare()
            side.start_web()
        clients = [Client(side) for side in sides]
        figures = [*PAGES, "xapi_post", "library_file"]
        load = [load_average()]
        found = timings(clients, figures)
        load.append(load_average())
        compare = {"compare": str(theirs_path), "compare_ref": COMPARE_REF}
        for figure in figures:
            p50 = {s: statistics.median(v) for s, v in found[figure].items()}
            emit(
                f"pages_{figure}_p50",
                round(p50["ours"], 2),
                "ms",
                theirs=round(p50["theirs"], 2),
                ratio=round(p50["ours"] / p50["theirs"], 3),
                target_ratio=TARGET_RATIO if figure in PAGES else 1.0,
                runs=RUNS,
                **compare,
            )
        for figure in [*figures]:
            budget = QUERY_BUDGET if figure in PAGES else XAPI_QUERY_BUDGET
            if figure == "library_file":
                budget = 0
            emit(
                f"pages_{figure}_queries",
                ours.plan["queries"][figure],
                "queries",
                theirs=theirs.plan["queries"][figure],
                target=budget,
            )
        # Memory: every page another MEMORY_ROUNDS times (the timing rounds
        # count too), then the gunicorn processes' resident sets.
        for _ in range(MEMORY_ROUNDS):
            for client in clients:
                for figure in figures:
                    client.figure(figure)
        web = {s.name: memory(process_tree(s.web.pid)) for s in sides}
        for key, index in (("rss", 0), ("pss", 1)):
            emit(
                f"pages_gunicorn_{key}",
                web["ours"][index],
                "MB",
                theirs=web["theirs"][index],
                ratio=round(web["ours"][index] / web["theirs"][index], 3),
                target=WEB_MB,
                processes=f"master + {WORKERS} workers",
            )
        for client in clients:
            client.connection.close()
        celery = {}
        for side in sides:
            worker, beat = side.start_celery()
            time.sleep(15)  # started and connected: idle, ready for tasks
            celery[side.name] = (
                memory(process_tree(worker.pid)),
                memory(process_tree(beat.pid)),
                len(process_tree(worker.pid)),
            )
        for key, index in (("rss", 0), ("pss", 1)):
            emit(
                f"pages_celery_worker_{key}",
                celery["ours"][0][index],
                "MB",
                theirs=celery["theirs"][0][index],
                processes=celery["ours"][2],
                theirs_processes=celery["theirs"][2],
                target=WORKER_MB,
            )
            total = {
                s: web[s][index] + celery[s][0][index] + celery[s][1][index]
                for s in ("ours", "theirs")
            }
            emit(
                f"pages_web_worker_beat_{key}",
                round(total["ours"], 1),
                "MB",
                theirs=round(total["theirs"], 1),
                target=ALL_MB,
            )
        emit(
            "pages_load_average",
            round(max(load), 2),
            "load",
            before=load_before,
            during=load,
            cores=os.cpu_count(),
        )
    finally:
        for side in sides:
            side.stop()


if __name__ == "__main__":
    if len(sys.argv) > 2 and sys.argv[1] == "prepare":
        sys.path.insert(0, os.getcwd())
        prepare(sys.argv[2])
    else:
        main()
