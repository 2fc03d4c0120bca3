"""Benchmark of the report at 100,000 and 1,000,000 responses (11 answers each) on PostgreSQL.

    .venv/bin/python bench/report.py [--sizes 100000 1000000] [--db kbnn_bench_report]

Loads the responses with COPY into its own database (dropped and re-created; `--reuse` keeps it
and what is loaded), one campaign per size (`bench-100000`, `bench-1000000`), then at each size
times, each in a fresh process that reports its own peak memory (VmHWM):
  - compile_report: the whole workbook, with the time at which each sheet started;
  - bare GROUP BY: the answer cube's GROUP BY in plain SQL;
  - bare dump: a plain openpyxl write-only dump of the same raw rows (one per response);
  - the official workbook (`--variant official`, summary sheets only, read back) and the
    written report (`--format docx`, read back; `--pdf` also times the PDF conversion).
It prints seconds and MB for each and the ratios the issue asks for.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import random
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable
SCORES = ["1", "2", "3", "4", "5", r"\N"]
WEIGHTS = [1, 2, 5, 40, 50, 2]
CHANNELS = ["web", "qr", "portal", "email", "paper"]
COMMENT_SHARE = 0.05
CHUNK = 50_000


def django_setup(db_url: str) -> None:
    os.environ["DATABASE_URL"] = db_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kbnn_survey.settings.local")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def peak_mb() -> float:
    """This process's peak resident memory (VmHWM).

    Not ru_maxrss: Linux carries the parent's high-water mark into a forked-then-exec'd child,
    so a child of this (large) driver would report the driver's memory.
    """
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("no VmHWM")


def run_measured(args: list[str], env: dict) -> tuple[float, float, dict]:
    """Run a child; return (wall seconds, its peak RSS in MB, the JSON it printed last)."""
    started = time.perf_counter()
    proc = subprocess.run(args, cwd=ROOT, env=env, stdout=subprocess.PIPE, text=True)
    seconds = time.perf_counter() - started
    if proc.returncode:
        raise SystemExit(f"{args} failed with {proc.returncode}")
    report = json.loads(proc.stdout.strip().splitlines()[-1])
    return seconds, report.pop("peak_mb"), report


# ---------------------------------------------------------------- data loading (COPY)


def setup_campaign(slug: str):
    import datetime

    from surveys.defaults import default_questionnaire_ensure, respondent_groups_ensure
    from surveys.models import Campaign, CampaignStatus, Form, Quota, Unit, UnitKind

    year = datetime.date(2026, 1, 1)
    units = []
    for i in range(1, 21):
        unit, _ = Unit.objects.get_or_create(
            code=f"B{i:02d}", defaults={"name": f"Đơn vị thử {i}", "kind": UnitKind.DISTRICT}
        )
        units.append(unit)
    # One unit succeeded mid-year, like the 2025 reorganisation.
    Unit.objects.filter(code="B20").update(valid_to=datetime.date(2026, 6, 30))
    campaign, _ = Campaign.objects.get_or_create(
        slug=slug,
        defaults={
            "name": f"Đợt thử tải {slug}",
            "year": 2026,
            "round": Campaign.objects.count() + 1,
            "opens_on": year,
            "closes_on": datetime.date(2026, 12, 31),
            "status": CampaignStatus.OPEN,
            "questionnaire": default_questionnaire_ensure(),
        },
    )
    campaign.units.set(units)
    for unit in units:
        for form in Form.values:
            Quota.objects.get_or_create(
                campaign=campaign, unit=unit, form=form, defaults={"minimum": 200}
            )
    groups = [g.pk for g in respondent_groups_ensure()]
    questions = list(
        campaign.questionnaire.questions.order_by("sort_order").values_list("pk", flat=True)
    )
    return campaign, [u.pk for u in units], groups, questions


def load(count: int, first_id: int, campaign, units, groups, questions, rng: random.Random) -> None:
    """COPY `count` responses (ids from first_id) and their answers."""
    import datetime

    if count <= 0:
        return
    from django.db import connection

    base = datetime.date(2026, 1, 1)
    with connection.cursor() as cursor:
        raw = cursor.cursor  # psycopg2 cursor, for copy_expert
        for start in range(first_id, first_id + count, CHUNK):
            n = min(CHUNK, first_id + count - start)
            resp, ans = io.StringIO(), io.StringIO()
            scores = rng.choices(SCORES, WEIGHTS, k=n * len(questions))
            for i in range(n):
                rid = start + i
                day = base + datetime.timedelta(days=rng.randrange(360))
                comment = (
                    "Cán bộ nhiệt tình; thời gian chờ còn lâu."
                    if rng.random() < COMMENT_SHARE
                    else ""
                )
                resp.write(
                    f"{rid}\t{campaign.pk}\t{rng.choice(units)}\t{rng.choice(groups)}\t"
                    f"{rng.choice(CHANNELS)}\t{day} 09:00:00+07\t{day}\t{comment}\t"
                    f"{'new' if comment else ''}\t\\N\t\\N\t\\N\t\n"
                )
                row_scores = scores[i * len(questions) : (i + 1) * len(questions)]
                ans.writelines(
                    f"{rid}\t{q}\t{s}\n" for q, s in zip(questions, row_scores, strict=True)
                )
            resp.seek(0)
            ans.seek(0)
            raw.copy_expert(
                "COPY surveys_response (id, campaign_id, unit_id, respondent_group_id, channel, "
                "submitted_at, answered_on, comment, comment_triage, tracking_code, "
                "idempotency_key, keyed_by_id, batch) FROM STDIN",
                resp,
            )
            raw.copy_expert("COPY surveys_answer (response_id, question_id, score) FROM STDIN", ans)
        cursor.execute(
            "SELECT setval(pg_get_serial_sequence('surveys_response', 'id'), "
            "(SELECT max(id) FROM surveys_response))"
        )
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE surveys_response")
        cursor.execute("VACUUM ANALYZE surveys_answer")


# ---------------------------------------------------------------- the measured children


def child_compile(out: str, slug: str, without: list[str]) -> None:
    """compile_report's work with the time each sheet started (printed as JSON)."""
    from reports.exporters import SHEETS, workbook_write
    from reports.snapshot import snapshot
    from surveys.models import Campaign

    for identifier in without:
        SHEETS.pop(identifier)

    started = time.perf_counter()
    marks: dict[str, float] = {}

    def progress(percent: int, note: str) -> None:
        marks.setdefault(note, time.perf_counter() - started)

    from reports.exporters.workbook import package_verify

    campaign = Campaign.objects.get(slug=slug)
    with open(out, "wb") as handle, snapshot():
        workbook_write(campaign=campaign, out=handle, progress=progress)
    marks["read back (zip, XML)"] = time.perf_counter() - started
    package_verify(out)  # what the worker does before marking the run done
    marks["end"] = time.perf_counter() - started
    print(json.dumps({"marks": marks, "peak_mb": peak_mb()}))


