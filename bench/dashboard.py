"""Benchmark of /dashboard/ and /dashboard/quota/ with 1,000,000 responses on PostgreSQL.

    .venv/bin/python bench/dashboard.py [--responses 1000000] [--db kbnn_bench_dash] [--reload]

Loads the responses (11 answers each) with COPY into its own database (kept between runs; a
run finding the responses already there skips the load, --reload starts over). The count
triggers run during the COPY, one upsert per COPY statement. Then it requests each page through
Django's test client (the whole stack: middleware, session, template) as a leadership user and as
a unit manager, and prints p50 and p99. For scale it also times the report's raw-answer cube and
one stuffing-signal computation (a background job, not on the page).
"""

from __future__ import annotations

import argparse
import datetime
import io
import os
import random
import statistics
import subprocess
import sys
import time
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SCORES = ["1", "2", "3", "4", "5", r"\N"]
WEIGHTS = [1, 2, 5, 40, 50, 2]
CHANNELS = ["web", "qr", "portal", "email", "paper"]
CHANNEL_WEIGHTS = [40, 25, 10, 10, 15]
CHUNK = 100_000
SLUG = "bench-dash"
TARGETS_MS = {"dashboard": 300, "quota": 100}


def django_setup(db_url: str) -> None:
    os.environ["DATABASE_URL"] = db_url
    os.environ["DJANGO_SETTINGS_MODULE"] = "kbnn_survey.settings.test"
    os.environ.pop("REDIS_URL", None)
    sys.path.insert(0, str(ROOT))
    # Static files are served by whitenoise from static/; no collectstatic for a benchmark.
    warnings.filterwarnings("ignore", message="No directory at")
    import django

    django.setup()


