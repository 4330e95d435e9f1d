"""The production files in deploy/: the systemd units and the nginx site.

The nginx site runs for real (Debian's nginx, marked `nginx`): rendered with
temporary paths, a self-signed certificate and free ports, included from
Debian's own nginx.conf, in front of the test live server answering as in
production (PRIVATE_FILES_ACCEL_PREFIX). Downloads must arrive through it
with their bytes and headers, and its internal location must stay internal."""

import getpass
import gzip
import os
import re
import shutil
import signal
import socket
import subprocess
import time
from pathlib import Path

import pytest
import requests
from django.conf import settings
from django.contrib.staticfiles.storage import ManifestStaticFilesStorage
from django.test import Client

from core.storage import private_root
from courses.h5p import storage as h5p_storage
from courses.h5p.embed import embed_token, files_url
from tests.helpers import NGINX, free_port
from tests.security_matrix.world import ACTIVITY_ID, OWNER_SERIAL, build_world

DEPLOY = Path(settings.BASE_DIR) / "deploy"
SITE = DEPLOY / "nginx" / "hongxi-lms.conf"
COMMON = DEPLOY / "nginx" / "hongxi-lms-common.conf"
UNITS = sorted((DEPLOY / "systemd").glob("*.service"))
DEBIAN_NGINX_CONF = Path("/etc/nginx/nginx.conf")
SITE_HOST, H5P_HOST = "lms.test", "h5p.lms.test"


def _env_example() -> dict[str, str]:
    lines = (Path(settings.BASE_DIR) / ".env.example").read_text().splitlines()
    return dict(line.split("=", 1) for line in lines if "=" in line and line[0] != "#")


# The deploy files agree with each other ---------------------------------------


def test_deploy_holds_the_three_units_with_restart_policies():
    assert [unit.name for unit in UNITS] == [
        "lms-beat.service",
        "lms-web.service",
        "lms-worker.service",
    ]
    for unit in UNITS:
        text = unit.read_text()
        assert "\nRestart=always\n" in text, unit.name
        assert re.search(r"\nRestartSec=\d+\n", text), unit.name
        assert "\nEnvironmentFile=/etc/lms/env\n" in text, unit.name
        assert "\nUser=lms\n" in text, unit.name
        assert "\nNoNewPrivileges=yes\n" in text, unit.name
        assert "\nPrivateTmp=yes\n" in text, unit.name
        assert "\nProtectSystem=strict\n" in text, unit.name
    web, worker = (DEPLOY / "systemd" / name for name in ("lms-web", "lms-worker"))
    assert "gunicorn lms.wsgi" in web.with_suffix(".service").read_text()
    assert "celery -A lms worker" in worker.with_suffix(".service").read_text()


def test_units_nginx_and_env_example_name_the_same_folders():
    env = _env_example()
    common = COMMON.read_text()
    site = SITE.read_text()
    # The internal location is the settings' prefix, aliased to the private root.
    assert env["PRIVATE_FILES_ACCEL_PREFIX"] == "/_private/"
    assert "location /_private/ {\n    internal;\n" in common
    assert f"alias {env['PRIVATE_MEDIA_ROOT']}/;" in common
    assert f"alias {env['MEDIA_ROOT']}/;" in site
    for unit in UNITS:
        text = unit.read_text()
        for folder in (env["PRIVATE_MEDIA_ROOT"], env["MEDIA_ROOT"]):
            writable = re.search(r"\nReadWritePaths=(\S+)\n", text).group(1)
            assert Path(folder).is_relative_to(writable), (unit.name, folder)
    # nginx serves the static files collectstatic wrote under the code folder.
    web = (DEPLOY / "systemd" / "lms-web.service").read_text()
    code = re.search(r"\nWorkingDirectory=(\S+)\n", web).group(1)
    relative = Path(settings.STATIC_ROOT).relative_to(settings.BASE_DIR)
    assert f"alias {code}/{relative}/;" in common
    assert "proxy_pass http://127.0.0.1:8000;" in site
    assert "--bind 127.0.0.1:8000" in web


def test_nginx_accepts_uploads_as_large_as_the_settings_allow():
    size = re.search(r"client_max_body_size (\d+)m;", COMMON.read_text())
    assert int(size.group(1)) * 1024 * 1024 > settings.H5P_MAX_PACKAGE_BYTES
    assert int(size.group(1)) * 1024 * 1024 > settings.WAGTAILDOCS_MAX_UPLOAD_SIZE


