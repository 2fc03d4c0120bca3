"""The survey team's admin on a large database: response list and detail timings and query counts.

    .venv/bin/python bench/admin.py --database-url postgres://postgres@127.0.0.1:5432/DB

Point it at a database already loaded by bench/report.py or bench/dashboard.py (a million
responses). It logs in as a superuser it creates, then times, through Django's test client, the
response list unfiltered, filtered by campaign, by campaign + unit + channel, page 50 of the list,
and one response's detail page; each N times, printing p50/p99 and the number of queries.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--repeat", type=int, default=15)
    args = parser.parse_args()
    os.environ.update(
        DATABASE_URL=args.database_url, DJANGO_SETTINGS_MODULE="kbnn_survey.settings.local"
    )
    os.environ.setdefault("ALLOWED_HOSTS", "testserver")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.contrib.auth.models import User
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from surveys.models import Response

    user, _ = User.objects.get_or_create(
        username="bench-admin", defaults={"is_staff": True, "is_superuser": True}
    )
    client = Client()
    client.force_login(user)
    total = Response.objects.count()
    sample = Response.objects.order_by("-pk").values("pk", "campaign_id", "unit_id", "channel")[0]
    base = "/admin/surveys/response/"
    pages = {
        "list, unfiltered": base,
        "list, one campaign": f"{base}?campaign__id__exact={sample['campaign_id']}",
        "list, campaign+unit+channel": (
            f"{base}?campaign__id__exact={sample['campaign_id']}"
            f"&unit__id__exact={sample['unit_id']}&channel__exact={sample['channel']}"
        ),
        "list, page 50": f"{base}?p=50",
        "one response": f"{base}{sample['pk']}/change/",
    }
    print(f"bench/admin.py: {total:,} responses in {connection.settings_dict['NAME']}")
    for name, url in pages.items():
        client.get(url)  # warm up
        times = []
        for _ in range(args.repeat):
            with CaptureQueriesContext(connection) as queries:
                started = time.perf_counter()
                reply = client.get(url)
                times.append((time.perf_counter() - started) * 1000)
            assert reply.status_code == 200, (url, reply.status_code)
        times.sort()
        p99 = times[min(len(times) - 1, int(len(times) * 0.99))]
        print(
            f"{name:30} p50 {statistics.median(times):7.1f} ms  p99 {p99:7.1f} ms  "
            f"queries {len(queries.captured_queries)}"
        )


if __name__ == "__main__":
    main()