def ensure_database(name: str) -> None:
    exists = subprocess.run(
        [
            "psql",
            "-h",
            "127.0.0.1",
            "-U",
            "postgres",
            "-tAc",
            f"SELECT 1 FROM pg_database WHERE datname='{name}'",
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    if not exists:
        subprocess.run(["createdb", "-h", "127.0.0.1", "-U", "postgres", name], check=True)


def seed(today: datetime.date):
    """Units, groups, questionnaire, two earlier rounds (trend), the bench campaign and users."""
    from django.contrib.auth.models import Group, User

    from demo.seeding import units_ensure
    from surveys import roles
    from surveys.defaults import default_questionnaire_ensure, respondent_groups_ensure
    from surveys.models import Campaign, CampaignStatus, Form, Quota, StaffProfile

    units = units_ensure()
    respondent_groups_ensure()
    questionnaire = default_questionnaire_ensure()
    campaigns = []
    for offset, (slug, status) in enumerate(
        [
            ("bench-2024", CampaignStatus.CLOSED),
            ("bench-2025", CampaignStatus.CLOSED),
            (SLUG, CampaignStatus.OPEN),
        ]
    ):
        year = today.year - 2 + offset
        opens = today - datetime.timedelta(days=45) if slug == SLUG else datetime.date(year, 3, 1)
        closes = today + datetime.timedelta(days=15) if slug == SLUG else datetime.date(year, 5, 1)
        campaign, _ = Campaign.objects.get_or_create(
            slug=slug,
            defaults=dict(
                name=f"Bench {year}",
                year=year,
                round=9,
                opens_on=opens,
                closes_on=closes,
                status=status,
                questionnaire=questionnaire,
            ),
        )
        campaign.units.set(units)
        for unit in units:
            for form, minimum in ((Form.ONLINE, 50_000), (Form.DIRECT, 30_000)):
                Quota.objects.get_or_create(
                    campaign=campaign, unit=unit, form=form, defaults={"minimum": minimum}
                )
        campaigns.append(campaign)
    users = {}
    top = units[0]
    while top.parent_id is not None:  # leadership sees its root's subtree (surveys.scope)
        top = top.parent
    for username, role, unit in (
        ("bench.lead", roles.LEADERSHIP, top),
        ("bench.manager", roles.UNIT_MANAGER, units[1]),
    ):
        user, created = User.objects.get_or_create(username=username)
        if created:
            user.groups.add(Group.objects.get(name=role))
        StaffProfile.objects.update_or_create(user=user, defaults={"unit": unit})
        users[username] = user
    return campaigns, units, users


def copy_responses(campaign, units, count: int, start_id: int, share_days: int, seed_: int) -> None:
    """COPY `count` responses and their answers, CHUNK responses per COPY statement."""
    from django.db import connection

    from surveys.models import RespondentGroup

    rng = random.Random(seed_)
    questions = list(campaign.questionnaire.questions.values_list("pk", flat=True))
    groups = list(RespondentGroup.objects.values_list("pk", flat=True))
    unit_ids = [u.pk for u in units]
    # A pool of answer vectors: generating 11 million scores one by one is the slow part.
    pool = [
        "".join(f"{{rid}}\t{qid}\t{rng.choices(SCORES, WEIGHTS)[0]}\n" for qid in questions)
        for _ in range(5000)
    ]
    pool = [p.replace("{rid}", "%(rid)d") for p in pool]
    base = datetime.datetime.combine(campaign.opens_on, datetime.time(8), datetime.UTC)
    span = share_days * 86400
    rid = start_id
    done = 0
    with connection.cursor() as cursor:
        raw = cursor.cursor
        while done < count:
            n = min(CHUNK, count - done)
            responses, answers = io.StringIO(), io.StringIO()
            for _ in range(n):
                rid += 1
                when = base + datetime.timedelta(seconds=rng.randrange(span))
                channel = rng.choices(CHANNELS, CHANNEL_WEIGHTS)[0]
                responses.write(
                    f"{rid}\t{campaign.pk}\t{rng.choice(unit_ids)}\t{rng.choice(groups)}\t"
                    f"{channel}\t{when.isoformat()}\t{when.date().isoformat()}\t\t\t\n"
                )
                answers.write(rng.choice(pool) % {"rid": rid})
            responses.seek(0)
            answers.seek(0)
            raw.copy_expert(
                "COPY surveys_response (id, campaign_id, unit_id, respondent_group_id, channel,"
                " submitted_at, answered_on, comment, comment_triage, batch) FROM STDIN",
                responses,
            )
            raw.copy_expert(
                "COPY surveys_answer (response_id, question_id, score) FROM STDIN", answers
            )
            connection.commit() if not connection.get_autocommit() else None
            done += n
            print(f"  loaded {done:,} responses of campaign {campaign.slug}", flush=True)
        cursor.execute(
            "SELECT setval(pg_get_serial_sequence('surveys_response', 'id'),"
            " (SELECT max(id) FROM surveys_response))"
        )


def load(count: int, reload: bool) -> None:
    from django.core.management import call_command
    from django.db import connection

    from surveys.models import Response

    if reload:
        with connection.cursor() as cursor:
            cursor.execute("DROP SCHEMA public CASCADE; CREATE SCHEMA public;")
    call_command("migrate", verbosity=0)
    today = datetime.date.today()
    campaigns, units, users = seed(today)
    current = campaigns[-1]
    have = Response.objects.filter(campaign=current).count()
    if have >= count:
        print(f"database already holds {have:,} responses of {SLUG}: load skipped")
        return
    if have:
        raise SystemExit("partial load found: run again with --reload")
    started = time.perf_counter()
    last = Response.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    # Two small earlier rounds for the trend, then the million.
    for i, campaign in enumerate(campaigns[:-1]):
        copy_responses(campaign, units, 20_000, last, 60, seed_=i)
        last += 20_000
    copy_responses(current, units, count, last, 45, seed_=2026)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    print(f"load: {time.perf_counter() - started:.1f} s (COPY, count triggers included)")


def timed(client, url: str, runs: int) -> list[float]:
    for _ in range(3):  # warm-up: connection, templates, translations
        assert client.get(url).status_code == 200
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        response = client.get(url)
        times.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, response.status_code
    return times


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


PLANTED = "[bench] planted"


def plant_stuffing(campaign) -> dict[str, set[int]]:
    """Add a few stuffed slices to the million (once): a QR burst, a run of identical forms,
    a day of all-5 forms, paper forms keyed by the rated unit's own manager."""
    from django.contrib.auth.models import User

    from dashboard.models import SignalKind
    from surveys.models import Answer, Channel, RespondentGroup, Response

    units = list(campaign.units.order_by("sort_order", "code"))
    manager = User.objects.get(username="bench.manager")
    own_unit = manager.staff_profile.unit
    group = RespondentGroup.objects.order_by("pk").first()
    questions = list(campaign.questionnaire.questions.values_list("pk", flat=True))
    day = campaign.opens_on + datetime.timedelta(days=3)
    noon = datetime.datetime.combine(day, datetime.time(5), datetime.UTC)
    plan = {
        SignalKind.QR_BURST: [
            (units[0], Channel.QR, noon + datetime.timedelta(seconds=6 * i), 3 + i % 3)
            for i in range(80)
        ],
        SignalKind.SAME_VECTOR: [
            (units[3], Channel.WEB, noon + datetime.timedelta(milliseconds=50 * i), 4)
            for i in range(8)
        ],
        SignalKind.ALL_FIVE: [
            (units[4], Channel.WEB, noon + datetime.timedelta(seconds=20 * i), 5)
            for i in range(1500)
        ],
        SignalKind.OWN_STAFF: [
            (own_unit, Channel.PAPER, noon + datetime.timedelta(minutes=i), 3 + i % 3)
            for i in range(10)
        ],
    }
    existing = Response.objects.filter(campaign=campaign, comment=PLANTED)
    if not existing.exists():
        for kind, rows in plan.items():
            responses = Response.objects.bulk_create(
                Response(
                    campaign=campaign,
                    unit=unit,
                    respondent_group=group,
                    channel=channel,
                    submitted_at=when,
                    answered_on=when.date(),
                    comment=PLANTED,
                    comment_triage="new",
                    keyed_by=manager if kind == SignalKind.OWN_STAFF else None,
                )
                for unit, channel, when, _score in rows
            )
            Answer.objects.bulk_create(
                Answer(
                    response=r,
                    question_id=qid,
                    score=score
                    if qid != questions[0] or kind != SignalKind.QR_BURST
                    else 1 + i % 5,
                )
                for i, (r, (_u, _c, _w, score)) in enumerate(zip(responses, rows, strict=True))
                for qid in questions
            )
    planted: dict[str, set[int]] = {}
    for kind, rows in plan.items():
        units_of = {unit.pk for unit, *_ in rows}
        channel = rows[0][1]
        planted[kind] = set(
            existing.filter(unit_id__in=units_of, channel=channel)
            .filter(keyed_by__isnull=kind != SignalKind.OWN_STAFF)
            .filter(submitted_at__gte=rows[0][2], submitted_at__lte=rows[-1][2])
            .values_list("pk", flat=True)
        )
    return planted


def measure(runs: int) -> bool:
    from django.contrib.auth.models import User
    from django.test import Client
    from django.test.utils import setup_test_environment

    from dashboard.models import StuffingSignal
    from dashboard.stuffing import signals_refresh
    from reports.selectors import answer_cube
    from surveys.models import Campaign, Response

    setup_test_environment()
    campaign = Campaign.objects.get(slug=SLUG)
    print(f"responses in {SLUG}: {Response.objects.filter(campaign=campaign).count():,}")
    ok = True
    for username in ("bench.lead", "bench.manager"):
        client = Client()
        client.force_login(User.objects.get(username=username))
        for page, url in (
            ("dashboard", f"/dashboard/?campaign={SLUG}"),
            ("quota", f"/dashboard/quota/?campaign={SLUG}"),
        ):
            times = timed(client, url, runs)
            p50, p99 = statistics.median(times), percentile(times, 99)
            verdict = "OK" if p50 < TARGETS_MS[page] else "MISSED"
            ok &= p50 < TARGETS_MS[page]
            print(
                f"{page:9} as {username:13}: p50 {p50:7.1f} ms  p99 {p99:7.1f} ms  "
                f"(n={runs}, target p50 < {TARGETS_MS[page]} ms: {verdict})"
            )
    started = time.perf_counter()
    rows = answer_cube(campaign=campaign)
    print(
        f"for scale: the report's raw-answer cube (GROUP BY over the answers) "
        f"{time.perf_counter() - started:.2f} s, {len(rows)} cells"
    )
    planted = plant_stuffing(campaign)
    started = time.perf_counter()
    signals_refresh(campaign=campaign)
    seconds = time.perf_counter() - started
    stored = StuffingSignal.objects.filter(campaign=campaign)
    flagged = {
        kind: set(
            StuffingSignal.responses.through.objects.filter(
                stuffingsignal__in=stored.filter(kind=kind)
            ).values_list("response_id", flat=True)
        )
        for kind in planted
    }
    found = ", ".join(
        f"{kind} {len(ids & flagged[kind])}/{len(ids)}" for kind, ids in planted.items()
    )
    print(
        f"stuffing signals (background job, not on the page): {seconds:.1f} s over "
        f"{Response.objects.filter(campaign=campaign).count():,} responses, "
        f"{stored.count()} signals; planted responses flagged: {found}"
    )
    return ok


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--responses", type=int, default=1_000_000)
    parser.add_argument("--db", default="kbnn_bench_dash")
    parser.add_argument("--runs", type=int, default=50)
    parser.add_argument("--reload", action="store_true")
    parser.add_argument("--skip-signals", action="store_true")
    args = parser.parse_args()
    ensure_database(args.db)
    django_setup(f"postgres://postgres@127.0.0.1:5432/{args.db}")
    load(args.responses, args.reload)
    sys.exit(0 if measure(args.runs) else 1)


if __name__ == "__main__":
    main()
