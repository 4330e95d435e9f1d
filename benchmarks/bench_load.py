"""Load: 200 teachers opening lessons and answering an H5P quiz at once.

The app runs under gunicorn with production settings (DEBUG off, WhiteNoise,
manifest static files) on PostgreSQL; a second process on 127.0.0.1 plays
BENCH_TEACHERS signed-in teachers for BENCH_SECONDS. Each teacher opens a lesson
of the demo course that ends with a quiz (the page, then the player's saved
state; the first time also the H5P files, which the browser caches after),
reads for a while, and answers the quiz: the player posts an xAPI statement.
Think times are random (2-10 s) so the teachers do not march in step.

BENCH_LOAD_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/lms_load) is
created, migrated and seeded (seed_demo plus the load teachers) if needed and
reused afterwards. Prints JSON lines: requests per second, p50/p95/p99 latency
and errors, with targets (zero errors, p95 under 500 ms on two cores).

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
from http.client import HTTPConnection
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TEACHERS = int(os.environ.get("BENCH_TEACHERS", "200"))
SECONDS = float(os.environ.get("BENCH_SECONDS", "60"))
MAX_REQUESTS = int(os.environ.get("BENCH_MAX_REQUESTS", "30000"))
MEDIA_ROOT = ROOT / "media" / "bench-load"
THINK_SECONDS = (2.0, 10.0)
REQUEST_TIMEOUT = 30
P95_TARGET_MS = 500
# gthread workers: two processes for two cores, threads to overlap database
# waits. More processes only queue for the same two cores.
WORKERS = int(os.environ.get("BENCH_WORKERS", "2"))
THREADS = int(os.environ.get("BENCH_THREADS", "4"))
DATABASE_URL = os.environ.get(
    "BENCH_LOAD_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/lms_load"
)
USERNAME = "load-teacher-{:03d}"
# One-minute load averages: other work on the machine shows in the figures.
LOAD_BEFORE = LOAD_DURING = None
VERB = "http://adlnet.gov/expapi/verbs/"


def server_environment() -> dict:
    """Production settings, with what a test machine lacks: no HTTPS proxy in
    front, a throw-away secret, a media folder of the bench's own."""
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "lms.settings.production",
        "DATABASE_URL": DATABASE_URL,
        "SECRET_KEY": "bench-load-" + "x" * 50,
        "DEBUG": "false",
        "LMS_DEMO": "false",
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "false",
        "NUM_PROXIES": "0",
        "MEDIA_ROOT": str(MEDIA_ROOT),
        "LOG_LEVEL": "WARNING",
        "DB_CONN_MAX_AGE": "600",
        "CELERY_BROKER_URL": "",
        "PYTHONPATH": str(ROOT),
    }


# The app side: database, data, sessions, gunicorn ------------------------------


def create_database_if_missing() -> None:
    """The database and the media folder (H5P packages and libraries) belong
    together: without the folder, start both afresh."""
    from pgdb import create_database_if_missing as create

    create(DATABASE_URL, drop=not (MEDIA_ROOT / "h5p").exists())


def prepare() -> dict:
    """Migrate, seed, enrol the load teachers and sign them in. Returns the
    plan the driver follows: session cookies and the URLs to request."""
    os.environ.update(server_environment())
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command

    quiet = {"verbosity": 0, "stdout": io.StringIO()}
    call_command("migrate", **quiet)
    call_command("seed_demo", force=True, **quiet)
    call_command("collectstatic", interactive=False, **quiet)
    lesson, block_id, package = _quiz_lesson()
    users = _load_teachers(lesson)
    return {
        "sessions": _sessions(users),
        "lessons": _lesson_urls(lesson),
        "quiz": lesson.url,
        "state": _url("courses:h5p_user_data", lesson.pk, block_id, "state", "0"),
        "xapi": _url("courses:xapi_statement", lesson.pk, block_id),
        "h5p_files": _h5p_files(lesson, block_id, package, users[0]),
    }


def _url(name, *args) -> str:
    from django.urls import reverse

    return reverse(name, args=args)