def test_systemd_accepts_the_units(tmp_path):
    analyze = shutil.which("systemd-analyze")
    if not analyze:
        pytest.skip("systemd-analyze is not installed")
    # Point the commands at this checkout's virtualenv: verify checks they exist.
    venv = Path(os.path.dirname(os.sys.executable)).parent
    for unit in UNITS:
        text = unit.read_text().replace("/srv/lms/.venv", str(venv))
        (tmp_path / unit.name).write_text(text)
    result = subprocess.run(
        [analyze, "verify", *(str(tmp_path / unit.name) for unit in UNITS)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert result.stderr.strip() == "", result.stderr


# nginx in front of the application ---------------------------------------------


def _self_signed_certificate(folder: Path) -> tuple[Path, Path]:
    cert, key = folder / "fullchain.pem", folder / "privkey.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1"]
        + ["-keyout", str(key), "-out", str(cert), "-subj", f"/CN={SITE_HOST}"]
        + ["-addext", f"subjectAltName=DNS:{SITE_HOST},DNS:{H5P_HOST},IP:127.0.0.1"],
        check=True,
        capture_output=True,
        timeout=60,
    )
    return cert, key


def _replace_all(text: str, replacements: dict[str, str], name: str) -> str:
    for old, new in replacements.items():
        assert old in text, f"{name} no longer contains {old!r}"
        text = text.replace(old, new)
    return text


def _render(root: Path, upstream: str, ports: dict[str, int]) -> Path:
    """deploy/nginx with this test's folders, certificate, ports and
    upstream, included from Debian's nginx.conf as sites-enabled/ would be;
    the path of that nginx.conf."""
    cert, key = _self_signed_certificate(root)
    common = _replace_all(
        COMMON.read_text(),
        {
            "/srv/lms/staticfiles/": f"{root / 'static'}/",
            "/var/lib/lms/private/": f"{root / 'private'}/",
        },
        COMMON.name,
    )
    (root / COMMON.name).write_text(common)
    site = _replace_all(
        SITE.read_text(),
        {
            "h5p.lms.example.org": H5P_HOST,
            "lms.example.org": SITE_HOST,
            "    listen [::]:80;\n": "",
            "    listen [::]:443 ssl http2;\n": "",
            "listen 80;": f"listen 127.0.0.1:{ports['http']};",
            "listen 443 ssl http2;": f"listen 127.0.0.1:{ports['https']} ssl http2;",
            "/etc/ssl/lms/fullchain.pem": str(cert),
            "/etc/ssl/lms/privkey.pem": str(key),
            "/etc/nginx/snippets/hongxi-lms-common.conf": str(root / COMMON.name),
            "/var/lib/lms/media/": f"{root / 'media'}/",
            "127.0.0.1:8000": upstream,
        },
        SITE.name,
    )
    (root / SITE.name).write_text(site)
    for folder in ("logs", "temp"):
        (root / folder).mkdir()
    temp = root / "temp"
    user = f"user {getpass.getuser()};" if os.geteuid() == 0 else ""
    main = _replace_all(
        DEBIAN_NGINX_CONF.read_text(),
        {
            "user www-data;": user,
            "pid /run/nginx.pid;": f"pid {root / 'nginx.pid'};",
            "error_log /var/log/nginx/error.log;": f"error_log {root}/logs/error.log;",
            "access_log /var/log/nginx/access.log;": (
                f"access_log {root}/logs/access.log;"
                + "".join(
                    f"\n\t{kind}_temp_path {temp / kind};"
                    for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
                )
            ),
            "include /etc/nginx/conf.d/*.conf;": "",
            "include /etc/nginx/sites-enabled/*;": f"include {root / SITE.name};",
        },
        str(DEBIAN_NGINX_CONF),
    )
    (root / "nginx.conf").write_text(main)
    return root / "nginx.conf"


def _nginx_args(root: Path, conf: Path) -> list[str]:
    return [NGINX, "-p", f"{root}/", "-c", str(conf), "-e", f"{root}/logs/error.log"]


