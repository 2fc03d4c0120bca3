"""Benchmark of the year's report and the year's dashboard over two regions, three years and a
reorganisation, on PostgreSQL (issue 12, "Scale and speed").

    .venv/bin/python bench/years.py [--responses 1000000] [--db kbnn_i12a_bench] [--reuse]

Data (generated in SQL, INSERT … SELECT generate_series, so it loads fast): two regions of
about 300 units each (~600 units). Region KV1: 150 departments, 100 district treasuries that
end on 14/3/2025 and merge two by two into 50 transaction offices from 15/3/2025. Region KV2:
299 stable units. Each region has two rounds in 2024, two in 2025 (round 1 runs across the
reorganisation) and one in 2026. KV1's 2026 round is as large as its whole 2025 year: the
"single round of the same size". Responses are spread over the rounds in these shares (of
`--responses`): KV1 2024: 10% + 10%, KV1 2025: 10% + 10%, KV1 2026: 20%, KV2: 8% each.

Measured, each in a fresh process that reports its own peak memory (VmHWM):
  - the year workbook of KV1 for 2025 (`compile_report --year 2025 --root KV1`), every sheet
    but `Dữ liệu`, against KV1's 2026 round of the same size (the issue: within 1.5×);
  - /dashboard/ and /dashboard/quota/ for the year and for a round, as leadership and as a
    regional manager (p50, p99 over `--runs` requests through Django's test client).
Logged in as real users scoped by surveys.scope: KV1's leadership and KV1's manager (each sees
KV1's subtree), and a superuser (both regions).
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from bench.report import peak_mb, run_measured  # noqa: E402  (one measuring of a child)

PY = sys.executable
D = datetime.date
REORGANISED_ON = D(2025, 3, 15)
SHARES = {  # (region, year, round) -> share of --responses
    ("KV1", 2024, 1): 0.10, ("KV1", 2024, 2): 0.10, ("KV1", 2025, 1): 0.10,
    ("KV1", 2025, 2): 0.10, ("KV1", 2026, 1): 0.20,
    ("KV2", 2024, 1): 0.08, ("KV2", 2024, 2): 0.08, ("KV2", 2025, 1): 0.08,
    ("KV2", 2025, 2): 0.08, ("KV2", 2026, 1): 0.08,
}  # fmt: skip
PERIODS = {
    (2024, 1): (D(2024, 1, 1), D(2024, 6, 30)), (2024, 2): (D(2024, 7, 1), D(2024, 12, 31)),
    (2025, 1): (D(2025, 1, 1), D(2025, 6, 30)), (2025, 2): (D(2025, 7, 1), D(2025, 12, 31)),
    (2026, 1): (D(2026, 1, 1), D(2026, 6, 30)),
}  # fmt: skip


def django_setup(db_url: str, settings: str = "kbnn_survey.settings.local") -> None:
    os.environ["DATABASE_URL"] = db_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", settings)
    os.environ.pop("REDIS_URL", None)
    sys.path.insert(0, str(ROOT))
    import warnings

    warnings.filterwarnings("ignore", message="No directory at")
    import django

    django.setup()


# ---------------------------------------------------------------- data (SQL)


def seed() -> dict:
    from organisation.models import YearlyPlan, YearlyPlanUnit
    from surveys.defaults import default_questionnaire_ensure, respondent_groups_ensure
    from surveys.models import Campaign, CampaignStatus, Form, Quota, Unit, UnitKind

    questionnaire = default_questionnaire_ensure()
    respondent_groups_ensure()
    kv1 = Unit.objects.create(code="KV1", name="KBNN khu vực thử 1", kind=UnitKind.REGIONAL)
    kv2 = Unit.objects.create(code="KV2", name="KBNN khu vực thử 2", kind=UnitKind.REGIONAL)
    ends = REORGANISED_ON - datetime.timedelta(days=1)
    Unit.objects.bulk_create(
        [Unit(code=f"K1-{i:03d}", name=f"Phòng thử {i}", parent=kv1, sort_order=i,
              kind=UnitKind.DEPARTMENT) for i in range(150)]
        + [Unit(code=f"O{i:03d}", name=f"Phòng Giao dịch thử {i}", parent=kv1, sort_order=200 + i,
                kind=UnitKind.OFFICE, valid_from=REORGANISED_ON) for i in range(50)]
        + [Unit(code=f"K2-{i:03d}", name=f"Đơn vị khu vực 2 số {i}", parent=kv2, sort_order=i,
                kind=UnitKind.DEPARTMENT) for i in range(299)]
    )  # fmt: skip
    offices = {u.code: u for u in Unit.objects.filter(code__startswith="O")}
    Unit.objects.bulk_create(
        Unit(code=f"D{i:03d}", name=f"KBNN huyện thử {i}", parent=kv1, sort_order=100 + i,
             kind=UnitKind.DISTRICT, valid_to=ends, successor=offices[f"O{i // 2:03d}"])
        for i in range(100)
    )  # fmt: skip
    roots = {"KV1": kv1, "KV2": kv2}
    campaigns = {}
    for region, year, number in SHARES:
        opens, closes = PERIODS[(year, number)]
        root = roots[region]
        campaign = Campaign.objects.create(
            slug=f"{region.lower()}-{year}-{number}", name=f"Đợt {number} năm {year} ({region})",
            year=year, round=number, opens_on=opens, closes_on=closes, root=root,
            status=CampaignStatus.CLOSED, questionnaire=questionnaire,
        )  # fmt: skip
        units = Unit.objects.filter(parent=root).valid_between(opens, closes)
        campaign.units.set(units)
        Quota.objects.bulk_create(
            Quota(campaign=campaign, unit=u, form=f, minimum=100)
            for u in units
            for f in Form.values
        )
        campaigns[(region, year, number)] = campaign
    year_2025 = (D(2025, 1, 1), D(2025, 12, 31))
    for root in roots.values():
        for form in Form.values:
            plan = YearlyPlan.objects.create(root=root, year=2025, form=form, participation=50_000)
            units = Unit.objects.filter(parent=root).valid_between(*year_2025)
            YearlyPlanUnit.objects.bulk_create(
                YearlyPlanUnit(plan=plan, unit=u, minimum=150) for u in units
            )
    return campaigns


def _insert(cursor, campaign, unit_ids: list[int], n: int, first: D, last: D) -> None:
    """n responses at random units of `unit_ids`, on random days of [first, last]."""
    if n <= 0:
        return
    days = (last - first).days + 1
    cursor.execute(
        """
        INSERT INTO surveys_response (campaign_id, unit_id, respondent_group_id, channel,
            submitted_at, answered_on, comment, comment_triage, batch)
        SELECT %(campaign)s,
               (%(units)s::int[])[1 + floor(random() * %(k)s)::int],
               (%(groups)s::int[])[1 + floor(random() * %(g)s)::int],
               (ARRAY['web','qr','portal','email','paper','kiosk'])[1 + floor(random() * 6)::int],
               d + time '09:00', d,
               CASE WHEN random() < 0.05 THEN 'Cán bộ nhiệt tình; chờ còn lâu.' ELSE '' END,
               '', ''
        FROM (SELECT %(first)s::date + floor(random() * %(days)s)::int AS d
              FROM generate_series(1, %(n)s)) s
        """,
        {"campaign": campaign.pk, "units": unit_ids, "k": len(unit_ids), "groups": _groups(),
         "g": len(_groups()), "first": first, "days": days, "n": n},
    )  # fmt: skip
    cursor.execute("UPDATE surveys_response SET comment_triage = 'new' WHERE campaign_id = %s "
                   "AND comment <> '' AND comment_triage = ''", [campaign.pk])  # fmt: skip


def _groups() -> list[int]:
    from surveys.models import RespondentGroup

    return list(RespondentGroup.objects.order_by("pk").values_list("pk", flat=True))


def load(total: int, campaigns: dict) -> None:
    """The rows go in with the counting triggers off, and the counts are rebuilt once at the
    end (dashboard.counts.counts_rebuild): 5,000,000 responses load in minutes, not an hour."""
    from django.db import connection, transaction

    from dashboard.counts import counts_rebuild
    from surveys.models import Unit

    with connection.cursor() as cursor:
        for table in ("surveys_response", "surveys_answer"):
            cursor.execute(f"ALTER TABLE {table} DISABLE TRIGGER USER")
    for key, campaign in campaigns.items():
        n = int(total * SHARES[key])
        opens, closes = campaign.opens_on, campaign.closes_on
        started = time.perf_counter()
        with transaction.atomic(), connection.cursor() as cursor:
            if opens < REORGANISED_ON <= closes:  # the round runs across the reorganisation
                before = (REORGANISED_ON - opens).days / ((closes - opens).days + 1)
                first_half = Unit.objects.filter(parent=campaign.root).valid_between(
                    opens, REORGANISED_ON - datetime.timedelta(days=1)
                )
                second = Unit.objects.filter(parent=campaign.root).valid_between(
                    REORGANISED_ON, closes)  # fmt: skip
                _insert(cursor, campaign, [u.pk for u in first_half], int(n * before), opens,
                        REORGANISED_ON - datetime.timedelta(days=1))  # fmt: skip
                _insert(cursor, campaign, [u.pk for u in second], n - int(n * before),
                        REORGANISED_ON, closes)  # fmt: skip
            else:
                units = list(campaign.units.values_list("pk", flat=True))
                _insert(cursor, campaign, units, n, opens, closes)
            cursor.execute(
                """
                INSERT INTO surveys_answer (response_id, question_id, score)
                SELECT r.id, q.id,
                       (ARRAY[1,2,3,4,4,4,5,5,5,5,NULL])[1 + floor(random() * 11)::int]
                FROM surveys_response r CROSS JOIN surveys_question q
                WHERE r.campaign_id = %s AND q.questionnaire_id = %s
                """,
                [campaign.pk, campaign.questionnaire_id],
            )
        print(f"  loaded {n:,} responses of {campaign.slug} in "
              f"{time.perf_counter() - started:.1f} s", flush=True)  # fmt: skip
    with connection.cursor() as cursor:
        for table in ("surveys_response", "surveys_answer"):
            cursor.execute(f"ALTER TABLE {table} ENABLE TRIGGER USER")
    started = time.perf_counter()
    counts_rebuild()
    print(f"  counts rebuilt in {time.perf_counter() - started:.1f} s", flush=True)
    with connection.cursor() as cursor:
        for table in ("surveys_response", "surveys_answer", "dashboard_answercount",
                      "dashboard_responsecount"):  # fmt: skip
            cursor.execute(f"VACUUM ANALYZE {table}")


# ---------------------------------------------------------------- the measured children


def child_compile(options: dict) -> None:
    from reports.exporters import SHEETS, workbook_write
    from reports.snapshot import snapshot
    from surveys.models import Campaign, Unit

    SHEETS.pop("raw")  # every sheet but `Dữ liệu`
    started = time.perf_counter()
    kwargs = {}
    if options.get("year"):
        kwargs = {"year": options["year"], "root": Unit.objects.get(code=options["root"])}
    else:
        kwargs = {"campaign": Campaign.objects.get(slug=options["slug"])}
    with open(options["out"], "wb") as handle, snapshot():
        workbook_write(out=handle, **kwargs)
    print(json.dumps({"seconds": time.perf_counter() - started, "peak_mb": peak_mb()}))


def child_pages(runs: int) -> None:
    """p50/p99 of the dashboard pages through the test client, leadership and regional."""
    from django.contrib.auth import get_user_model
    from django.test import Client
    from django.urls import reverse

    from surveys.models import Unit
    from surveys.tests import factories

    kv1 = Unit.objects.get(code="KV1")
    User = get_user_model()

    User.objects.filter(username__startswith="bench-").delete()  # a rerun makes them afresh

    def login(username, make):
        user = make()
        client = Client()
        client.force_login(user)
        return client

    # Real users, scoped by surveys.scope: KV1's leadership and KV1's manager each see KV1's
    # subtree; a superuser sees both regions (every unit of the installation).
    logins = (
        ("leadership KV1", login("bench-boss", lambda: factories.leadership("bench-boss", kv1))),
        ("regional manager KV1", login("bench-kv1", lambda: factories.unit_manager(kv1, "bench-kv1"))),  # noqa: E501
        ("superuser", login("bench-root", lambda: User.objects.create_superuser("bench-root"))),
    )
    out = {}
    for who, client in logins:
        for name, query in (("index", "year=2025"), ("index", "campaign=kv1-2025-2"),
                            ("quota", "year=2025"), ("quota", "campaign=kv1-2025-2")):  # fmt: skip
            url = f"{reverse(f'dashboard:{name}')}?{query}"
            assert client.get(url).status_code == 200, (who, url)  # warm
            times = []
            for _ in range(runs):
                t = time.perf_counter()
                response = client.get(url)
                times.append((time.perf_counter() - t) * 1000)
                assert response.status_code == 200
            times.sort()
            out[f"{who:<22} {name:<9} ?{query}"] = (
                statistics.median(times),
                times[max(0, int(len(times) * 0.99) - 1)],
            )
    print(json.dumps({"pages": out, "peak_mb": peak_mb()}))


# ---------------------------------------------------------------- driver


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--responses", type=int, default=1_000_000)
    parser.add_argument("--db", default="kbnn_i12a_bench")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--reuse", action="store_true", help="keep the database and its data")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--options", help=argparse.SUPPRESS)
    args = parser.parse_args()
    db_url = f"postgres://postgres@{args.host}:5432/{args.db}"
    if args.child:
        if args.child == "pages":
            django_setup(db_url, "kbnn_survey.settings.test")
            child_pages(args.runs)
        else:
            django_setup(db_url)
            child_compile(json.loads(args.options))
        return
    env = {**os.environ, "DATABASE_URL": db_url, "KBNN_PROFILE": "local", "LOG_LEVEL": "WARNING"}
    env.pop("REDIS_URL", None)
    if not args.reuse:
        subprocess.run(["dropdb", "-h", args.host, "-U", "postgres", "--if-exists", args.db],
                       check=True)  # fmt: skip
        subprocess.run(["createdb", "-h", args.host, "-U", "postgres", args.db], check=True)
        subprocess.run([PY, "manage.py", "migrate", "-v0"], cwd=ROOT, env=env, check=True)
        django_setup(db_url)
        started = time.perf_counter()
        load(args.responses, seed())
        print(f"loaded {args.responses:,} responses in {time.perf_counter() - started:.0f} s")
    else:
        django_setup(db_url)
    from surveys.models import Campaign, Response, Unit

    total = Response.objects.count()
    year_n = Response.objects.filter(campaign__root__code="KV1", campaign__year=2025).count()
    round_n = Response.objects.filter(campaign__slug="kv1-2026-1").count()
    print(
        f"\n== {total:,} responses, {Unit.objects.count()} units, {Campaign.objects.count()} "
        f"rounds; KV1 2025: {year_n:,}; kv1-2026-1: {round_n:,}"
    )
    me = [PY, str(Path(__file__).resolve()), "--db", args.db, "--host", args.host]
    year = {"year": 2025, "root": "KV1", "out": "/tmp/bench-years-2025.xlsx"}
    single = {"slug": "kv1-2026-1", "out": "/tmp/bench-years-round.xlsx"}
    y_secs, y_mb, y = run_measured([*me, "--child", "compile", "--options", json.dumps(year)], env)
    r_secs, r_mb, r = run_measured(
        [*me, "--child", "compile", "--options", json.dumps(single)], env
    )
    print(f"year workbook KV1 2025 (no Dữ liệu)   {y['seconds']:6.1f} s  {y_mb:6.1f} MB "
          f"({y_secs:.1f} s with Django start)")  # fmt: skip
    print(f"round kv1-2026-1 same size            {r['seconds']:6.1f} s  {r_mb:6.1f} MB "
          f"({r_secs:.1f} s with Django start)")  # fmt: skip
    print(f"year / round = {y['seconds'] / r['seconds']:.2f}  (target ≤ 1.5)")
    _, p_mb, pages = run_measured([*me, "--child", "pages", "--runs", str(args.runs)], env)
    for label, (p50, p99) in pages["pages"].items():
        print(f"{label}  p50 {p50:6.0f} ms  p99 {p99:6.0f} ms")


if __name__ == "__main__":
    main()
