"""Benchmark of what the counting triggers cost a submit, on PostgreSQL.

    .venv/bin/python bench/triggers.py [--submits 2000] [--threads 4] [--db kbnn_bench_triggers]

A submit's writes in SQL, as the survey does them: one INSERT of a response, one INSERT of its
eleven answers, COMMIT; `--threads` connections at once. Each row of the table is one setting of
the triggers, in the same fresh database and the same run:
  - none: the triggers dropped (the floor);
  - finest only: one upsert per statement, into AnswerCount and ResponseCount, as before the
    coarser counts (dashboard migration 0008);
  - all: what dashboard.triggers installs now (AnswerCount, UnitAnswerCount; ResponseCount,
    DayCount).
Twice each: the submits spread over 20 units, and all on one unit (the counter rows that every
submit then locks are the same).
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable


def django_setup(db_url: str) -> None:
    os.environ["DATABASE_URL"] = db_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kbnn_survey.settings.local")
    os.environ.pop("REDIS_URL", None)
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def trigger_settings() -> dict[str, list[str]]:
    from dashboard import triggers

    finest = triggers.create_sql(
        triggers.FINEST_ANSWERS,
        {"dashboard_responsecount": triggers.RESPONSE_TABLES["dashboard_responsecount"]},
    )
    return {"none": triggers.drop_sql(), "finest only": finest, "all": triggers.create_sql()}


def seed() -> tuple[int, list[int], list[int], int]:
    from surveys.defaults import default_questionnaire_ensure, respondent_groups_ensure
    from surveys.models import Campaign, CampaignStatus, Unit

    questionnaire = default_questionnaire_ensure()
    respondent_groups_ensure()
    units = Unit.objects.bulk_create(Unit(code=f"T{i:02d}", name=f"Đơn vị {i}") for i in range(20))
    import datetime

    campaign = Campaign.objects.create(
        slug="bench-triggers", name="Bench", year=2026, round=1, status=CampaignStatus.OPEN,
        opens_on=datetime.date(2026, 1, 1), closes_on=datetime.date(2026, 12, 31),
        questionnaire=questionnaire,
    )  # fmt: skip
    questions = list(questionnaire.questions.values_list("pk", flat=True))
    from surveys.models import RespondentGroup

    group = RespondentGroup.objects.order_by("pk").first().pk
    return campaign.pk, [u.pk for u in units], questions, group


def run(db_url: str, campaign: int, units: list[int], questions: list[int], group: int,
        submits: int, threads: int) -> list[float]:  # fmt: skip
    import psycopg2

    latencies: list[float] = []
    lock = threading.Lock()
    per_thread = submits // threads

    def worker(offset: int) -> None:
        conn = psycopg2.connect(db_url)
        cur = conn.cursor()
        mine = []
        for i in range(per_thread):
            unit = units[(offset + i) % len(units)]
            started = time.perf_counter()
            cur.execute(
                "INSERT INTO surveys_response (campaign_id, unit_id, respondent_group_id, channel,"
                " submitted_at, answered_on, comment, comment_triage, batch)"
                " VALUES (%s, %s, %s, 'web', now(), current_date, '', '', '') RETURNING id",
                [campaign, unit, group],
            )
            (rid,) = cur.fetchone()
            cur.execute(
                "INSERT INTO surveys_answer (response_id, question_id, score)"
                " SELECT %s, q, 1 + (q %% 5) FROM unnest(%s::bigint[]) AS q",
                [rid, questions],
            )
            conn.commit()
            mine.append(time.perf_counter() - started)
        conn.close()
        with lock:
            latencies.extend(mine)

    pool = [threading.Thread(target=worker, args=(k * 7,)) for k in range(threads)]
    for t in pool:
        t.start()
    for t in pool:
        t.join()
    return latencies


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--submits", type=int, default=2000)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--db", default="kbnn_bench_triggers")
    parser.add_argument("--host", default="127.0.0.1")
    args = parser.parse_args()
    db_url = f"postgres://postgres@{args.host}:5432/{args.db}"
    env = {**os.environ, "DATABASE_URL": db_url, "KBNN_PROFILE": "local", "LOG_LEVEL": "WARNING"}
    env.pop("REDIS_URL", None)
    pg = ["-h", args.host, "-U", "postgres"]
    subprocess.run(["dropdb", *pg, "--if-exists", args.db], check=True)
    subprocess.run(["createdb", *pg, args.db], check=True)
    subprocess.run([PY, "manage.py", "migrate", "-v0"], cwd=ROOT, env=env, check=True)
    django_setup(db_url)
    from django.db import connection

    campaign, units, questions, group = seed()
    settings = trigger_settings()
    print(f"{args.submits} submits (1 response + {len(questions)} answers, one transaction each),"
          f" {args.threads} connections")  # fmt: skip
    for spread, chosen in (("20 units", units), ("one unit", units[:1])):
        for name, statements in settings.items():
            with connection.cursor() as cursor:
                for statement in statements:
                    cursor.execute(statement)
            started = time.perf_counter()
            lat = run(db_url, campaign, chosen, questions, group, args.submits, args.threads)
            seconds = time.perf_counter() - started
            lat.sort()
            print(f"  {spread:<9} {name:<12} {len(lat) / seconds:7.0f} submits/s  "
                  f"p50 {statistics.median(lat) * 1000:5.2f} ms  "
                  f"p99 {lat[int(len(lat) * 0.99) - 1] * 1000:5.2f} ms")  # fmt: skip
    with connection.cursor() as cursor:  # leave the triggers as migrations made them
        for statement in settings["all"]:
            cursor.execute(statement)


if __name__ == "__main__":
    main()
