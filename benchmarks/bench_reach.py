"""Reach: what a lesson costs a teacher on a village phone link, and whether it
keeps working offline (issue 14).

Sets up, in a PostgreSQL database of its own (BENCH_DATABASE_URL, default
postgres://postgres@127.0.0.1:5432/lms_benchreach, dropped and migrated each
run), a course with a text lesson (about 1,500 characters of Chinese, no
images) and an H5P lesson playing the synthetic package of
benchmarks/h5p_synthetic.py (shaped like h5p.org's MultiChoice 1.16: 7
libraries, 42 files, about 255 KB of JS and CSS, a woff2 font, a content
image), installed through courses.h5p.services.h5p_package_create, and a
teacher enrolled in the course.

Serving is production-like: lms.settings.production (DEBUG off, WhiteNoise,
`collectstatic` with the manifest storage into a temporary STATIC_ROOT) under
gunicorn, 2 workers, on 127.0.0.1:BENCH_REACH_PORT (8104). No nginx is in
front (this machine has none): private files (H5P content and, in the old
player, library files) are streamed by Django (PRIVATE_FILES_ACCEL_PREFIX
empty), which sends the same bytes nginx's X-Accel-Redirect would; nginx's own
gzip of proxied responses is not applied, so what is compressed is what the
application compresses itself.

Measured in Debian's Chromium through Playwright and CDP, on an emulated 3G
link (Network.emulateNetworkConditions: 300 ms latency, 200,000 bytes/s each
way) applied to the page and to the service worker (if the site has one):
- requests and bytes on the wire (Network.loadingFinished encodedDataLength,
  the document included) for the text lesson and the H5P lesson, cold (a new
  browser context) and warm (a second visit in the same context, with the HTTP
  cache and the service worker). Responses served by the service worker, the
  memory or the disk cache are not on the wire: they are a figure of their own
  (`*_cached_responses`); a service worker's own network fetches count as wire
  requests. Site isolation is off (as on Android phones) so the sandboxed
  player frame runs in the page's process and its requests are seen;
- the time until the activity is usable: navigation start until the check
  button (h5p_synthetic.CHECK_BUTTON) is visible in the player's frame, found
  among the page's frames (the sandboxed `iframe.h5p-sandbox`, whether it
  loads an embed page or a srcdoc); the median of 3 cold and warm pairs,
  each in a new context, with every run's time and the load average beside it;
- offline after one visit: the context goes offline, the H5P lesson is
  reloaded: usable (1/0) and when;
- 20 xAPI statements queued offline through `window.HongxiOutbox.send` and
  replayed once online, then sent once more (a replay whose answers were
  lost): how many the server stored, and how many it counted twice.
Figures that need what the site does not have yet (a service worker, the
outbox) are printed with "value": null and a note.

Prints one JSON line per figure, with the issue's target where it sets one.
reach_<visit>_requests and _kb are what the lesson page itself fetches (the
targets); _all_requests and _all_kb add what the service worker fetches
meanwhile, which on a phone's first visit is its one-time install (Workbox,
the shell, the offline page) and its keeping the first page.
Takes about two minutes; cleans up its server, browser and temporary folders
even when it fails.

    .venv/bin/python benchmarks/bench_reach.py   # or: make bench
"""

import io
import json
import os
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from functools import partial
from http.client import HTTPConnection
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

import h5p_synthetic  # noqa: E402

PORT = int(os.environ.get("BENCH_REACH_PORT", "8104"))
DATABASE_URL = os.environ.get(
    "BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/lms_benchreach"
)
ORIGIN = f"http://127.0.0.1:{PORT}"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu",
    "--disable-background-networking", "--disable-component-update",
    "--disable-sync",
    # One renderer process for the page and its sandboxed frames (as Android
    # Chrome mostly does), so the page's CDP session sees and throttles them.
    "--disable-site-isolation-trials",
    "--disable-features=IsolateSandboxedIframes,IsolateOrigins,site-per-process",
]  # fmt: skip
THREE_G = {
    "offline": False,
    "latency": 300,
    "downloadThroughput": 200_000,
    "uploadThroughput": 200_000,
}
OFFLINE = {**THREE_G, "offline": True}
VIEWPORT = {"width": 360, "height": 740}
STATEMENTS = 20
USABLE_TIMEOUT_S = 30
USABLE_RUNS = 3
QUIET_S = 1.0  # no request in flight for this long: the visit is over
TARGETS = {
    "h5p_cold_kb": 150,
    "h5p_cold_requests": 8,
    "h5p_cold_usable_s": 3,
    "h5p_warm_usable_s": 1,
    "text_cold_kb": 12,
}
VERB = "http://adlnet.gov/expapi/verbs/"
SERVER_ENV: dict = {}
LOAD_AVERAGE: list[float] = []  # one-minute, before and after the browser part