def child_file(out: str, slug: str, fmt: str, variant: str) -> None:
    """One file as compile_report writes it (snapshot, read-back, PDF conversion)."""
    from pathlib import Path as _Path

    from reports.services import report_file_write
    from surveys.models import Campaign

    campaign = Campaign.objects.get(slug=slug)
    report_file_write(campaign=campaign, path=_Path(out), fmt=fmt, variant=variant)
    print(json.dumps({"peak_mb": peak_mb()}))


def child_groupby(slug: str) -> None:
    from django.db import connection

    from surveys.models import Campaign

    campaign = Campaign.objects.get(slug=slug)
    counts = ", ".join(f"count(*) FILTER (WHERE a.score = {k})" for k in range(1, 6))
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT r.unit_id, r.respondent_group_id, r.channel, a.question_id, {counts}, "
            "count(*) FILTER (WHERE a.score IS NULL) FROM surveys_answer a "
            "JOIN surveys_response r ON r.id = a.response_id WHERE r.campaign_id = %s "
            "GROUP BY 1, 2, 3, 4",
            [campaign.pk],
        )
        rows = len(cursor.fetchall())
    print(json.dumps({"rows": rows, "peak_mb": peak_mb()}))


def child_dump(out: str, slug: str) -> None:
    """A plain openpyxl write-only dump of the raw rows (same query as `Dữ liệu`)."""
    from django.db import connection
    from openpyxl import Workbook

    from reports.exporters.context import ReportContext
    from reports.exporters.rawdata import RawDataSheet
    from surveys.models import Campaign

    ctx = ReportContext(Campaign.objects.get(slug=slug))
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("Dữ liệu")
    with connection.chunked_cursor() as cursor:
        cursor.execute(RawDataSheet().sql(ctx))
        while chunk := cursor.fetchmany(5000):
            for row in chunk:
                ws.append(row)
    wb.save(out)
    print(json.dumps({"peak_mb": peak_mb()}))


