"""Rebuild the 晾晒 rollup (``RankingDay``) from the raw rows: after a bulk import (``seed_scale``), a
restore, or a change of the working-day calendar. ``--refresh`` recounts only the days touched since
the watermark (what the 5-minute schedule does). Safe to run at any time; rankings stay exact meanwhile."""

import time

from django.core.management.base import BaseCommand

from insights import rollups


class Command(BaseCommand):
    help = "Rebuild (or, with --refresh, bring up to date) the 晾晒 daily rollup from the raw rows."

    def add_arguments(self, parser):
        parser.add_argument("--refresh", action="store_true", help="only the days changed since the watermark")

    def handle(self, *args, refresh: bool, **options):
        started = time.perf_counter()
        result = rollups.refresh(rebuild=not refresh)
        self.stdout.write(
            f"{result['kind']}: {result['days']} days, {result['rows']} rows, "
            f"watermark event {result['event_id']} ({time.perf_counter() - started:.1f} s)"
        )