LESSON_TEXT = (
    "在乡村小学，一位教师常常要同时教好几个年级。上课前，先想清楚这节课要让学生学会什么，"
    "再想学生已经会什么、还缺什么。教学目标写得越具体，课堂上就越容易判断学生是否真的学会了。"
    "例如，“学生能用自己的话说出课文的主要内容”比“理解课文”更容易检查。",
    "留守儿童较多的班级，更需要教师细心观察。有的孩子上课沉默，有的孩子作业常常没有完成，"
    "背后可能是家里无人照看、心里想念父母。教师可以每周安排一次谈心，记下每个孩子的变化，"
    "并与监护人保持联系。发现孩子身心受到伤害的迹象，要立即报告学校，不要等待。",
    "课堂提问要给学生思考的时间。提出问题以后，先等几秒钟，再请学生回答；"
    "回答不完整时，不急于给出答案，而是追问“你是怎么想的”。"
    "这样做，学生会慢慢习惯把想法说出来，教师也能听到学生真实的理解。",
    "小组合作学习不是把桌子拼在一起就够了。每个小组要有明确的任务和分工："
    "谁记录、谁汇报、谁检查大家是否都参与了。任务最好需要每个人的贡献才能完成，"
    "教师在各组之间走动，听学生讨论，及时发现问题。",
    "作业的设计要少而精。与其布置二十道相似的题目，不如选五道能看出学生思路的题目，"
    "并在批改时写下一句具体的评语。对学习有困难的学生，可以先布置基础题，"
    "让他们先体验成功，再逐步增加难度。",
    "信息技术可以帮助乡村课堂，但要用在关键处。一段短视频可以让学生看到课本上描述的实验，"
    "一张照片可以把远方的景物带进教室。使用之前，教师要先自己看一遍，"
    "想好在哪里暂停、提什么问题，不让技术代替思考。",
    "课后反思是教师成长最便宜也最有效的方法。每节课后用几分钟写下："
    "今天哪个环节学生最投入？哪个问题学生答不上来？下次我准备怎样改？"
    "一个学期坚持下来，这些记录就是一份属于自己的教学经验。",
    "与结对学校的教师一起教研，可以互相听课、共同备课。"
    "听课时带着问题去听，课后先说做得好的地方，再提一条具体的改进建议。"
    "同一课题由两位教师分别上课，再一起比较学生的反应，这就是“同课异构”。",
    "家校沟通要尊重每一个家庭。给家长打电话时，先说孩子的进步，再说需要家长配合的事情；"
    "对外出务工的家长，可以约定固定的通话时间，让孩子按时与父母说说话。"
    "家长会的时间和方式，也要照顾到农忙季节和路途远近。",
    "复式教学的课堂上，教师给一个年级讲授新课时，另一个年级要有能独立完成的任务。"
    "任务说明写在黑板的固定位置，完成后做什么也要提前说清楚，"
    "这样学生不必等待教师，课堂的节奏也不会被打断。",
    "识字教学可以和学生的生活联系起来。让学生找一找家里、村里常见的字，"
    "说一说它们出现在哪里；把学过的字编成小故事，学生记得更牢。"
    "对说彝语的学生，可以先用母语讲清意思，再学习普通话的读音和写法。",
    "数学课上多让学生动手。用小棒、豆子、石子摆一摆、数一数，"
    "抽象的数量关系就变得看得见、摸得着。操作之后，要请学生说说自己是怎样想的，"
    "把动手的经验变成数学的语言。",
    "评价学生不只看考试分数。课堂上的一次发言、作业里的一次改正、"
    "小组里的一次帮助，都值得记录和表扬。学期末把这些记录交给学生和家长看，"
    "孩子会发现自己的进步，也更愿意继续努力。",
    "教师也要照顾好自己。工作再忙，也要留出休息的时间；遇到困难，可以向同事、"
    "结对学校的教师或培训中的指导教师求助。一个有精神、有热情的教师，"
    "才能把这份热情传给学生。",
    "学习本课后，请回想自己最近上过的一节课：目标是否具体？提问后是否给了学生时间？"
    "作业是否少而精？选一处最想改进的地方，下周的课上试一试，"
    "并把结果写进你的研修日志。",
    "最后，记住一句话：好课不是一次就能上出来的。每一次备课、上课、反思和修改，"
    "都让我们离学生更近一步。下一课时，我们将一起学习如何设计课堂练习。",
)


# The server side: database, data, static files, gunicorn ----------------------


