"""Fault run: PostgreSQL stopped and started again while customers answer, concurrently, through
gunicorn. The database is a throwaway cluster (initdb + pg_ctl on another port, in a temporary
folder, as the `postgres` user), never the machine's own server, where the suite's database is.

Every acknowledged answer is stored once; an answer refused while the database was away (the
Vietnamese 503 page with Retry-After) is not stored behind the customer's back; sending the page
again once the database is back stores it once.
"""

from __future__ import annotations

import http.client
import os
import pwd
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import psycopg2
import pytest
from django.db import connection
from django.urls import reverse

from conftest import service_missing, wait_for
from surveys.tests import factories

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]

ROOT = Path(__file__).resolve().parents[2]
PG_BIN = Path(os.environ.get("PG_BIN", "/usr/lib/postgresql/15/bin"))
CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
KEY_INPUT = re.compile(r'name="idempotency_key" value="([0-9a-f-]{36})"')
CUSTOMERS = 6


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _as_postgres(*cmd: str, check: bool = True) -> subprocess.CompletedProcess:
    # initdb refuses to run as root: the cluster belongs to the `postgres` user.
    prefix = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
    return subprocess.run([*prefix, *cmd], check=check, capture_output=True, text=True, timeout=60)


@dataclass
class Cluster:
    folder: Path
    port: int

    @property
    def data(self) -> str:
        return str(self.folder / "data")

    def pg_ctl(self, *args: str) -> None:
        _as_postgres(str(PG_BIN / "pg_ctl"), "-D", self.data, "-l", str(self.folder / "log"),
                     *args)  # fmt: skip

    def start(self) -> None:
        options = f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1 -c fsync=off"
        self.pg_ctl("-w", "-o", options, "start")

    def stop(self) -> None:
        self.pg_ctl("-w", "-m", "fast", "stop")

    def url(self, name: str) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{name}"


@pytest.fixture
def throwaway_postgres():
    needed = [PG_BIN / "initdb", PG_BIN / "pg_ctl", PG_BIN / "pg_dump", PG_BIN / "psql"]
    missing = [str(p) for p in needed if not p.exists()]
    if os.geteuid() == 0 and not shutil.which("runuser"):
        missing.append("runuser")
    if missing:
        service_missing(f"PostgreSQL server binaries missing: {', '.join(missing)}")
    folder = Path(tempfile.mkdtemp(prefix="kbnn-pg-fault-"))
    if os.geteuid() == 0:
        owner = pwd.getpwnam("postgres")
        os.chown(folder, owner.pw_uid, owner.pw_gid)
    cluster = Cluster(folder, _free_port())
    try:
        _as_postgres(str(PG_BIN / "initdb"), "-D", cluster.data, "-A", "trust", "-U", "postgres",
                     "--no-sync", "-E", "UTF8", "--locale=C.UTF-8")  # fmt: skip
        cluster.start()
        yield cluster
    finally:
        _as_postgres(str(PG_BIN / "pg_ctl"), "-D", cluster.data, "-m", "immediate", "stop",
                     check=False)  # fmt: skip
        shutil.rmtree(folder, ignore_errors=True)


def _copy_test_database(cluster: Cluster, name: str) -> None:
    """The suite's (already migrated) test database, with the rows this test made, copied into
    the throwaway cluster: faster than migrating it."""
    db = connection.settings_dict
    env = {**os.environ, "PGPASSWORD": db.get("PASSWORD") or ""}
    source = ["-h", db["HOST"] or "127.0.0.1", "-p", str(db["PORT"] or 5432), "-U", db["USER"]]
    target = ["-h", "127.0.0.1", "-p", str(cluster.port), "-U", "postgres"]
    subprocess.run([str(PG_BIN / "psql"), *target, "-d", "postgres", "-qc",
                    f'CREATE DATABASE "{name}"'], check=True, env=env, timeout=30)  # fmt: skip
    dump = subprocess.Popen([str(PG_BIN / "pg_dump"), *source, "--no-owner", db["NAME"]],
                            stdout=subprocess.PIPE, env=env)  # fmt: skip
    subprocess.run([str(PG_BIN / "psql"), *target, "-d", name, "-q", "-v", "ON_ERROR_STOP=1"],
                   stdin=dump.stdout, check=True, env=env, timeout=60,
                   stdout=subprocess.DEVNULL)  # fmt: skip
    assert dump.wait(timeout=30) == 0


def _start_gunicorn(database_url: str, log: Path) -> tuple[subprocess.Popen, int]:
    port = _free_port()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "kbnn_survey.settings.test",
        "DATABASE_URL": database_url,
        "SURVEY_SUBMIT_RATE": "100000/h",  # one loopback address stands for every customer
        "LOG_LEVEL": "WARNING",
    }
    env.pop("REDIS_URL", None)  # this run is about the database: no broker, limits in memory
    proc = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "kbnn_survey.wsgi", "-w", "2", "--threads", "4",
         "-b", f"127.0.0.1:{port}", "--timeout", "60"],
        cwd=ROOT, env=env, stdout=log.open("w"), stderr=subprocess.STDOUT,
    )  # fmt: skip
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        assert proc.poll() is None, log.read_text()
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return proc, port
        except OSError:
            time.sleep(0.2)
    proc.kill()
    pytest.fail("gunicorn did not start")


