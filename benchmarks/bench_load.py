"""Load: 200 teachers opening lessons and answering an H5P quiz at once,
against this checkout and a comparison checkout in the same run (issue 15).

Each checkout runs in turn under gunicorn with production settings (DEBUG off,
WhiteNoise, manifest static files, a Redis cache) on PostgreSQL, with the
gunicorn flags of its own systemd unit (2 workers x 4 threads; --preload where
the unit has it), a database, media folder and cache database of its own,
migrated and seeded (seed_demo plus the load teachers) by the checkout's own
code. A second process plays the teachers:

1. BENCH_TEACHERS (200) signed-in teachers for BENCH_SECONDS (60). Each opens a
   lesson of the demo course that ends with a quiz (the page, then the
   player's saved state; the first time also the H5P files, which the browser
   caches after), reads for a while, and answers the quiz: the player posts
   an xAPI statement. Think times are random (2-10 s) so the teachers do not
   march in step. Their requests per second are set by the think times as
   long as the server keeps up; the figures are latency and errors.
2. Capacity: BENCH_CAPACITY_CLIENTS (16) teachers doing the same without
   thinking, in three rounds of BENCH_CAPACITY_SECONDS (10) per checkout
   taken in turns: the requests per second the server sustains (the median
   round), the figure compared between the checkouts.

The comparison checkout is found as bench_pages finds it (BENCH_COMPARE, or a
worktree of BENCH_COMPARE_REF, default 705b0b5). Prints JSON lines, each with
the other checkout's value and the ratio: requests per second, p50/p95/p99
latency, errors, with targets (zero errors, p95 under 250 ms, capacity at
least 1.5 x the comparison's), and the load average.

    .venv/bin/python benchmarks/bench_load.py   # or: make bench
"""

import io
import json
import os
import random
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from http.client import HTTPConnection
from pathlib import Path

from bench_pages import CheckoutSide, _unit_command

ROOT = Path(__file__).resolve().parent.parent
HERE = Path(__file__).resolve().parent
TEACHERS = int(os.environ.get("BENCH_TEACHERS", "200"))
SECONDS = float(os.environ.get("BENCH_SECONDS", "60"))
CAPACITY_CLIENTS = int(os.environ.get("BENCH_CAPACITY_CLIENTS", "16"))
CAPACITY_SECONDS = float(os.environ.get("BENCH_CAPACITY_SECONDS", "10"))
CAPACITY_ROUNDS = 3
MAX_REQUESTS = int(os.environ.get("BENCH_MAX_REQUESTS", "30000"))
THINK_SECONDS = (2.0, 10.0)
REQUEST_TIMEOUT = 30
P95_TARGET_MS = 250
CAPACITY_TARGET_RATIO = 1.5
# gthread workers: two processes for two cores, threads to overlap database
# waits. More processes only queue for the same two cores.
WORKERS = int(os.environ.get("BENCH_WORKERS", "2"))
THREADS = int(os.environ.get("BENCH_THREADS", "4"))
SCRATCH = Path(tempfile.gettempdir()) / "lms-bench-load"
USERNAME = "load-teacher-{:03d}"
VERB = "http://adlnet.gov/expapi/verbs/"


class Side(CheckoutSide):
    """One checkout: its database, media folder and cache database."""

    secret = "bench-load-"

    def __init__(self, name: str, checkout: Path):
        super().__init__(
            name,
            checkout,
            scratch=SCRATCH,
            database="lms_load",
            cache_db=10 if name == "ours" else 11,
        )
        self.plan_file, self.port = "", 0
        self.server: subprocess.Popen | None = None

    def prepare(self) -> str:
        return str(self.prepare_with(Path(__file__), "--prepare"))

    def start_gunicorn(self, port: int) -> subprocess.Popen:
        preload = ["--preload"] if "--preload" in _unit_command(
            self.checkout, "lms-web.service"
        ) else []  # fmt: skip
        command = [
            str(ROOT / ".venv" / "bin" / "gunicorn"),
            "lms.wsgi",
            "--bind", f"127.0.0.1:{port}",
            "--worker-class", "gthread",
            "--workers", str(WORKERS),
            "--threads", str(THREADS),
            "--backlog", "2048",
            "--timeout", "60",
            "--log-level", "warning",
            "--no-control-socket",
            *preload,
        ]  # fmt: skip
        return subprocess.Popen(
            command,
            cwd=self.checkout,
            env=self.environment(),
            start_new_session=True,
        )