def server_environment(workdir: Path) -> dict:
    """Production settings with what this machine lacks: no HTTPS proxy, a
    throw-away secret, folders and STATIC_ROOT of the run's own."""
    settings_dir = workdir / "settings"
    settings_dir.mkdir(exist_ok=True)
    (settings_dir / "bench_reach_settings.py").write_text(
        "import os\nfrom pathlib import Path\n\n"
        "from lms.settings.production import *  # noqa: F403\n\n"
        'STATIC_ROOT = Path(os.environ["BENCH_STATIC_ROOT"])\n'
    )
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "bench_reach_settings",
        "PYTHONPATH": os.pathsep.join([str(settings_dir), str(ROOT)]),
        "BENCH_STATIC_ROOT": str(workdir / "static"),
        "DATABASE_URL": DATABASE_URL,
        "SECRET_KEY": "bench-reach-" + secrets.token_hex(32),
        "DEBUG": "false",
        "LMS_DEMO": "false",
        "ALLOWED_HOSTS": "127.0.0.1",
        "SITE_URL": ORIGIN,
        "SECURE_SSL_REDIRECT": "false",
        "SECURE_HSTS_SECONDS": "0",
        "NUM_PROXIES": "0",
        "PRIVATE_FILES_ACCEL_PREFIX": "",
        "MEDIA_ROOT": str(workdir / "media"),
        "PRIVATE_MEDIA_ROOT": str(workdir / "private"),
        "LOG_LEVEL": "WARNING",
        "CELERY_BROKER_URL": "",
        "CACHE_URL": "",
    }


def prepare(workdir: Path) -> dict:
    """Database, static files and data; returns what the browser part needs.
    collectstatic (which compresses every file) runs beside the migrations."""
    from pgdb import create_database_if_missing

    SERVER_ENV.update(server_environment(workdir))
    os.environ.update(SERVER_ENV)
    sys.path.insert(0, str(workdir / "settings"))
    collectstatic = subprocess.Popen(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
        cwd=ROOT, env=SERVER_ENV, start_new_session=True,
    )  # fmt: skip
    try:
        create_database_if_missing(DATABASE_URL, drop=True)
        import django

        django.setup()
        from django.core.management import call_command

        call_command("migrate", verbosity=0, stdout=io.StringIO())
        plan = build_course()
        if collectstatic.wait(timeout=300) != 0:
            raise SystemExit(f"collectstatic failed ({collectstatic.returncode})")
    finally:
        stop(collectstatic)
    return plan


def build_course() -> dict:
    from decimal import Decimal

    from django.conf import settings
    from django.core.files.base import ContentFile
    from django.urls import reverse

    from cms.models import HomePage
    from courses.h5p.services import h5p_package_create
    from courses.models import CourseCategory, CourseIndexPage, CoursePage, LessonPage
    from courses.selectors import activity_iri
    from courses.services import enrolment_create
    from people.models import Profile, Role, School, User

    package = h5p_package_create(
        title=h5p_synthetic.TITLE,
        file=ContentFile(h5p_synthetic.build_package(), name="bench-choice.h5p"),
        by=None,
    )
    package.refresh_from_db()
    if not package.is_ready:
        raise SystemExit(f"the synthetic package did not install: {package.error}")
    home = HomePage.objects.get(depth=2)
    catalog = home.add_child(instance=CourseIndexPage(title="课程目录", slug="courses"))
    category = CourseCategory.objects.create(code="reach", name="基准测试")
    course = catalog.add_child(
        instance=CoursePage(
            title="乡村课堂教学基本功", slug="reach", code="REACH-1", summary="基准",
            category=category, credit_hours=Decimal(2), estimated_hours=Decimal(1),
        )
    )  # fmt: skip
    paragraphs = [{"type": "paragraph", "value": f"<p>{p}</p>"} for p in LESSON_TEXT]
    text_lesson = course.add_child(
        instance=LessonPage(title="备课与课堂提问", slug="text", body=paragraphs)
    )
    h5p_lesson = course.add_child(
        instance=LessonPage(
            title="同课异构小测",
            slug="quiz",
            body=[
                {"type": "paragraph", "value": "<p>请完成下面的练习。</p>"},
                {
                    "type": "h5p",
                    "id": "bench-1",
                    "value": {
                        "title": "选择题",
                        "package": package.pk,
                        "pass_mark": 60,
                    },
                },
            ],
        )
    )
    school = School.objects.create(
        code="reach", name="基准小学", kind="village_primary"
    )
    teacher = User.objects.create_user("reach-teacher", name="基准教师")
    Profile.objects.create(user=teacher, role=Role.TEACHER, school=school)
    enrolment_create(user=teacher, course=course, source="office")
    return {
        "session": _session_key(teacher),
        "csrf": secrets.token_hex(16),
        "session_cookie": settings.SESSION_COOKIE_NAME,
        "csrf_cookie": settings.CSRF_COOKIE_NAME,
        "text_url": ORIGIN + LessonPage.objects.get(pk=text_lesson.pk).url,
        "h5p_url": ORIGIN + LessonPage.objects.get(pk=h5p_lesson.pk).url,
        "xapi_url": reverse("courses:xapi_statement", args=[h5p_lesson.pk, "bench-1"]),
        "iri": activity_iri(h5p_lesson, "bench-1"),
        "user_id": teacher.pk,
        "lesson_id": h5p_lesson.pk,
        "text_chars": sum(len(p) for p in LESSON_TEXT),
    }


