"""Benchmark of a monthly report: a brand's month (3,000 published targets on 6 accounts, 300
campaigns: a by-campaign table long enough for a report of 10 pages or more) as a French PDF.

Prints JSON: seconds per PDF (p50 and max over the runs: the numbers' queries, the template,
WeasyPrint's layout and the server-drawn charts; and the CPU time they took), its pages and size,
and the same for the CSV.

    .venv/bin/python bench/bench_report.py [--runs 5]

It works in a throw-away test database (the settings of the test suite), never in yours.
"""

import argparse
import io
import json
import os
import statistics
import sys
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cm_platform.settings_test")

import django  # noqa: E402

django.setup()

from bench_analytics import seed  # noqa: E402  (this folder: the script's own)
from django.db import connection  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402
from django.utils import timezone  # noqa: E402
from pypdf import PdfReader  # noqa: E402

TARGETS, CAMPAIGNS, BUDGET_SECONDS, PAGES = 3_000, 300, 5.0, 10


def main() -> None:
    from analytics.reports import report_csv, report_pdf
    from analytics.selectors import Filters

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    setup_test_environment()
    old_name = connection.settings_dict["NAME"]
    connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        brand, _user, snapshots = seed(TARGETS, "report", days=30, campaigns=CAMPAIGNS)
        today = timezone.now().astimezone(brand.tz).date()
        month = Filters(start=today - timedelta(days=29), end=today)
        report_pdf(brand, month, language="fr")  # warm-up: WeasyPrint's fonts, the templates
        seconds, cpu, pdf = [], [], b""
        for _ in range(args.runs):
            began, began_cpu = time.perf_counter(), time.process_time()
            pdf = report_pdf(brand, month, language="fr")
            seconds.append(time.perf_counter() - began)
            cpu.append(time.process_time() - began_cpu)
        began = time.perf_counter()
        csv = report_csv(brand, month, language="fr")
        csv_seconds = time.perf_counter() - began
        pages = len(PdfReader(io.BytesIO(pdf)).pages)
        print(
            json.dumps(
                {
                    "database": connection.vendor,
                    "published_targets": sum(1 for n in range(TARGETS) if n % 51),
                    "snapshots": snapshots,
                    "campaigns": CAMPAIGNS,
                    "runs": args.runs,
                    "pdf": {
                        "pages": pages,
                        "bytes": len(pdf),
                        "p50_seconds": round(statistics.median(seconds), 2),
                        "max_seconds": round(max(seconds), 2),
                        # This process's CPU (with SQLite, the database's too): what a loaded
                        # machine's wall time hides.
                        "cpu_p50_seconds": round(statistics.median(cpu), 2),
                    },
                    "csv": {"rows": csv.count("\n"), "seconds": round(csv_seconds, 2)},
                    "load_average_1min": round(os.getloadavg()[0], 2),
                    "budget": {"pages_at_least": PAGES, "max_seconds": BUDGET_SECONDS},
                },
                indent=2,
            )
        )
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