def _request(port, method, path, body="", cookie=""):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    headers = {"Host": "127.0.0.1"}
    if cookie:
        headers["Cookie"] = cookie
    if body:
        headers["Content-Type"] = "application/x-www-form-urlencoded"
        headers["Referer"] = f"http://127.0.0.1:{port}{path}"
    try:
        conn.request(method, path, body=body.encode(), headers=headers)
        reply = conn.getresponse()
        return reply.status, dict(reply.getheaders()), reply.read().decode(errors="replace")
    finally:
        conn.close()


@dataclass
class Tally:
    acknowledged: list[str] = field(default_factory=list)
    abandoned: list[str] = field(default_factory=list)  # 503 and the customer walked away
    statuses: dict[int, int] = field(default_factory=dict)
    outage_pages: list[tuple[str | None, bool]] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def seen(self, status: int) -> None:
        with self.lock:
            self.statuses[status] = self.statuses.get(status, 0) + 1


def _customer(port, path, fields, stop, tally: Tally, resends: bool) -> None:
    """GET the form, POST it; on a 503 either send it again until stored (as the page asks) or
    walk away. Answers never identical across customers: each form has its own key."""
    while not stop.is_set():
        status, headers, page = _request(port, "GET", path)
        tally.seen(status)
        csrf, key = CSRF_INPUT.search(page), KEY_INPUT.search(page)
        if status != 200 or not csrf or not key:
            time.sleep(0.2)
            continue
        cookie = headers.get("Set-Cookie", "").split(";", 1)[0]
        body = urllib.parse.urlencode(
            {**fields, "csrfmiddlewaretoken": csrf.group(1), "idempotency_key": key.group(1)}
        )
        deadline = time.monotonic() + 40
        while time.monotonic() < deadline:
            status, headers, page = _request(port, "POST", path, body, cookie)
            tally.seen(status)
            if status == 302:
                with tally.lock:
                    tally.acknowledged.append(key.group(1))
                break
            if status == 503:
                with tally.lock:
                    tally.outage_pages.append(
                        (headers.get("Retry-After"), "Tạm thời gián đoạn" in page)
                    )
                if not resends:
                    with tally.lock:
                        tally.abandoned.append(key.group(1))
                    break
            time.sleep(0.3)


def test_answers_across_a_postgres_restart_are_stored_once_and_only_when_acknowledged(
    postgres, throwaway_postgres, tmp_path
):
    unit = factories.make_unit("KSC")
    campaign = factories.make_campaign([unit])
    fields = {"respondent_group": str(factories.group("payer").pk), "comment": ""}
    for code in campaign.questionnaire.questions.values_list("code", flat=True):
        fields[f"q_{code}"] = "4"
    path = reverse("surveys:unit_survey", args=[campaign.slug, unit.code])
    name = f"kbnn_fault_{uuid.uuid4().hex[:8]}"
    _copy_test_database(throwaway_postgres, name)
    server, port = _start_gunicorn(throwaway_postgres.url(name), tmp_path / "gunicorn.log")
    tally, stop = Tally(), threading.Event()
    customers = [
        threading.Thread(target=_customer, args=(port, path, fields, stop, tally, n % 2 == 0))
        for n in range(CUSTOMERS)
    ]
    try:
        for thread in customers:
            thread.start()
        wait_for(lambda: len(tally.acknowledged) >= 5, timeout=40, what="answers before")
        before = len(tally.acknowledged)
        throwaway_postgres.stop()  # the database goes away (fast shutdown: sessions cut)
        time.sleep(2)
        wait_for(lambda: len(tally.outage_pages) >= 3, timeout=20, what="customers to meet it")
        throwaway_postgres.start()  # and comes back on the same port
        wait_for(lambda: len(tally.acknowledged) >= before + 10, timeout=40, what="answers after")
        stop.set()
        for thread in customers:
            thread.join(timeout=60)
    finally:
        stop.set()
        server.terminate()
        server.wait(timeout=20)

    log = (tmp_path / "gunicorn.log").read_text()
    assert before > 0 and len(tally.acknowledged) > before, (tally.statuses, log[-2000:])
    # No bare 500: the outage answers the Vietnamese page with Retry-After.
    assert set(tally.statuses) <= {200, 302, 503}, tally.statuses
    assert tally.outage_pages, "no customer met the outage"
    assert all(retry == "30" and vietnamese for retry, vietnamese in tally.outage_pages)
    with psycopg2.connect(throwaway_postgres.url(name)) as db, db.cursor() as cur:
        cur.execute(
            "SELECT idempotency_key::text, count(*) FROM surveys_response "
            "WHERE campaign_id = %s GROUP BY 1",
            [campaign.pk],
        )
        stored = dict(cur.fetchall())
    # Every acknowledged answer stored once; nothing stored that the customer was refused.
    assert sorted(stored) == sorted(tally.acknowledged)
    assert set(stored.values()) == {1}
    assert not set(tally.abandoned) & set(stored)
    print(
        f"{len(tally.acknowledged)} stored, {len(tally.outage_pages)} outage pages, "
        f"{len(tally.abandoned)} abandoned, statuses {tally.statuses}"
    )