def _session_key(user) -> str:
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    return session.session_key


def check_port_free() -> None:
    """Another server on the port would be measured instead of ours."""
    with socket.socket() as probe:
        # As gunicorn binds: connections of an earlier run in TIME_WAIT do
        # not count, a server listening there does.
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(("127.0.0.1", PORT))
            probe.listen()
        except OSError:
            raise SystemExit(
                f"127.0.0.1:{PORT} is in use; set BENCH_REACH_PORT to a free port"
            ) from None


def start_gunicorn(log) -> subprocess.Popen:
    command = [
        str(ROOT / ".venv" / "bin" / "gunicorn"), "lms.wsgi",
        "--bind", f"127.0.0.1:{PORT}",
        "--workers", "2", "--worker-class", "gthread", "--threads", "4",
        "--timeout", "60", "--log-level", "warning",
    ]  # fmt: skip
    return subprocess.Popen(
        command, cwd=ROOT, env=SERVER_ENV, start_new_session=True,
        stdout=log, stderr=log,
    )  # fmt: skip


def wait_until_up(process: subprocess.Popen, timeout=60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"gunicorn exited with {process.returncode}")
        try:
            connection = HTTPConnection("127.0.0.1", PORT, timeout=5)
            connection.request("GET", "/", headers={"Host": "127.0.0.1"})
            if connection.getresponse().status < 500:
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


def in_thread(function, *args):
    """Run a database query outside Playwright's event loop (Django refuses
    synchronous queries in a thread that runs one)."""
    from django.db import connection

    result, errors = [], []

    def run():
        try:
            result.append(function(*args))
        except Exception as error:  # re-raised in the caller
            errors.append(error)
        finally:
            connection.close()

    thread = threading.Thread(target=run)
    thread.start()
    thread.join()
    if errors:
        raise errors[0]
    return result[0]


def stored_statements(user_id: int, lesson_id: int, ids: list[str]) -> dict:
    from courses.models import ActivityResult, XAPIStatement

    rows = XAPIStatement.objects.filter(user_id=user_id, statement_id__in=ids)
    result = ActivityResult.objects.filter(
        user_id=user_id, lesson_id=lesson_id, block_id="bench-1"
    ).first()
    return {
        "rows": rows.count(),
        "distinct": rows.values("statement_id").distinct().count(),
        "attempts": result.attempts if result else 0,
    }


# The browser side: what goes over the wire ----------------------------------------


