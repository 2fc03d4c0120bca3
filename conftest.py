"""Shared fixtures. Under REQUIRE_SERVICES=1 (CI) a missing service fails the run, never skips."""

from __future__ import annotations

import datetime
import os
import shutil
import subprocess
import sys
import time
import zoneinfo
from pathlib import Path

import pytest
import time_machine
from hypothesis import settings as hypothesis_settings

# CI runs the suite eight times (two databases, six clocks): the same examples each time, so a
# red run means a change, not a new random draw. Locally hypothesis keeps exploring.
hypothesis_settings.register_profile("ci", derandomize=True, print_blob=True)
if os.environ.get("CI"):
    hypothesis_settings.load_profile("ci")

REQUIRE_SERVICES = os.environ.get("REQUIRE_SERVICES", "") not in ("", "0", "false", "False")


LOCAL = zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh")
# An ordinary Wednesday mid-morning: every test starts here unless --clock says otherwise.
DEFAULT_CLOCK = "2026-06-10T10:00"


def pytest_addoption(parser):
    parser.addoption(
        "--clock",
        default=os.environ.get("TEST_CLOCK") or DEFAULT_CLOCK,
        help="local time (Asia/Ho_Chi_Minh) at which every test starts, e.g. 2027-01-01T00:30; "
        "the clock then ticks on",
    )


def clock_moment(text: str) -> datetime.datetime:
    """An ISO moment; without an offset it is read as Vietnamese local time."""
    moment = datetime.datetime.fromisoformat(text)
    return moment if moment.tzinfo else moment.replace(tzinfo=LOCAL)


@pytest.fixture(autouse=True)
def clock(request, monkeypatch):
    """Every test starts at the same instant, whatever the hour of the run (the wall clock made
    the suite fail between midnight and 4 a.m. local time). Worker processes that a test starts
    read KBNN_TEST_CLOCK (kbnn_survey.settings.test) and start at the same instant."""
    moment = clock_moment(request.config.getoption("--clock"))
    with time_machine.travel(moment, tick=True) as traveller:
        monkeypatch.setenv("KBNN_TEST_CLOCK", moment.isoformat())
        yield traveller


def pytest_report_header(config):
    from django.conf import settings

    db = settings.DATABASES["default"]
    return [
        f"database: {db['ENGINE'].rsplit('.', 1)[-1]} {db.get('HOST') or ''} {db.get('NAME')}",
        f"redis: {os.environ.get('REDIS_URL') or 'not set'}; REQUIRE_SERVICES={REQUIRE_SERVICES}",
        f"clock: every test starts at {clock_moment(config.getoption('--clock')).isoformat()}",
    ]


@pytest.fixture(autouse=True)
def fresh_rate_limits():
    """Every test starts with a full allowance: the counters (process memory, or Redis in CI)
    outlive a test, and all test clients come from 127.0.0.1."""
    from surveys.ratelimiting import rate_limits_reset

    rate_limits_reset()
    yield
    rate_limits_reset()


def service_missing(reason: str) -> None:
    """Skip on a developer machine without the service; fail under REQUIRE_SERVICES."""
    if REQUIRE_SERVICES:
        pytest.fail(f"required service missing: {reason}", pytrace=False)
    pytest.skip(f"{reason} (set REQUIRE_SERVICES=1 to make this a failure)")


@pytest.fixture
def redis_url() -> str:
    url = os.environ.get("REDIS_URL", "")
    if not url:
        service_missing("REDIS_URL is not set")
    import redis

    try:
        redis.Redis.from_url(url, socket_connect_timeout=2).ping()
    except redis.RedisError as exc:
        service_missing(f"Redis at {url} does not answer: {exc}")
    return url