# ---------------------------------------------------------------- driver


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", nargs="+", type=int, default=[100_000, 1_000_000])
    parser.add_argument("--db", default="kbnn_bench_report")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--out", help=argparse.SUPPRESS)
    parser.add_argument("--slug", help=argparse.SUPPRESS)
    parser.add_argument("--skip-dump", action="store_true", help="do not time the bare dump")
    parser.add_argument("--pdf", action="store_true", help="also time the written report as PDF")
    parser.add_argument(
        "--without", nargs="*", default=[], metavar="SHEET", help="leave out registered sheets"
    )
    parser.add_argument(
        "--reuse", action="store_true", help="keep the database and the data already loaded"
    )
    args = parser.parse_args()
    db_url = f"postgres://postgres@{args.host}:5432/{args.db}"
    if args.child:
        django_setup(db_url)
        {"compile": lambda: child_compile(args.out, args.slug, args.without),
         "groupby": lambda: child_groupby(args.slug),
         "dump": lambda: child_dump(args.out, args.slug),
         "official": lambda: child_file(args.out, args.slug, "xlsx", "official"),
         "docx": lambda: child_file(args.out, args.slug, "docx", "official"),
         "pdf": lambda: child_file(args.out, args.slug, "pdf", "official"),
         }[args.child]()  # fmt: skip
        return

    env = {**os.environ, "DATABASE_URL": db_url, "KBNN_PROFILE": "local", "LOG_LEVEL": "WARNING"}
    env.pop("REDIS_URL", None)
    if not args.reuse:
        dropdb = ["dropdb", "-h", args.host, "-U", "postgres", "--if-exists", args.db]
        subprocess.run(dropdb, check=True)
        subprocess.run(["createdb", "-h", args.host, "-U", "postgres", args.db], check=True)
        subprocess.run([PY, "manage.py", "migrate", "-v0"], cwd=ROOT, env=env, check=True)
    django_setup(db_url)
    from surveys.models import Response

    rng = random.Random(2026)
    results = {}
    for size in sorted(args.sizes):
        # One campaign per size (bench-100000, bench-1000000) in the same database.
        slug = f"bench-{size}"
        campaign, units, groups, questions = setup_campaign(slug)
        have = Response.objects.filter(campaign=campaign).count()
        first = (Response.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) + 1
        t = time.perf_counter()
        load(size - have, first, campaign, units, groups, questions, rng)
        took = time.perf_counter() - t
        answers = size * len(questions)
        print(f"\n== {size:,} responses ({answers:,} answers): COPY-loaded {size - have:,} "
              f"in {took:.1f} s", flush=True)  # fmt: skip
        out = f"/tmp/bench-report-{size}.xlsx"
        me = [PY, str(Path(__file__).resolve())]
        me = [*me, "--slug", slug]
        without = ["--without", *args.without] if args.without else []
        secs, mb, report = run_measured([*me, "--child", "compile", "--out", out, *without], env)
        marks = report["marks"]
        sheets_before_raw = marks.get("Dữ liệu", marks["end"])
        size_mb = os.path.getsize(out) / 1e6
        print(f"compile_report        {secs:7.1f} s  {mb:7.1f} MB  ({size_mb:.1f} MB file)")
        steps = list(marks.items())
        for (name, at), (_, nxt) in zip(steps, steps[1:], strict=False):
            print(f"   {name:<22} {nxt - at:7.2f} s")
        print(f"   all sheets but Dữ liệu {sheets_before_raw:6.1f} s (in-process, from start)")
        g_secs, g_mb, _ = run_measured([*me, "--child", "groupby"], env)
        print(
            f"bare SQL GROUP BY     {g_secs:7.1f} s  {g_mb:7.1f} MB  (process incl. Django start)"
        )
        if args.skip_dump:
            d_secs, d_mb = float("nan"), float("nan")
        else:
            d_secs, d_mb, _ = run_measured(
                [*me, "--child", "dump", "--out", out + ".dump.xlsx"], env
            )
        print(f"bare openpyxl dump    {d_secs:7.1f} s  {d_mb:7.1f} MB")
        ratio = secs / (g_secs + d_secs)
        print(f"compile / (GROUP BY + dump) = {ratio:.2f}")
        o_secs, o_mb, _ = run_measured(
            [*me, "--child", "official", "--out", out + ".official.xlsx"], env
        )
        print(f"official workbook     {o_secs:7.1f} s  {o_mb:7.1f} MB  (target < 15 s at 1M)")
        w_secs, w_mb, _ = run_measured([*me, "--child", "docx", "--out", out + ".docx"], env)
        print(f"written report (DOCX) {w_secs:7.1f} s  {w_mb:7.1f} MB  (target < 30 s at 1M)")
        if args.pdf:
            p_secs, p_mb, _ = run_measured([*me, "--child", "pdf", "--out", out + ".pdf"], env)
            print(f"written report (PDF)  {p_secs:7.1f} s  {p_mb:7.1f} MB  (LibreOffice included)")
        results[size] = (secs, mb, sheets_before_raw)
    if len(results) > 1:
        small, large = min(results), max(results)
        print(f"\nmemory {large:,} / {small:,} = {results[large][1] / results[small][1]:.2f}")
        print(f"time   {large:,} / {small:,} = {results[large][0] / results[small][0]:.2f}")


if __name__ == "__main__":
    main()