def _wait_for_port(port: int, process: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        assert process.poll() is None, log.read_text() if log.exists() else ""
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return
        except OSError:
            time.sleep(0.05)
    raise AssertionError(f"nginx did not listen on {port}")


class Proxy:
    """Requests to the running nginx, over verified TLS, as a browser asks
    for a host name."""

    def __init__(self, ports, cert):
        self.ports, self.cert = ports, cert

    def get(self, path, *, host=SITE_HOST, session=None, **kwargs):
        cookies = {settings.SESSION_COOKIE_NAME: session} if session else {}
        return requests.get(
            f"https://127.0.0.1:{self.ports['https']}{path}",
            headers={"Host": host, **kwargs.pop("headers", {})},
            cookies=cookies,
            verify=str(self.cert),
            allow_redirects=False,
            timeout=30,
            **kwargs,
        )


@pytest.fixture
def nginx(tmp_path, live_server, settings):
    """Debian's nginx running the shipped site in front of the live server,
    which hands private files to it as production does."""
    root = tmp_path / "nginx"
    for folder in ("private", "static", "media"):
        (root / folder).mkdir(parents=True)
    settings.PRIVATE_MEDIA_ROOT = root / "private"
    settings.MEDIA_ROOT = root / "media"
    settings.PRIVATE_FILES_ACCEL_PREFIX = "/_private/"
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, SITE_HOST, H5P_HOST]
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    ports = {"http": free_port(), "https": free_port()}
    conf = _render(root, f"127.0.0.1:{live_server.thread.port}", ports)
    check = subprocess.run(
        [*_nginx_args(root, conf), "-t"], capture_output=True, text=True, timeout=60
    )
    assert check.returncode == 0, check.stderr
    assert "test is successful" in check.stderr
    assert "[warn]" not in check.stderr, check.stderr
    process = subprocess.Popen(
        [*_nginx_args(root, conf), "-g", "daemon off;"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        _wait_for_port(ports["https"], process, root / "logs" / "error.log")
        yield Proxy(ports, root / "fullchain.pem")
    finally:
        process.send_signal(signal.SIGQUIT)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _session(user) -> str:
    client = Client()
    client.force_login(user)
    return client.cookies[settings.SESSION_COOKIE_NAME].value


# The live server sees the data: transactions; the roles (groups) made by
# migrations survive the flush between tests.
nginx_test = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.mark.nginx
@nginx_test
def test_nginx_sends_a_private_file_only_after_the_view_allowed_it(nginx):
    world = build_world()
    name = world.certificate.pdf.name
    stored = (private_root() / name).read_bytes()
    url = f"/certificates/{OWNER_SERIAL}/download/"

    response = nginx.get(url, session=_session(world.owner))
    assert response.status_code == 200
    assert response.content == stored and stored.startswith(b"%PDF")
    assert "X-Accel-Redirect" not in response.headers
    assert response.headers["Content-Type"] == "application/pdf"
    assert response.headers["Content-Disposition"].startswith("attachment")
    assert OWNER_SERIAL in response.headers["Content-Disposition"]
    assert response.headers["Cache-Control"] == "private, no-store"
    assert response.headers["X-Content-Type-Options"] == "nosniff"

    # Someone else's session, no session: the view refuses, nginx sends nothing.
    for session in (_session(world.people["teacher"]), None):
        refused = nginx.get(url, session=session)
        assert refused.status_code in (302, 403, 404), refused.status_code
        assert stored[:200] not in refused.content
    # The internal location answers nobody directly, not even the holder.
    for session in (_session(world.owner), None):
        for path in (f"/_private/{name}", f"/_private/{name}".replace("/", "//")):
            direct = nginx.get(path, session=session)
            assert direct.status_code == 404, path
            assert stored[:200] not in direct.content


@pytest.mark.nginx
@nginx_test
def test_h5p_files_from_the_content_origin_keep_the_views_headers(nginx, settings):
    world = build_world()
    settings.H5P_CONTENT_ORIGIN = f"https://{H5P_HOST}"
    token = embed_token(
        user=world.owner,
        lesson=world.quiz_lesson,
        block_id=ACTIVITY_ID,
        package=world.package,
    )
    content = h5p_storage.content_root(world.package) / "content" / "content.json"
    folder, versioned = next(iter(world.package.assets["libraries"].items()))
    script = next(h5p_storage.library_dir(folder).rglob("*.js"))
    relative = script.relative_to(h5p_storage.library_dir(folder)).as_posix()
    files = {
        content: f"{files_url(token, 'content')}/content/content.json",
        script: f"{settings.H5P_CONTENT_ORIGIN}/h5p/libraries/{versioned}/{relative}",
    }
    for stored, url in files.items():
        path = url.removeprefix(settings.H5P_CONTENT_ORIGIN)
        assert path.startswith("/h5p/")
        # What the view itself answers (no body: the proxy sends the file).
        direct = Client(HTTP_HOST=H5P_HOST).get(path)
        assert direct.status_code == 200 and direct.content == b""
        response = nginx.get(path, host=H5P_HOST)
        assert response.status_code == 200, path
        assert response.content == stored.read_bytes()
        assert "X-Accel-Redirect" not in response.headers
        for header in (
            "Content-Type",
            "Cache-Control",
            "Access-Control-Allow-Origin",
            "X-Content-Type-Options",
        ):
            assert response.headers.get(header) == direct[header], (path, header)
        assert response.headers.get("Content-Security-Policy") == direct.get(
            "Content-Security-Policy"
        ), path
    assert "sandbox" in nginx.get(
        files[content].removeprefix(settings.H5P_CONTENT_ORIGIN), host=H5P_HOST
    ).headers.get("Content-Security-Policy", "")
    # The content origin serves H5P and nothing else of the site.
    assert nginx.get("/accounts/login/", host=H5P_HOST).status_code == 404
    assert nginx.get("/accounts/login/").status_code == 200


def _static_file(root: Path, name: str) -> tuple[str, bytes]:
    """Copy static/<name> into the rendered STATIC_ROOT under the hashed
    name collectstatic gives it; that name and the bytes."""
    source = Path(settings.BASE_DIR) / "static" / name
    storage = ManifestStaticFilesStorage(location=root, base_url="/static/")
    target = root / name
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy(source, target)
    hashed = storage.hashed_name(name)
    shutil.copy(source, root / hashed)
    return hashed, source.read_bytes()


@pytest.mark.nginx
@nginx_test
def test_nginx_compresses_and_caches_static_files(nginx, settings):
    root = Path(settings.PRIVATE_MEDIA_ROOT).parent / "static"
    hashed, body = _static_file(root, "css/site.css")
    assert re.fullmatch(r"css/site\.[0-9a-f]{12}\.css", hashed)
    assert len(body) > 1024

    response = nginx.get(f"/static/{hashed}", headers={"Accept-Encoding": "gzip"})
    assert response.status_code == 200
    assert response.headers["Content-Encoding"] == "gzip"
    assert response.content == body  # requests undoes the gzip
    assert response.headers["Cache-Control"] == "public, max-age=315360000, immutable"
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert "text/css" in response.headers["Content-Type"]
    # A name without a hash may change on an upgrade: a short cache only.
    plain = nginx.get("/static/css/site.css", headers={"Accept-Encoding": "gzip"})
    assert plain.headers["Cache-Control"] == "public, max-age=60"
    # WhiteNoise's precompressed copy is sent as it is.
    (root / f"{hashed}.gz").write_bytes(gzip.compress(b"/* precompressed */"))
    precompressed = nginx.get(f"/static/{hashed}", headers={"Accept-Encoding": "gzip"})
    assert precompressed.content == b"/* precompressed */"


@pytest.mark.nginx
@nginx_test
def test_nginx_passes_the_applications_gzip_on_and_compresses_no_download(nginx):
    page = nginx.get(
        "/accounts/login/", headers={"Accept-Encoding": "gzip, br"}, stream=True
    )
    raw = page.raw.read(decode_content=False)
    assert page.headers["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in page.headers["Vary"]
    # Compressed once, by Django: its header names a (random) file, against
    # BREACH; nginx's gzip writes none.
    assert raw[3] & 0x08
    assert "<form" in gzip.decompress(raw).decode()

    world = build_world()
    download = nginx.get(
        f"/certificates/{OWNER_SERIAL}/download/",
        session=_session(world.owner),
        headers={"Accept-Encoding": "gzip, br"},
    )
    assert download.status_code == 200
    assert download.headers["Content-Type"] == "application/pdf"
    assert "Content-Encoding" not in download.headers


@pytest.mark.nginx
@nginx_test
def test_nginx_sends_plain_http_to_https(nginx):
    response = requests.get(
        f"http://127.0.0.1:{nginx.ports['http']}/courses/?page=2",
        headers={"Host": SITE_HOST},
        allow_redirects=False,
        timeout=30,
    )
    assert response.status_code == 301
    assert response.headers["Location"] == f"https://{SITE_HOST}/courses/?page=2"
    # Django sees the request as HTTPS (X-Forwarded-Proto): a signed-in
    # teacher's lesson page answers, compressed, not sent to https:// again.
    world = build_world()
    page = nginx.get(world.quiz_lesson.url, session=_session(world.owner))
    assert page.status_code == 200
    assert "h5p-lesson" in page.text
    assert page.headers.get("Content-Encoding") == "gzip"


@pytest.mark.nginx
@nginx_test
def test_nginx_sends_the_players_code_precompressed_and_immutable(nginx):
    world = build_world()
    name = world.package.assets["js"]
    stored = h5p_storage.h5p_root() / "assets" / name

    response = nginx.get(f"/h5p/assets/{name}", headers={"Accept-Encoding": "gzip"})

    assert response.status_code == 200
    assert response.headers["Content-Encoding"] == "gzip"
    assert response.content == stored.read_bytes()  # requests undoes the gzip
    assert response.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    assert "Accept-Encoding" in response.headers["Vary"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert "javascript" in response.headers["Content-Type"]
    # The precompressed copy, not one compressed again for this request.
    raw = nginx.get(
        f"/h5p/assets/{name}", headers={"Accept-Encoding": "gzip"}, stream=True
    )
    assert raw.raw.read() == stored.with_name(name + ".gz").read_bytes()