class Wire:
    """Requests and bytes of one visit, from the page's CDP session and the
    service workers' (attached through the browser's session)."""

    def __init__(self):
        self.reset()

    def reset(self):
        self.requests: dict[str, dict] = {}
        self.last_event = time.monotonic()

    def _entry(self, source: str, request_id: str) -> dict:
        self.last_event = time.monotonic()
        return self.requests.setdefault(
            f"{source}:{request_id}",
            {"source": source, "url": "", "cached": False, "done": False, "bytes": 0},
        )

    def event(self, source: str, method: str, params: dict) -> None:
        request_id = params.get("requestId")
        if not request_id:
            return
        if method == "Network.requestWillBeSent":
            url = params["request"]["url"]
            if url.startswith(("data:", "blob:", "chrome-extension:")):
                return
            self._entry(source, request_id)["url"] = url
            return
        entry = self.requests.get(f"{source}:{request_id}")
        if entry is None:
            return
        self.last_event = time.monotonic()
        if method == "Network.requestServedFromCache":
            entry["cached"] = True
        elif method == "Network.responseReceived":
            response = params["response"]
            if response.get("fromServiceWorker") or response.get("fromDiskCache"):
                entry["cached"] = True
            if response.get("fromPrefetchCache"):
                entry["cached"] = True
            entry["status"] = response.get("status")
            headers = {k.lower(): v for k, v in response.get("headers", {}).items()}
            length = str(headers.get("content-length", "0"))
            entry["declared"] = int(length) if length.isdigit() else 0
        elif method == "Network.dataReceived":
            entry["data"] = entry.get("data", 0) + int(
                params.get("encodedDataLength") or 0
            )
        elif method == "Network.loadingFinished":
            entry["bytes"] = int(params.get("encodedDataLength") or 0)
            if not entry["bytes"] and not entry["cached"]:
                # A worker's script imports finish with no length: what
                # arrived, else what the response declared (the body only).
                entry["bytes"] = entry.get("data") or entry.get("declared", 0)
                entry["estimated"] = True
            entry["done"] = True
        elif method == "Network.loadingFailed":
            entry["done"] = True
            entry["failed"] = True

    def in_flight(self) -> int:
        return sum(not e["done"] for e in self.requests.values())

    def summary(self) -> dict:
        wire = [e for e in self.requests.values() if not e["cached"]]
        page = [e for e in wire if e["source"] == "page"]
        return {
            "requests": len(wire),
            "page_requests": len(page),
            "page_bytes": sum(e["bytes"] for e in page),
            "by_worker": sum(e["source"] != "page" for e in wire),
            "estimated": sum(bool(e.get("estimated")) for e in wire),
            "bytes": sum(e["bytes"] for e in wire),
            "cached": sum(e["cached"] for e in self.requests.values()),
            "urls": sorted(_short(e["url"]) + f" {e['bytes']}" for e in wire),
        }


def _short(url: str) -> str:
    """The path, without the origin and with an embed token shortened."""
    path = url.removeprefix(ORIGIN)
    parts = path.split("/")
    return "/".join(p[:8] + "…" if len(p) > 40 else p for p in parts)


class Browser:
    """Chromium with the 3G link on the page and on every service worker."""

    def __init__(self, playwright, plan: dict):
        self.plan = plan
        self.browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=CHROMIUM_ARGS
        )
        self.wire = Wire()
        self.conditions = THREE_G
        self.workers: dict[str, str] = {}  # session id -> url
        self._message_id = 10_000
        self.player_frame = None
        self.root = self.browser.new_browser_cdp_session()
        self.root.on("Target.targetCreated", self._on_target)
        self.root.on("Target.receivedMessageFromTarget", self._on_worker_message)
        self.root.send("Target.setDiscoverTargets", {"discover": True})

    def new_page(self):
        self.context = self.browser.new_context(viewport=VIEWPORT)
        plan = self.plan
        cookies = {
            plan["session_cookie"]: plan["session"],
            plan["csrf_cookie"]: plan["csrf"],
        }
        self.context.add_cookies(
            [{"name": k, "value": v, "url": ORIGIN} for k, v in cookies.items()]
        )
        self.page = self.context.new_page()
        self.cdp = self.context.new_cdp_session(self.page)
        for method in (
            "Network.requestWillBeSent", "Network.requestServedFromCache",
            "Network.responseReceived", "Network.loadingFinished",
            "Network.loadingFailed", "Network.dataReceived",
        ):  # fmt: skip
            self.cdp.on(method, partial(self.wire.event, "page", method))
        self.cdp.send("Network.enable")
        self.set_conditions(THREE_G)
        return self.page

    def close_context(self):
        self.context.close()
        self.workers.clear()

    def set_conditions(self, conditions: dict) -> None:
        self.conditions = conditions
        self.cdp.send("Network.emulateNetworkConditions", conditions)
        for session_id in list(self.workers):
            self._to_worker(session_id, "Network.emulateNetworkConditions", conditions)

    def set_offline(self, offline: bool) -> None:
        self.context.set_offline(offline)
        # Playwright's own setting replaces ours: set ours again.
        self.set_conditions(OFFLINE if offline else THREE_G)

    def _on_target(self, event):
        info = event["targetInfo"]
        if info["type"] != "service_worker":
            return
        try:
            attached = self.root.send(
                "Target.attachToTarget",
                {"targetId": info["targetId"], "flatten": False},
            )
        except Exception:  # the worker is already gone
            return
        session_id = attached["sessionId"]
        self.workers[session_id] = info["url"]
        self._to_worker(session_id, "Network.enable", {})
        self._to_worker(session_id, "Network.emulateNetworkConditions", self.conditions)

    def _to_worker(self, session_id: str, method: str, params: dict) -> None:
        self._message_id += 1
        message = {"id": self._message_id, "method": method, "params": params}
        try:
            self.root.send(
                "Target.sendMessageToTarget",
                {"sessionId": session_id, "message": json.dumps(message)},
            )
        except Exception:
            self.workers.pop(session_id, None)

    def _on_worker_message(self, event):
        message = json.loads(event["message"])
        if "method" in message:
            source = "worker:" + event["sessionId"]
            self.wire.event(source, message["method"], message.get("params", {}))

    def visit(self, url: str, *, activity: bool, reload: bool = False) -> dict:
        """Open `url` (or reload the page); the wire figures and, for an
        activity, the seconds until its check button is visible (None if it
        never is)."""
        page = self.page
        self.wire.reset()
        started = time.monotonic()
        try:
            if reload:
                page.reload(wait_until="commit", timeout=USABLE_TIMEOUT_S * 1000)
            else:
                page.goto(url, wait_until="commit", timeout=USABLE_TIMEOUT_S * 1000)
        except Exception as error:  # offline without a service worker
            return {"error": str(error).splitlines()[0], **self.wire.summary()}
        usable = self.wait_usable(started) if activity else None
        self.wait_quiet(started)
        # A service worker installs after the page: what it fetches then
        # belongs to this visit.
        if _evaluate(page.main_frame, SERVICE_WORKER_READY):
            self.wait_quiet(time.monotonic())
        title = _evaluate(page.main_frame, "() => document.title")
        return {"usable_s": usable, "title": title, **self.wire.summary()}

    def wait_usable(self, started: float) -> float | None:
        page = self.page
        scrolled = False
        while time.monotonic() - started < USABLE_TIMEOUT_S:
            if not scrolled:
                scrolled = _evaluate(page.main_frame, SCROLL_TO_ACTIVITY) is True
            for frame in page.frames[1:]:
                seen_at = _evaluate(frame, VISIBLE_AT, h5p_synthetic.CHECK_BUTTON)
                if seen_at:
                    self.player_frame = frame
                    start = _evaluate(page.main_frame, "() => performance.timeOrigin")
                    if start:
                        return round((seen_at - start) / 1000, 2)
                    return round(time.monotonic() - started, 2)
            page.wait_for_timeout(25)
        return None

    def wait_quiet(self, started: float, limit: float = 40) -> None:
        """Until nothing has been in flight for QUIET_S seconds."""
        page = self.page
        try:
            page.wait_for_load_state("load", timeout=limit * 1000)
        except Exception:
            pass
        while time.monotonic() - started < limit:
            quiet = time.monotonic() - self.wire.last_event
            if self.wire.in_flight() == 0 and quiet >= QUIET_S:
                return
            page.wait_for_timeout(100)

    def close(self):
        self.browser.close()