def _quiz_lesson():
    """The first demo lesson with an H5P quiz, its package unpacked."""
    from courses.h5p import storage
    from courses.h5p.services import h5p_package_unpack
    from courses.models import LessonPage

    for lesson in LessonPage.objects.live().order_by("path"):
        for block_id, block in lesson.activity_blocks.items():
            package = block.value["package"]
            if not storage.content_root(package).exists():
                # The database outlived the media folder: unpack again.
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
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    keys = []
    for user in users:
        session = SessionStore()
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
    """What the player fetches when it first starts: the package's JSON and
    its libraries' code (cached by the browser afterwards), with the embed
    token the lesson page gives `user`."""
    from courses.h5p.embed import embed_token

    token = embed_token(user=user, lesson=lesson, block_id=block_id, package=package)
    paths = [("content", "h5p.json"), ("content", "content/content.json")]
    for library in package.libraries.all():
        paths.append(("libraries", f"{library.folder_name}/library.json"))
        for name in ("lmsquiz.js", "lmsquiz.css"):
            if library.machine_name == "H5P.LmsQuiz":
                paths.append(("libraries", f"{library.folder_name}/{name}"))
    return [_url("courses:h5p_file", token, k, p) for k, p in paths]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_gunicorn(port: int) -> subprocess.Popen:
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
    ]  # fmt: skip
    return subprocess.Popen(
        command, cwd=ROOT, env=server_environment(), start_new_session=True
    )


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
        self.cookie = f"sessionid={session_key}; csrftoken={driver.csrf}"
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
        pause = self.random.uniform(*THINK_SECONDS)
        return not self.driver.stopping.wait(pause)

    def run(self):
        plan = self.driver.plan
        # Teachers arrive over the first seconds, not all in the same instant.
        if self.driver.stopping.wait(self.random.uniform(0, THINK_SECONDS[1])):
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
                "verb": {"id": VERB + verb},
                "object": {"id": "http://127.0.0.1/h5p/quiz"},
                "result": {
                    "score": {"raw": right, "min": 0, "max": 4, "scaled": right / 4}
                },
            }
        ).encode()


class Driver:
    def __init__(self, plan: dict, port: int):
        self.plan, self.port = plan, port
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
        teachers = [
            Teacher(self, key, seed) for seed, key in enumerate(self.plan["sessions"])
        ]
        started = time.monotonic()
        for teacher in teachers:
            teacher.start()
        self.stopping.wait(SECONDS)
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


def drive(plan_file: str, port: int, result_file: str) -> None:
    plan = json.loads(Path(plan_file).read_text())
    result = Driver(plan, port).run()
    Path(result_file).write_text(json.dumps(result))


# Both sides together -----------------------------------------------------------


def emit(name, value, unit, **extra):
    print(json.dumps({"name": name, "value": value, "unit": unit, **extra}), flush=True)


def main() -> None:
    global LOAD_BEFORE, LOAD_DURING
    create_database_if_missing()
    plan = prepare()
    port = free_port()
    server = driver = None
    workdir = tempfile.mkdtemp(prefix="lms-bench-load-")
    plan_file, result_file = f"{workdir}/plan.json", f"{workdir}/result.json"
    Path(plan_file).write_text(json.dumps(plan))

    def on_signal(signum, _frame):
        stop(driver)
        stop(server)
        raise SystemExit(128 + signum)

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    try:
        server = start_gunicorn(port)
        wait_until_up(port, server)
        time.sleep(5)  # let the setup's own work leave the load average
        LOAD_BEFORE = round(os.getloadavg()[0], 2)
        driver = subprocess.Popen(
            [sys.executable, __file__, "--drive", plan_file, str(port), result_file],
            start_new_session=True,
        )
        driver.wait(timeout=SECONDS + REQUEST_TIMEOUT + 60)
        if driver.returncode != 0:
            raise SystemExit(f"the load driver failed ({driver.returncode})")
        result = json.loads(Path(result_file).read_text())
        LOAD_DURING = round(os.getloadavg()[0], 2)
    finally:
        stop(driver)
        stop(server)
    report(result)


def report(result: dict) -> None:
    common = {
        "teachers": TEACHERS,
        "workers": WORKERS,
        "threads": THREADS,
        "load_average_before": LOAD_BEFORE,
        "load_average_at_end": LOAD_DURING,
    }
    emit("load_requests", result["requests"], "requests", seconds=result["seconds"])
    emit("load_rps", result["rps"], "req/s", **common)
    emit("load_p50_ms", result["p50"], "ms", **common)
    emit("load_p95_ms", result["p95"], "ms", target=P95_TARGET_MS, **common)
    emit("load_p99_ms", result["p99"], "ms", **common)
    kinds = result["error_kinds"]
    emit("load_errors", result["errors"], "requests", target=0, kinds=kinds)
    for kind, figures in result["by_kind"].items():
        emit(f"load_{kind}_p95_ms", figures["p95"], "ms", requests=figures["count"])


if __name__ == "__main__":
    if len(sys.argv) == 5 and sys.argv[1] == "--drive":
        drive(sys.argv[2], int(sys.argv[3]), sys.argv[4])
    else:
        main()