@pytest.fixture
def live_app(redis_url, postgres):
    """The project's Celery app sending to the real Redis (not eager), its queue emptied."""
    from kbnn_survey.celery import app

    saved = app.conf.task_always_eager, app.conf.broker_url
    app.conf.update(task_always_eager=False, broker_url=redis_url)
    app.control.purge()
    yield app
    app.control.purge()
    app.conf.update(task_always_eager=saved[0], broker_url=saved[1])


def wait_for(condition, timeout: float = 60, what: str = "") -> None:
    """Poll `condition` until it holds; fail the test after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.2)
    pytest.fail(f"timed out waiting for {what}")


@pytest.fixture
def start_worker(live_app, redis_url, settings, tmp_path):
    """Start `celery worker` subprocesses (solo pool) on the test database and Redis, writing to
    a temporary MEDIA_ROOT; `start(settings_module)` returns (process, log path)."""
    settings.MEDIA_ROOT = tmp_path / "media"
    from django.db import connection

    db = connection.settings_dict
    started = []

    def start(settings_module: str = "kbnn_survey.settings.test"):
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": settings_module,
            "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:"
            f"{db['PORT'] or 5432}/{db['NAME']}",
            "REDIS_URL": redis_url,
            "MEDIA_ROOT": str(settings.MEDIA_ROOT),
        }
        if db.get("PASSWORD"):
            env["PGPASSWORD"] = db["PASSWORD"]
        log = tmp_path / f"worker-{len(started)}.log"
        handle = open(log, "w")  # noqa: SIM115 (closed at teardown)
        proc = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "kbnn_survey", "worker", "--pool=solo",
             "-l", "info", "--without-gossip", "--without-mingle",
             "-n", f"test-{os.getpid()}-{len(started)}@%h"],
            cwd=Path(__file__).resolve().parent, env=env, stdout=handle, stderr=subprocess.STDOUT,
        )  # fmt: skip
        started.append((proc, handle))
        return proc, log

    yield start
    for proc, handle in started:
        if proc.poll() is None:
            proc.terminate()
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()
        handle.close()


@pytest.fixture
def postgres(db):
    from django.db import connection

    if connection.vendor != "postgresql":
        service_missing(f"this test needs PostgreSQL, the database is {connection.vendor}")
    return connection


# --- Real headless Chromium (Debian's chromium + chromium-driver; no test tool downloads one).
CHROMIUM = os.environ.get("CHROMIUM_BINARY", "/usr/bin/chromium")
CHROMEDRIVER = os.environ.get("CHROMEDRIVER", "/usr/bin/chromedriver")
CHROMIUM_FLAGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    # This machine's network is closed: no background connections to refuse.
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def _chromium(width: int, height: int, profile: str | None = None):
    """`profile`: a --user-data-dir kept between browsers (cookies, IndexedDB, service
    workers), for tests that quit the browser and start it again."""
    for path in (CHROMIUM, CHROMEDRIVER):
        if not (os.path.exists(path) and os.access(path, os.X_OK)) and not shutil.which(path):
            service_missing(f"{path} is not installed (Debian packages chromium, chromium-driver)")
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in [*CHROMIUM_FLAGS, f"--window-size={width},{height}"]:
        options.add_argument(flag)
    if profile:
        options.add_argument(f"--user-data-dir={profile}")
    # A Vietnamese browser: the portal answers in Vietnamese.
    options.add_experimental_option("prefs", {"intl.accept_languages": "vi-VN,vi"})
    driver = webdriver.Chrome(service=Service(executable_path=CHROMEDRIVER), options=options)
    driver.set_window_size(width, height)
    driver.set_page_load_timeout(30)
    return driver


@pytest.fixture
def browser():
    """A desktop-sized headless Chromium (staff pages)."""
    driver = _chromium(1280, 900)
    try:
        yield driver
    finally:
        driver.quit()


@pytest.fixture
def phone_browser():
    """A phone-sized (360 × 800) headless Chromium (the customer's survey)."""
    driver = _chromium(360, 800)
    try:
        yield driver
    finally:
        driver.quit()