SCROLL_TO_ACTIVITY = """() => {
  const el = document.querySelector('.h5p-activity, iframe.h5p-sandbox');
  if (!el) return false;
  el.scrollIntoView({block: 'start'});
  return true;
}"""
VISIBLE_AT = """(selector) => {
  const el = document.querySelector(selector);
  if (!el) return null;
  const box = el.getBoundingClientRect();
  const style = getComputedStyle(el);
  if (!box.width || !box.height || style.visibility === 'hidden') return null;
  return performance.timeOrigin + performance.now();
}"""
SERVICE_WORKER_READY = """async () => {
  if (!navigator.serviceWorker) return false;
  const registration = await navigator.serviceWorker.getRegistration();
  if (!registration) return false;
  const timeout = new Promise((resolve) => setTimeout(resolve, 15000));
  await Promise.race([navigator.serviceWorker.ready, timeout]);
  return true;
}"""
OUTBOX_PRESENT = "() => !!(window.HongxiOutbox && window.HongxiOutbox.send)"
OUTBOX_SEND = """async ([url, bodies]) => {
  const answers = [];
  for (const body of bodies) {
    try {
      const answer = await window.HongxiOutbox.send({
        url, method: 'POST', contentType: 'application/json', body, kind: 'xapi'});
      answers.push(answer && answer.queued ? 'queued' : answer && answer.sent ? 'sent'
        : 'other');
    } catch (error) {
      answers.push('error');
    }
  }
  return answers;
}"""
SERVICE_WORKER = """() => navigator.serviceWorker && navigator.serviceWorker.controller
  ? navigator.serviceWorker.controller.scriptURL : null"""


def _evaluate(frame, script, arg=None):
    try:
        return frame.evaluate(script, arg)
    except Exception:  # the frame navigated or went away meanwhile
        return None


def statement(plan: dict) -> str:
    return json.dumps(
        {
            "id": str(uuid.uuid4()),
            "verb": {"id": VERB + "answered", "display": {"en-US": "answered"}},
            "object": {"id": plan["iri"], "objectType": "Activity"},
            "result": {
                "score": {"raw": 1, "min": 0, "max": 1, "scaled": 1},
                "success": True,
                "completion": True,
            },
        }
    )


