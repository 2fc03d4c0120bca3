"""Benchmark of the customer's survey: many concurrent customers against gunicorn on PostgreSQL.

    .venv/bin/python bench/submit.py [--customers 16] [--duration 40] [--rounds 8] [--workers 2]
                                     [--kiosk]

Each customer, in a loop: GET a unit's survey, read the CSRF token and the idempotency key, POST
the answers, follow the redirect to the thank-you page (one "fill"). The same load then runs
against a bare floor view (bench/floor_urls.py: same rows, no validation, no form, no template,
same middleware, settings and gunicorn). Prints fills/s, p50/p99 latency, ours/floor, and checks
that the responses stored equal the successful POSTs. Loopback only; its own database
(kbnn_bench_submit, recreated and seeded by the script); the production profile.

--kiosk adds a third side on the same server: as many enrolled counter tablets as customers,
each answering in a loop as the kiosk page does (GET a form token at the customer's first touch,
POST the answers; the thank-you screen and the next blank form need no request), so that the
kiosk's and the web's rates come from the same run.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import re
import secrets
import socket
import subprocess
import sys
import threading
import time
import urllib.parse
import uuid
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PY = str(ROOT / ".venv" / "bin" / "python")
GUNICORN = str(ROOT / ".venv" / "bin" / "gunicorn")
OUT = ROOT / "bench" / "out"
DB_NAME = os.environ.get("BENCH_SUBMIT_DB", "kbnn_bench_submit")  # another name: parallel runs
SLUG = "demo"
CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
KEY_INPUT = re.compile(r'name="idempotency_key" value="([0-9a-f-]{36})"')
RENDERED_INPUT = re.compile(r'name="t" value="([^"]+)"')  # the form's signed render time
QUESTION_CODES = ["C1", "C2", "C3", "C4", "C5", "C6", "C7", "C8", "C9", "C10", "CHUNG"]
COMMENTS = ["", "", "", "", "Cán bộ hướng dẫn tận tình.", "Thời gian chờ còn lâu."]


def psql_lines(sql: str) -> list[str]:
    """One value per row of `sql` on the bench database."""
    found = subprocess.run(
        ["psql", "-h", "127.0.0.1", "-U", "postgres", "-tAc", sql, DB_NAME],
        check=True, capture_output=True, text=True,
    )  # fmt: skip
    return found.stdout.split()


def server_env(args) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        KBNN_PROFILE="production",
        SECRET_KEY=secrets.token_urlsafe(48),
        ALLOWED_HOSTS="127.0.0.1,localhost",
        SECURE_SSL_REDIRECT="0",
        SITE_URL="http://127.0.0.1:8000",
        DATABASE_URL=f"postgres://postgres@127.0.0.1:5432/{DB_NAME}",
        REDIS_URL=args.redis_url,
        DEMO_ALLOWED="1",
        # One loopback address stands for every customer: lift the per-address allowance, but
        # keep the limiter in the path so its cost is measured.
        SURVEY_SUBMIT_RATE="100000000/s",
        # Likewise the kiosk's per-device pace: kept in the path, lifted.
        KIOSK_ANSWER_INTERVAL_SECONDS="0.000001",
        LOG_LEVEL="WARNING",
        PYTHONPATH=str(ROOT),
    )
    env.pop("DJANGO_SETTINGS_MODULE", None)
    return env


def run(cmd: list[str], env: dict[str, str]) -> None:
    subprocess.run(cmd, cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL)


def prepare_database(env: dict[str, str]) -> None:
    pg = ["-h", "127.0.0.1", "-U", "postgres"]
    subprocess.run(["dropdb", *pg, "--if-exists", "--force", DB_NAME], check=True)
    subprocess.run(["createdb", *pg, DB_NAME], check=True)
    run([PY, "scripts/compile_messages.py"], env)
    run([PY, "manage.py", "migrate", "--noinput", "-v0"], env)
    run([PY, "manage.py", "seed_demo", "--responses", "0"], env)


@dataclass
class Server:
    process: subprocess.Popen
    port: int

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_gunicorn(
    env: dict[str, str], settings: str, workers: int, name: str, threads: int = 1
) -> Server:
    port = free_port()
    env = {**env, "DJANGO_SETTINGS_MODULE": settings}
    OUT.mkdir(parents=True, exist_ok=True)
    log = (OUT / f"gunicorn-{name}.log").open("w")
    process = subprocess.Popen(
        [
            GUNICORN,
            "kbnn_survey.wsgi",
            "-w",
            str(workers),
            "--threads",
            str(threads),
            "-b",
            f"127.0.0.1:{port}",
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=log,
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return Server(process, port)
        except OSError:
            time.sleep(0.2)
    process.kill()
    raise SystemExit(f"gunicorn ({name}) did not start; see {log.name}")


@dataclass
class Tally:
    fills: list[float] = field(default_factory=list)
    # Latency of each request of a fill: the form, the POST, the thank-you page.
    steps: dict[str, list[float]] = field(
        default_factory=lambda: {"GET": [], "POST": [], "thanks": []}
    )
    created: int = 0
    errors: dict[str, int] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def error(self, what: str) -> None:
        with self.lock:
            self.errors[what] = self.errors.get(what, 0) + 1


def request(port: int, method: str, path: str, body: str = "", cookie: str = "", extra=None):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    headers = {"Host": "127.0.0.1", "Accept-Language": "vi", **(extra or {})}
    if cookie:
        headers["Cookie"] = cookie
    if body:
        headers["Content-Type"] = "application/x-www-form-urlencoded"
        headers["Referer"] = f"http://127.0.0.1:{port}{path}"
    conn.request(method, path, body=body.encode(), headers=headers)
    reply = conn.getresponse()
    data = reply.read()
    conn.close()
    return reply.status, reply.getheader("Location", ""), reply.getheader("Set-Cookie", ""), data


def answers(rng: random.Random, key: str, csrf: str, group: str) -> dict[str, str]:
    body = {"csrfmiddlewaretoken": csrf, "idempotency_key": key, "respondent_group": group}
    for code in QUESTION_CODES:
        body[f"q_{code}"] = str(rng.choice([5, 5, 5, 4, 4, 3]))
    body["comment"] = rng.choice(COMMENTS)
    return body


def customer(port, prefix, units, groups, stop_at, tally: Tally, seed: int) -> None:
    rng = random.Random(seed)
    while time.monotonic() < stop_at:
        unit = rng.choice(units)
        path = f"{prefix}/s/{SLUG}/{unit}/"
        times = []
        try:
            clock = time.perf_counter()
            status, _, set_cookie, page = request(port, "GET", path)
            times.append(time.perf_counter() - clock)
            text = page.decode()
            csrf = CSRF_INPUT.search(text)
            key = KEY_INPUT.search(text)
            cookie = set_cookie.split(";", 1)[0]
            if status != 200 or not csrf or not key or not cookie:
                tally.error(f"GET {status}")
                continue
            posted = answers(rng, key.group(1), csrf.group(1), rng.choice(groups))
            if rendered := RENDERED_INPUT.search(text):  # as a browser posts it back
                posted["t"] = rendered.group(1)
            body = urllib.parse.urlencode(posted)
            clock = time.perf_counter()
            status, location, _, _ = request(port, "POST", path, body, cookie)
            times.append(time.perf_counter() - clock)
            if status != 302 or "thanks" not in location and "cam-on" not in location:
                tally.error(f"POST {status}")
                continue
            with tally.lock:
                tally.created += 1
            clock = time.perf_counter()
            target = urllib.parse.urlsplit(location)
            thanks = f"{target.path}?{target.query}" if target.query else target.path
            status, _, _, _ = request(port, "GET", thanks, cookie=cookie)  # as a browser does
            times.append(time.perf_counter() - clock)
            if status != 200:
                tally.error(f"thanks {status}")
                continue
        except OSError as exc:
            tally.error(type(exc).__name__)
            continue
        with tally.lock:
            tally.fills.append(sum(times))
            for step, seconds in zip(tally.steps.values(), times, strict=True):
                step.append(seconds)


KIOSK_COOKIE = re.compile(r"(kbnn_kiosk=[^;]+)")
CSRF_COOKIE = re.compile(r"(csrftoken=[^;]+)")
KIOSK_HEADERS = {"X-KBNN-Kiosk": "1"}


def kiosks_enrol(env: dict[str, str], port: int, n: int) -> list[str]:
    """n kiosks of the demo round enrolled through their one-time addresses: their cookies."""
    code = (
        "from kiosk.services import kiosk_create\n"
        "from surveys.models import Campaign\n"
        "c = Campaign.objects.get(slug='demo')\n"
        "units = list(c.units.order_by('code'))\n"
        f"for i in range({n}):\n"
        "    print(kiosk_create(campaign=c, unit=units[i % len(units)], label=f'bench {i}').path)"
    )
    out = subprocess.run(
        [PY, "manage.py", "shell", "-c", code],
        cwd=ROOT,
        env={**env, "DJANGO_SETTINGS_MODULE": "bench.server_settings"},
        check=True,
        capture_output=True,
        text=True,
    )
    cookies = []
    for path in [p for p in out.stdout.split() if p.startswith("/kiosk/enrol/")]:
        status, _, set_cookie, page = request(port, "GET", path)
        if status != 200 or not CSRF_COOKIE.search(set_cookie):
            raise SystemExit(f"kiosk enrolment page: {status} {set_cookie!r} {page[:200]!r}")
        csrf_cookie = CSRF_COOKIE.search(set_cookie).group(1)
        body = urllib.parse.urlencode(
            {"csrfmiddlewaretoken": CSRF_INPUT.search(page.decode()).group(1)}
        )
        status, _, set_cookie, _ = request(port, "POST", path, body, csrf_cookie)
        if status != 302:
            raise SystemExit(f"kiosk enrolment refused: {status}")
        cookies.append(KIOSK_COOKIE.search(set_cookie).group(1))
    return cookies


def kiosk_customer(port, cookie, groups, stop_at, tally: Tally, seed: int) -> None:
    rng = random.Random(seed)
    while time.monotonic() < stop_at:
        times = []
        try:
            clock = time.perf_counter()
            status, _, _, data = request(
                port, "GET", "/kiosk/form-token/", cookie=cookie, extra=KIOSK_HEADERS
            )
            times.append(time.perf_counter() - clock)
            if status != 200:
                tally.error(f"token {status}")
                continue
            body = answers(rng, str(uuid.uuid4()), "", rng.choice(groups))
            del body["csrfmiddlewaretoken"]
            body["t"] = json.loads(data)["t"]
            clock = time.perf_counter()
            status, _, _, data = request(
                port, "POST", "/kiosk/answer/", urllib.parse.urlencode(body), cookie, KIOSK_HEADERS
            )
            times.append(time.perf_counter() - clock)
            if status != 200 or not json.loads(data).get("ok"):
                tally.error(f"POST {status}")
                continue
            with tally.lock:
                tally.created += 1
        except OSError as exc:
            tally.error(type(exc).__name__)
            continue
        times.append(0.0)  # the thank-you screen is drawn on the tablet
        with tally.lock:
            tally.fills.append(sum(times))
            for step, seconds in zip(tally.steps.values(), times, strict=True):
                step.append(seconds)


def kiosk_load(port, cookies, groups, env, tally: Tally, seconds: float) -> tuple[int, float]:
    before = stored_responses(env)
    stop_at = time.monotonic() + seconds
    threads = [
        threading.Thread(
            target=kiosk_customer,
            args=(port, cookie, groups, stop_at, tally, random.randrange(1 << 30)),
        )
        for cookie in cookies
    ]
    started = time.monotonic()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return stored_responses(env) - before, time.monotonic() - started


def stored_responses(env: dict[str, str]) -> int:
    sql = "SELECT count(*) FROM surveys_response"
    out = subprocess.run(
        ["psql", "-h", "127.0.0.1", "-U", "postgres", "-tAc", sql, DB_NAME],
        check=True,
        capture_output=True,
        text=True,
        env=env,
    )
    return int(out.stdout.strip())


def load(port, prefix, args, units, groups, env, tally: Tally, seconds: float) -> tuple[int, float]:
    """One round of `seconds` with every customer; returns (responses stored, elapsed)."""
    before = stored_responses(env)
    stop_at = time.monotonic() + seconds
    threads = [
        threading.Thread(
            target=customer,
            args=(port, prefix, units, groups, stop_at, tally, random.randrange(1 << 30)),
        )
        for _ in range(args.customers)
    ]
    started = time.monotonic()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return stored_responses(env) - before, time.monotonic() - started


def percentile(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def report(name: str, tally: Tally, stored: int, elapsed: float) -> float:
    rate = len(tally.fills) / elapsed
    print(
        f"{name:6} fills/s {rate:8.1f}  fills {len(tally.fills):6d}  "
        f"fill p50 {percentile(tally.fills, 50) * 1000:7.1f} ms  "
        f"p99 {percentile(tally.fills, 99) * 1000:7.1f} ms  "
        f"POST p50 {percentile(tally.steps['POST'], 50) * 1000:6.1f} ms  "
        f"p99 {percentile(tally.steps['POST'], 99) * 1000:6.1f} ms  "
        f"errors {sum(tally.errors.values())} {tally.errors or ''}"
    )
    lost = tally.created - stored
    print(
        f"{name:6} successful POSTs {tally.created}, responses stored {stored}: "
        f"{'OK' if lost == 0 else f'MISMATCH ({lost:+d})'}"
    )
    return rate


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--customers", type=int, default=16)
    parser.add_argument("--duration", type=float, default=40.0, help="seconds per side")
    parser.add_argument("--warmup", type=float, default=3.0)
    parser.add_argument("--alone", type=float, default=6.0, help="seconds of one customer alone")
    parser.add_argument(
        "--rounds",
        type=int,
        default=8,
        help="alternating rounds per side (this machine's speed drifts within a minute)",
    )
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument(
        "--threads", type=int, default=1, help="threads per worker (>1: gthread workers)"
    )
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/3")
    parser.add_argument("--skip-setup", action="store_true", help="reuse the bench database")
    parser.add_argument(
        "--kiosk", action="store_true", help="also enrolled kiosks against the same server"
    )
    args = parser.parse_args()

    env = server_env(args)
    if not args.skip_setup:
        prepare_database(env)
    # The open round's units, as seed_demo made them (since the demo's reorganisation the
    # district treasuries have ended and are not surveyed: their survey answers 404).
    units = psql_lines(
        "SELECT u.code FROM surveys_unit u JOIN surveys_campaign_units cu ON cu.unit_id = u.id "
        f"JOIN surveys_campaign c ON c.id = cu.campaign_id WHERE c.slug = '{SLUG}' ORDER BY u.code"
    )
    groups = psql_lines("SELECT id FROM surveys_respondentgroup WHERE is_active")
    print(
        f"bench/submit.py: {args.customers} concurrent customers, {args.duration:.0f} s per side "
        f"in {args.rounds} alternating rounds, "
        f"gunicorn -w {args.workers} "
        f"({'sync' if args.threads == 1 else f'gthread x{args.threads}'}), "
        f"PostgreSQL {DB_NAME}, cache {args.redis_url}"
    )
    targets = {"ours": ("bench.server_settings", ""), "floor": ("bench.floor_settings", "/floor")}
    servers = {
        name: start_gunicorn(env, settings, args.workers, name, args.threads)
        for name, (settings, _) in targets.items()
    }
    tallies = {name: Tally() for name in [*targets, "kiosk"]}
    stored = dict.fromkeys([*targets, "kiosk"], 0)
    kiosk_elapsed = 0.0
    cookies = kiosks_enrol(env, servers["ours"].port, args.customers) if args.kiosk else []
    round_ratios: list[float] = []
    elapsed = dict.fromkeys(targets, 0.0)
    try:
        for name, (_, prefix) in targets.items():  # warm-up: code, templates, connections
            customer(
                servers[name].port,
                prefix,
                units,
                groups,
                time.monotonic() + args.warmup,
                Tally(),
                seed=0,
            )
        # Alternate short rounds so that load from other processes on the machine falls on
        # both sides alike; the idle server waits on its socket and costs nothing meanwhile.
        for _ in range(args.rounds):
            rates = {}
            for name, (_, prefix) in targets.items():
                fills_before = len(tallies[name].fills)
                n, seconds = load(
                    servers[name].port,
                    prefix,
                    args,
                    units,
                    groups,
                    env,
                    tallies[name],
                    args.duration / args.rounds,
                )
                stored[name] += n
                elapsed[name] += seconds
                rates[name] = (len(tallies[name].fills) - fills_before) / seconds
            round_ratios.append(rates["ours"] / rates["floor"] if rates["floor"] else float("nan"))
            if cookies:
                n, seconds = kiosk_load(
                    servers["ours"].port,
                    cookies,
                    groups,
                    env,
                    tallies["kiosk"],
                    args.duration / args.rounds,
                )
                stored["kiosk"] += n
                kiosk_elapsed += seconds
        # One customer alone: where a fill's time goes, without queueing.
        alone = {name: Tally() for name in targets}
        for _ in range(args.rounds):
            for name, (_, prefix) in targets.items():
                customer(
                    servers[name].port,
                    prefix,
                    units,
                    groups,
                    time.monotonic() + args.alone / args.rounds,
                    alone[name],
                    seed=7,
                )
    finally:
        for server in servers.values():
            server.stop()
    results = {}
    ok = True
    for name in targets:
        results[name] = report(name, tallies[name], stored[name], elapsed[name])
        ok = ok and not tallies[name].errors and stored[name] == tallies[name].created
    for name, tally in alone.items():
        print(
            f"{name:6} one customer alone, p50: "
            + "  ".join(f"{k} {percentile(v, 50) * 1000:.1f} ms" for k, v in tally.steps.items())
            + f"  fill {percentile(tally.fills, 50) * 1000:.1f} ms"
        )
    if cookies:
        kiosk_rate = report("kiosk", tallies["kiosk"], stored["kiosk"], kiosk_elapsed)
        ok = ok and not tallies["kiosk"].errors and stored["kiosk"] == tallies["kiosk"].created
        print(
            f"kiosk answers/s {kiosk_rate:.1f} against web fills/s {results['ours']:.1f} "
            f"(kiosk/web {kiosk_rate / results['ours']:.2f}; a kiosk answer is 2 requests, "
            "a web fill 3)"
        )
    ratio = results["ours"] / results["floor"] if results["floor"] else float("nan")
    print("ours/floor per round: " + " ".join(f"{r:.2f}" for r in round_ratios))
    print(f"ours/floor {ratio:.2f} (target >= 0.80)")
    return 0 if ok and ratio >= 0.8 else 1


if __name__ == "__main__":
    sys.exit(main())