# The app side: data, sessions (run inside each checkout) ---------------------


def prepare(plan_file: str) -> None:
    """Migrate, seed, enrol the load teachers and sign them in; write the plan
    the driver follows: session cookies and the URLs to request."""
    sys.path.insert(0, os.getcwd())
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    quiet = {"verbosity": 0, "stdout": io.StringIO()}
    call_command("migrate", **quiet)
    call_command("seed_demo", force=True, **quiet)
    call_command("collectstatic", interactive=False, **quiet)
    lesson, block_id, package = _quiz_lesson()
    users = _load_teachers(lesson)
    plan = {
        "sessions": _sessions(users),
        "lessons": _lesson_urls(lesson),
        "quiz": lesson.url,
        "state": _url("courses:h5p_user_data", lesson.pk, block_id, "state", "0"),
        "xapi": _url("courses:xapi_statement", lesson.pk, block_id),
        "iri": _iri(lesson, block_id),
        "h5p_files": _h5p_files(lesson, block_id, package, users[0]),
        "session_cookie": settings.SESSION_COOKIE_NAME,
        "csrf_cookie": settings.CSRF_COOKIE_NAME,
    }
    Path(plan_file).write_text(json.dumps(plan))


def _url(name, *args) -> str:
    from django.urls import reverse

    return reverse(name, args=args)


def _iri(lesson, block_id) -> str:
    """The activity's xAPI object id, as both checkouts' lesson pages give it."""
    from django.conf import settings

    return f"{settings.WAGTAILADMIN_BASE_URL}/h5p/{lesson.pk}/{block_id}"


def _quiz_lesson():
    """The first demo lesson with an H5P quiz, its package unpacked."""
    from courses.h5p import storage
    from courses.h5p.services import h5p_package_unpack
    from courses.models import LessonPage

    for lesson in LessonPage.objects.live().order_by("path"):
        for block_id, block in lesson.activity_blocks.items():
            package = block.value["package"]
            if not storage.content_root(package).exists():
                type(package).objects.filter(pk=package.pk).update(status="processing")
                package = h5p_package_unpack(package_id=package.pk)
            return lesson, block_id, package
    raise SystemExit("seed_demo made no lesson with an H5P quiz")


def _load_teachers(lesson):
    from courses.models import CoursePage, Enrolment
    from courses.services import enrolment_create
    from people.models import Profile, Role, School, User

    course = CoursePage.objects.parent_of(lesson).get()
    school = School.objects.filter(kind__in=School.SUPPORTED_KINDS).first()
    names = [USERNAME.format(n) for n in range(TEACHERS)]
    existing = set(User.objects.filter(username__in=names).values_list("username"))
    for name in names:
        if (name,) not in existing:
            user = User.objects.create_user(name, name=f"压测教师{name[-3:]}")
            Profile.objects.create(user=user, role=Role.TEACHER, school=school)
    users = list(User.objects.filter(username__in=names).order_by("username"))
    enrolled = set(
        Enrolment.objects.filter(user__in=users, course=course).values_list(
            "user_id", flat=True
        )
    )
    for user in users:
        if user.pk not in enrolled:
            enrolment_create(user=user, course=course)
    return users