# The run ------------------------------------------------------------------------


def run_browser(plan: dict) -> dict:
    from playwright.sync_api import sync_playwright

    results = {}
    with sync_playwright() as playwright:
        browser = Browser(playwright, plan)
        try:
            browser.new_page()
            results["text_cold"] = browser.visit(plan["text_url"], activity=False)
            results["text_warm"] = browser.visit(plan["text_url"], activity=False)
            # The H5P lesson's times vary with the machine's load: the median
            # of a few fresh contexts. The last one goes on below.
            cold, warm = [], []
            for _run in range(USABLE_RUNS):
                browser.close_context()
                page = browser.new_page()
                cold.append(browser.visit(plan["h5p_url"], activity=True))
                warm.append(browser.visit(plan["h5p_url"], activity=True))
            results["h5p_cold"], results["h5p_warm"] = _median(cold), _median(warm)
            results["answer"] = answer_quiz(browser, plan)
            results["service_worker"] = _evaluate(page.main_frame, SERVICE_WORKER)
            browser.set_offline(True)
            results["offline"] = browser.visit(
                plan["h5p_url"], activity=True, reload=True
            )
            browser.set_offline(False)
            results["outbox"] = outbox_replay(browser, plan)
        finally:
            browser.close()
    return results


def _median(visits: list[dict]) -> dict:
    """The first visit's wire figures (the same every time) with the median
    time until usable, and every run's."""
    times = [v.get("usable_s") for v in visits]
    known = sorted(t for t in times if t is not None)
    usable = statistics.median(known) if len(known) == len(times) else None
    return {**visits[0], "usable_s": usable, "usable_runs": times}


def answer_quiz(browser: Browser, plan: dict) -> dict:
    """Play the activity: choose the right answer and check it; the server
    should then hold the player's top-level "answered" statement."""
    frame = browser.player_frame
    if frame is None:
        return {"recorded": 0, "note": "the player never showed its check button"}
    try:
        frame.locator(".h5p-benchchoice-answer").first.click(timeout=10_000)
        frame.locator(h5p_synthetic.CHECK_BUTTON).first.click(timeout=10_000)
    except Exception as error:
        return {"recorded": 0, "note": str(error).splitlines()[0]}
    started = time.monotonic()
    while time.monotonic() - started < 20:
        score = in_thread(answered_score, plan["user_id"], plan["lesson_id"])
        if score is not None:
            return {"recorded": 1, "scaled": score}
        browser.page.wait_for_timeout(250)
    return {"recorded": 0, "note": "no answered statement reached the server"}


def answered_score(user_id: int, lesson_id: int):
    from courses.models import XAPIStatement

    row = XAPIStatement.objects.filter(
        user_id=user_id, lesson_id=lesson_id, verb="answered", top_level=True
    ).first()
    return float(row.score_scaled) if row and row.score_scaled is not None else None


def outbox_replay(browser: Browser, plan: dict) -> dict:
    """Queue STATEMENTS statements offline through the outbox, go online, wait
    for the server to hold them, then send them all once more."""
    page = browser.page
    page.goto(plan["h5p_url"], wait_until="load")
    if not _evaluate(page.main_frame, OUTBOX_PRESENT):
        return {"note": "window.HongxiOutbox is not on the lesson page"}
    bodies = [statement(plan) for _ in range(STATEMENTS)]
    ids = [json.loads(b)["id"] for b in bodies]
    before = in_thread(stored_statements, plan["user_id"], plan["lesson_id"], ids)
    browser.set_offline(True)
    answers = page.evaluate(OUTBOX_SEND, [plan["xapi_url"], bodies])
    browser.set_offline(False)
    started = time.monotonic()
    stored, reloaded = before, False
    while time.monotonic() - started < 90:
        stored = in_thread(stored_statements, plan["user_id"], plan["lesson_id"], ids)
        if stored["rows"] >= STATEMENTS:
            break
        if not reloaded and time.monotonic() - started > 20:
            # Replayed on the next load where the `online` event did not.
            page.reload(wait_until="load")
            reloaded = True
        page.wait_for_timeout(500)
    replay_s = round(time.monotonic() - started, 1)
    again = page.evaluate(OUTBOX_SEND, [plan["xapi_url"], bodies])
    page.wait_for_timeout(2000)
    after = in_thread(stored_statements, plan["user_id"], plan["lesson_id"], ids)
    return {
        "queued": answers.count("queued"),
        "answers": sorted(set(answers)),
        "resent": sorted(set(again)),
        "replayed_after_reload": reloaded,
        "replay_s": replay_s,
        "stored": stored,
        "after": after,
        "attempts_before": before["attempts"],
    }


def emit(name, value, unit, **extra):
    print(json.dumps({"name": name, "value": value, "unit": unit, **extra}), flush=True)


def report(plan: dict, results: dict, setup_s: float) -> None:
    emit("reach_setup_s", round(setup_s, 1), "s", lesson_text_chars=plan["text_chars"])
    sw = results.get("service_worker")
    for visit in ("text_cold", "text_warm", "h5p_cold", "h5p_warm"):
        figures = results[visit]
        # What the lesson page itself costs (the targets), then everything
        # on the wire meanwhile, the service worker's own fetches included
        # (on a first visit: installing, once per phone).
        emit(
            f"reach_{visit}_requests", figures["page_requests"], "requests",
            target=TARGETS.get(f"{visit}_requests"),
        )  # fmt: skip
        emit(
            f"reach_{visit}_kb", round(figures["page_bytes"] / 1000, 1), "KB",
            target=TARGETS.get(f"{visit}_kb"), bytes=figures["page_bytes"],
        )  # fmt: skip
        emit(
            f"reach_{visit}_all_requests", figures["requests"], "requests",
            by_service_worker=figures["by_worker"], urls=figures["urls"],
        )  # fmt: skip
        emit(
            f"reach_{visit}_all_kb", round(figures["bytes"] / 1000, 1), "KB",
            bytes=figures["bytes"], sizes_estimated=figures["estimated"],
        )  # fmt: skip
        emit(
            f"reach_{visit}_cached_responses",
            figures["cached"],
            "responses",
            note="served by the service worker, the memory or the disk cache",
        )
        if visit.startswith("h5p"):
            emit(
                f"reach_{visit}_usable_s", figures.get("usable_s"), "s",
                target=TARGETS.get(f"{visit}_usable_s"),
                link="3G: 300 ms, 200000 B/s each way", service_worker=sw,
                runs=figures["usable_runs"], load_average=LOAD_AVERAGE,
            )  # fmt: skip
    answer = results["answer"]
    emit(
        "reach_h5p_answer_recorded", answer["recorded"], "bool", target=1,
        scaled=answer.get("scaled"), note=answer.get("note"),
    )  # fmt: skip
    offline = results["offline"]
    usable = offline.get("usable_s")
    note = {} if sw else {"note": "no service worker controls the lesson page"}
    emit(
        "reach_offline_reload_usable", 1 if usable is not None else 0, "bool",
        target=1, error=offline.get("error"), page_title=offline.get("title"),
        **note,
    )  # fmt: skip
    emit("reach_offline_usable_s", usable, "s", **note)
    report_outbox(results["outbox"])


def report_outbox(outbox: dict) -> None:
    if "note" in outbox:
        emit("reach_statements_counted", None, "statements", target=STATEMENTS,
             note=outbox["note"])  # fmt: skip
        emit("reach_double_counted", None, "statements", target=0, note=outbox["note"])
        return
    stored, after = outbox["stored"], outbox["after"]
    attempts = after["attempts"] - outbox["attempts_before"]
    emit(
        "reach_statements_counted", stored["distinct"], "statements",
        target=STATEMENTS, queued_offline=outbox["queued"],
        answers=outbox["answers"], replay_s=outbox["replay_s"],
        replayed_after_reload=outbox["replayed_after_reload"],
    )  # fmt: skip
    # A statement counted twice: a second row under its id, or an attempt
    # more than the statements stored.
    twice = max(0, after["rows"] - after["distinct"])
    twice += max(0, attempts - after["distinct"])
    emit(
        "reach_double_counted", twice,
        "statements", target=0, attempts_counted=attempts,
        sent_again=STATEMENTS, answers_when_sent_again=outbox["resent"],
    )  # fmt: skip


def main() -> None:
    workdir = Path(tempfile.mkdtemp(prefix="lms-bench-reach-"))
    server = None

    def on_signal(signum, _frame):
        raise SystemExit(128 + signum)

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    log_path = workdir / "gunicorn.log"
    try:
        started = time.monotonic()
        check_port_free()
        plan = prepare(workdir)
        with open(log_path, "w") as log:
            server = start_gunicorn(log)
            wait_until_up(server)
            setup_s = time.monotonic() - started
            LOAD_AVERAGE.append(round(os.getloadavg()[0], 2))
            results = run_browser(plan)
            LOAD_AVERAGE.append(round(os.getloadavg()[0], 2))
        report(plan, results, setup_s)
    except BaseException:
        if log_path.exists():
            sys.stderr.write(log_path.read_text()[-4000:])
        raise
    finally:
        stop(server)
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