def _sessions(users) -> list[str]:
    """A signed-in session per teacher, as the login form would leave it."""
    from importlib import import_module

    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY

    keys = []
    for user in users:
        session = import_module(settings.SESSION_ENGINE).SessionStore()
        session[SESSION_KEY] = str(user.pk)
        session[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
        session[HASH_SESSION_KEY] = user.get_session_auth_hash()
        session.create()
        keys.append(session.session_key)
    return keys


def _lesson_urls(lesson) -> list[str]:
    from courses.models import CoursePage, LessonPage

    course = CoursePage.objects.parent_of(lesson).get()
    return [page.url for page in LessonPage.objects.child_of(course).live()]


def _h5p_files(lesson, block_id, package, user) -> list[str]:
    """What the player fetches from the application when it first starts
    (cached by the browser afterwards; static files left out): where the
    checkout lists them for offline keeping, that list; before, the
    package's JSON and its libraries' code."""
    try:
        from courses.selectors import activity_player_options, offline_urls
    except ImportError:
        pass
    else:
        block = lesson.activity_blocks[block_id]
        options = activity_player_options(
            lesson=lesson, block=block, user=user, user_data=None
        )
        urls = offline_urls({block_id: options})
        return [url for url in urls if "/static/" not in url]
    paths = [("content", "h5p.json"), ("content", "content/content.json")]
    for library in package.libraries.all():
        paths.append(("libraries", f"{library.folder_name}/library.json"))
        for name in ("lmsquiz.js", "lmsquiz.css"):
            if library.machine_name == "H5P.LmsQuiz":
                paths.append(("libraries", f"{library.folder_name}/{name}"))
    return [_url("courses:h5p_file", lesson.pk, block_id, k, p) for k, p in paths]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_until_up(port: int, process: subprocess.Popen, timeout=60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"gunicorn exited with {process.returncode}")
        try:
            connection = HTTPConnection("127.0.0.1", port, timeout=5)
            connection.request("GET", "/", headers={"Host": "127.0.0.1"})
            if connection.getresponse().status == 200:
                return
        except OSError:
            pass
        time.sleep(0.3)
    raise SystemExit("gunicorn did not answer in time")


def stop(process: subprocess.Popen | None) -> None:
    """End a process we started and everything it started."""
    if process is None or process.poll() is not None:
        return
    try:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
    except ProcessLookupError:
        pass


# The driver: a second process playing the teachers ---------------------------


class Teacher(threading.Thread):
    def __init__(self, driver, session_key: str, seed: int):
        super().__init__(daemon=True)
        self.driver = driver
        self.random = random.Random(seed)
        plan = driver.plan
        self.cookie = (
            f"{plan['session_cookie']}={session_key}; "
            f"{plan['csrf_cookie']}={driver.csrf}"
        )
        self.files_cached = False

    def request(self, kind: str, method: str, path: str, body: bytes | None = None):
        if not self.driver.take_ticket():
            return False
        headers = {"Host": "127.0.0.1", "Cookie": self.cookie}
        if body is not None:
            headers["Content-Type"] = "application/json"
            headers["X-CSRFToken"] = self.driver.csrf
        start = time.perf_counter()
        try:
            connection = HTTPConnection(
                "127.0.0.1", self.driver.port, timeout=REQUEST_TIMEOUT
            )
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            response.read()
            connection.close()
            ok = response.status == 200
            detail = response.status
        except OSError as error:
            ok, detail = False, type(error).__name__
        self.driver.record(kind, (time.perf_counter() - start) * 1000, ok, detail)
        return True

    def think(self) -> bool:
        pause = self.random.uniform(*self.driver.think_seconds)
        return not self.driver.stopping.wait(pause)

    def run(self):
        plan = self.driver.plan
        # Teachers arrive over the first seconds, not all in the same instant.
        if self.driver.stopping.wait(
            self.random.uniform(0, self.driver.think_seconds[1])
        ):
            return
        while not self.driver.stopping.is_set():
            lesson = self.random.choice(plan["lessons"])
            if not self.request("lesson", "GET", lesson):
                return
            if lesson == plan["quiz"]:
                if not self.files_cached:
                    for path in plan["h5p_files"]:
                        self.request("h5p_file", "GET", path)
                    self.files_cached = True
                self.request("state", "GET", plan["state"])
                if not self.think():
                    return
                self.request("xapi", "POST", plan["xapi"], self.statement())
            if not self.think():
                return

    def statement(self) -> bytes:
        right = self.random.randint(0, 4)
        verb = "answered" if self.random.random() < 0.7 else "completed"
        return json.dumps(
            {
                "id": str(uuid.UUID(int=self.random.getrandbits(128), version=4)),
                "verb": {"id": VERB + verb},
                "object": {"id": self.driver.plan["iri"]},
                "result": {
                    "score": {"raw": right, "min": 0, "max": 4, "scaled": right / 4}
                },
            }
        ).encode()


class Driver:
    def __init__(self, plan: dict, port: int, clients: int, seconds: float, think):
        self.plan, self.port = plan, port
        self.clients, self.seconds, self.think_seconds = clients, seconds, think
        self.csrf = "".join(random.choices("abcdefghijkmnopqrstuvwxyz23456789", k=32))
        self.stopping = threading.Event()
        self.lock = threading.Lock()
        self.tickets = MAX_REQUESTS
        self.samples: list[tuple[str, float, bool, object]] = []

    def take_ticket(self) -> bool:
        with self.lock:
            if self.tickets <= 0 or self.stopping.is_set():
                return False
            self.tickets -= 1
            return True

    def record(self, kind, ms, ok, detail):
        with self.lock:
            self.samples.append((kind, ms, ok, detail))

    def run(self) -> dict:
        sessions = self.plan["sessions"][: self.clients]
        teachers = [Teacher(self, key, seed) for seed, key in enumerate(sessions)]
        started = time.monotonic()
        for teacher in teachers:
            teacher.start()
        self.stopping.wait(self.seconds)
        self.stopping.set()
        for teacher in teachers:
            teacher.join(timeout=REQUEST_TIMEOUT + 5)
        elapsed = time.monotonic() - started
        return summary(self.samples, elapsed)


def percentile(sorted_values: list[float], share: float) -> float:
    if not sorted_values:
        return 0.0
    index = min(len(sorted_values) - 1, max(0, round(share * len(sorted_values)) - 1))
    return sorted_values[index]


def summary(samples, elapsed: float) -> dict:
    times = sorted(ms for _kind, ms, _ok, _detail in samples)
    errors = [(kind, detail) for kind, _ms, ok, detail in samples if not ok]
    by_kind = {}
    for kind in sorted({s[0] for s in samples}):
        kind_times = sorted(ms for k, ms, _ok, _d in samples if k == kind)
        by_kind[kind] = {
            "count": len(kind_times),
            "p50": round(statistics.median(kind_times), 1),
            "p95": round(percentile(kind_times, 0.95), 1),
        }
    return {
        "requests": len(samples),
        "seconds": round(elapsed, 1),
        "rps": round(len(samples) / elapsed, 1),
        "p50": round(percentile(times, 0.50), 1),
        "p95": round(percentile(times, 0.95), 1),
        "p99": round(percentile(times, 0.99), 1),
        "errors": len(errors),
        "error_kinds": sorted({f"{kind}:{detail}" for kind, detail in errors})[:10],
        "by_kind": by_kind,
    }


def drive(plan_file: str, port: int, phase: str, result_file: str) -> None:
    plan = json.loads(Path(plan_file).read_text())
    if phase == "capacity":
        driver = Driver(plan, port, CAPACITY_CLIENTS, CAPACITY_SECONDS, (0.0, 0.0))
    else:
        driver = Driver(plan, port, TEACHERS, SECONDS, THINK_SECONDS)
    Path(result_file).write_text(json.dumps(driver.run()))


# Both checkouts, one after the other -----------------------------------------


def emit(name, value, unit, **extra):
    print(json.dumps({"name": name, "value": value, "unit": unit, **extra}), flush=True)


def play(side: Side, phase: str, seconds: float) -> dict:
    """One phase against a side's running server: the driver's summary, with
    the load averages before and after."""
    before = round(os.getloadavg()[0], 2)
    result_file = str(side.folder / f"{phase}.json")
    driver = subprocess.Popen(
        [sys.executable, __file__, "--drive", side.plan_file, str(side.port), phase,
         result_file],
        start_new_session=True,
    )  # fmt: skip
    try:
        driver.wait(timeout=seconds + REQUEST_TIMEOUT + 60)
    finally:
        stop(driver)
    if driver.returncode != 0:
        raise SystemExit(f"the load driver failed ({driver.returncode})")
    found = json.loads(Path(result_file).read_text())
    found["load"] = [before, round(os.getloadavg()[0], 2)]
    return found


def main() -> None:
    from bench_pages import COMPARE_REF, compare_checkout

    theirs_path = compare_checkout()
    sides = [Side("ours", ROOT), Side("theirs", theirs_path)]

    def on_signal(signum, _frame):
        raise SystemExit(128 + signum)

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    results = {side.name: {} for side in sides}
    try:
        for side in sides:
            side.plan_file = side.prepare()
            side.port = free_port()
            side.server = side.start_gunicorn(side.port)
            wait_until_up(side.port, side.server)
        time.sleep(5)  # let the setup's own work leave the load average
        for side in sides:
            results[side.name]["teachers"] = play(side, "teachers", SECONDS)
        # Capacity in alternating rounds, so that what else the machine does
        # weighs on both sides alike; each side's figure is its median round.
        rounds = {side.name: [] for side in sides}
        for n in range(CAPACITY_ROUNDS):
            for side in sides if n % 2 == 0 else sides[::-1]:
                rounds[side.name].append(play(side, "capacity", CAPACITY_SECONDS))
        for name, played in rounds.items():
            results[name]["capacity"] = {
                "rps": statistics.median(r["rps"] for r in played),
                "p95": statistics.median(r["p95"] for r in played),
                "errors": sum(r["errors"] for r in played),
                "rounds": [r["rps"] for r in played],
                "load": [x for r in played for x in r["load"]],
            }
    finally:
        for side in sides:
            stop(side.server)
    report(results, {"compare": str(theirs_path), "compare_ref": COMPARE_REF})


def report(results: dict, compare: dict) -> None:
    ours, theirs = results["ours"], results["theirs"]

    def pair(name, phase, key, unit, **extra):
        value, other = ours[phase][key], theirs[phase][key]
        ratio = round(value / other, 3) if other else None
        emit(name, value, unit, theirs=other, ratio=ratio, **extra, **compare)

    common = {"teachers": TEACHERS, "workers": WORKERS, "threads": THREADS}
    pair("load_rps", "teachers", "rps", "req/s", **common)
    pair("load_p50_ms", "teachers", "p50", "ms", **common)
    pair("load_p95_ms", "teachers", "p95", "ms", target=P95_TARGET_MS, **common)
    pair("load_p99_ms", "teachers", "p99", "ms", **common)
    pair(
        "load_errors", "teachers", "errors", "requests", target=0,
        kinds=ours["teachers"]["error_kinds"],
        theirs_kinds=theirs["teachers"]["error_kinds"],
    )  # fmt: skip
    for kind, figures in ours["teachers"]["by_kind"].items():
        other = theirs["teachers"]["by_kind"].get(kind, {})
        emit(
            f"load_{kind}_p95_ms", figures["p95"], "ms", requests=figures["count"],
            theirs=other.get("p95"), theirs_requests=other.get("count"),
        )  # fmt: skip
    capacity = {
        "clients": CAPACITY_CLIENTS,
        "seconds": CAPACITY_SECONDS,
        "rounds": ours["capacity"]["rounds"],
        "theirs_rounds": theirs["capacity"]["rounds"],
    }
    pair(
        "load_capacity_rps", "capacity", "rps", "req/s",
        target_ratio=CAPACITY_TARGET_RATIO, **capacity,
    )  # fmt: skip
    pair("load_capacity_p95_ms", "capacity", "p95", "ms", **capacity)
    pair("load_capacity_errors", "capacity", "errors", "requests", target=0)
    emit(
        "load_load_average",
        max(max(r[p]["load"]) for r in results.values() for p in r),
        "load",
        during={s: {p: r[p]["load"] for p in r} for s, r in results.items()},
        cores=os.cpu_count(),
    )


if __name__ == "__main__":
    if len(sys.argv) == 6 and sys.argv[1] == "--drive":
        drive(sys.argv[2], int(sys.argv[3]), sys.argv[4], sys.argv[5])
    elif len(sys.argv) == 3 and sys.argv[1] == "--prepare":
        prepare(sys.argv[2])
    else:
        sys.path.insert(0, str(HERE))
        main()
