"""Realistic data at volume for benchmarks (issue 13): ``manage.py seed_scale --problems N --enterprises M``.

On top of the demo's base (regions, departments and their handlers, clerk, supervisor, the service catalogue,
through the same demo modules as ``seed_demo``), it adds ``M`` enterprises each with a verified 法定代表人
account, and ``N`` problems registered over the last two years with their full timelines: dispatch, accept,
reply, the enterprise's own 好差评 (enterprises only: never a clerk), the clerk's 回访 with its 回访满意度, 重办
after a bad rating, close or withdrawal, co-departments, extensions (decided and pending), escalations,
appeals against bad ratings, overdue marks; ``N / 2`` applications of the published bundles with their
tasks; and the similar-problem index of every problem. Statuses follow age (old problems closed, recent ones
in progress); the same ``--seed`` on the same day gives the same rows.

Rows go in with COPY on PostgreSQL (``bulk_create`` elsewhere), in batches, bypassing actions and signals on
purpose: it is a load generator, not a way to enter data. Only with DEBUG or ``ALLOW_DEMO_PASSWORDS`` (the
demo accounts have known passwords) and only into a database without problems of its own beyond the demo's.
Figures: docs/performance.md.
"""

import datetime as dt
import random
import sys
import time

from django.conf import settings
from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX
from django.core.management.base import BaseCommand, CommandError
from django.core.management.color import no_style
from django.db import connection, transaction
from django.utils import timezone

from insights import rollups
from insights.scale.problems import ProblemRows
from insights.scale.rows import (
    DAYS,
    Calendar,
    DeferredIndexes,
    NullOutput,
    Progress,
    Writer,
    aware,
    next_id,
    uscc_check,
)
from portal.checks import connected_as_superuser


class Command(ProblemRows, BaseCommand):
    help = "Fill the database with problems, timelines, ratings, applications and tasks at volume (benchmarks)."

    def add_arguments(self, parser):
        parser.add_argument("--problems", type=int, default=100_000)
        parser.add_argument("--enterprises", type=int, default=20_000)
        parser.add_argument("--seed", type=int, default=2026)
        parser.add_argument("--quiet", action="store_true")

    def handle(self, *args, problems: int, enterprises: int, seed: int, quiet: bool, **options):
        if not settings.DEBUG and not getattr(settings, "ALLOW_DEMO_PASSWORDS", False):
            raise CommandError("seed_scale creates demo accounts with known passwords and only runs with DEBUG on.")
        if problems < 0 or enterprises < 1:
            raise CommandError("--problems must be ≥ 0 and --enterprises ≥ 1.")
        from issues.models import Issue

        if Issue.objects.count() > 100:
            raise CommandError("seed_scale fills a fresh database (migrate; then seed_scale), not one in use.")
        self.quiet = quiet
        self.out = sys.stdout
        started = time.perf_counter()
        context = self._base(seed)
        rng = random.Random(seed)
        now = timezone.now()
        with transaction.atomic():
            self._skip_foreign_key_triggers()
            members = self._enterprises(rng, enterprises, context, now)
            with DeferredIndexes(self._filled_models(), self._say):
                self._problems(rng, problems, members, context, now)
                self._applications(rng, problems // 2, members, context, now)
            self._reset_sequences()
            t = time.perf_counter()
        self._say(f"commit: {time.perf_counter() - t:.1f} s")
        if connection.vendor == "postgresql":
            # VACUUM as well as ANALYZE: a bulk load leaves no visibility map and no hint bits, so the first
            # readers of every page would write it and no count could be answered from an index alone —
            # a state a running server's autovacuum ends within minutes, but which this machine's server
            # (autovacuum off) would keep, and which benchmarks would then measure.
            # Inside a caller's transaction (the tests) VACUUM cannot run: ANALYZE alone there.
            t = time.perf_counter()
            sql, what = (
                ("ANALYZE", "analyze") if connection.in_atomic_block else ("VACUUM (ANALYZE)", "vacuum and analyze")
            )
            with connection.cursor() as cursor:
                cursor.execute(sql)
            self._say(f"{what}: {time.perf_counter() - t:.1f} s")
        t = time.perf_counter()
        rollups.refresh(rebuild=True)
        self._say(f"rankings rollup: {time.perf_counter() - t:.1f} s")
        self.stdout.write(self.style.SUCCESS(f"seed_scale: done in {time.perf_counter() - started:.1f} s"))

    # ------------------------------------------------------------------------------------------ base
    def _base(self, seed: int) -> dict:
        import services.demo
        from portal import demo

        t = time.perf_counter()
        rng = random.Random(seed)
        with transaction.atomic():
            context = demo.seed(rng=rng, password=demo.DEFAULT_PASSWORD, stdout=NullOutput(), reset_passwords=False)
        with transaction.atomic():
            services.demo.seed(rng=random.Random(seed), context=context, stdout=NullOutput())
        self._say(f"base (demo accounts, departments, catalogue): {time.perf_counter() - t:.1f} s")
        return context

    def _say(self, text: str) -> None:
        if not self.quiet:
            self.stdout.write(text)

    # ----------------------------------------------------------------------------------- enterprises
    def _enterprises(self, rng, count: int, context: dict, now) -> list[tuple[int, int]]:
        """``count`` enterprises, each with a verified legal representative: ``[(enterprise id, user id)]``."""
        from portal.choices import MembershipKind, MembershipStatus, Role
        from portal.models import Enterprise, Membership, User

        counties = [r for r in context["regions"].values() if r.level == "county"] or list(context["regions"].values())
        progress = Progress(self.out, "enterprises", count * 3, self.quiet)
        ents, users, links = (Writer(m, now, progress) for m in (Enterprise, User, Membership))
        ent_id, user_id, link_id = next_id(Enterprise), next_id(User), next_id(Membership)
        pairs = []
        words = (["绿源", "华嘉", "南太湖", "德清", "长兴", "安吉", "吴兴", "菰城", "苕溪"],)
        trades = ["新能源", "储能", "纺织", "智能装备", "生物医药", "新材料", "竹木", "物流", "电子"]
        for i in range(count):
            region = counties[i % len(counties)]
            eid, uid = ent_id + i, user_id + i
            body = f"91{region.code}{eid:09d}"[:17]
            ents.add(
                id=eid,
                uscc=body + uscc_check(body),
                name=f"湖州{rng.choice(words[0])}{rng.choice(trades)}科技{eid}有限公司",
                legal_representative="张" + rng.choice("伟芳娜敏静丽强磊军洋"),
                region_id=region.pk,
                industry=rng.choice(["C38", "C17", "C27", "C39", "F51", "G54", "I65", "M73"]),
                size_class=rng.choice(["large", "medium", "small", "small", "micro", "micro"]),
                established=dt.date(2005, 1, 1) + dt.timedelta(days=rng.randint(0, 7000)),
                registered_capital=rng.randint(10, 10000),
                contact_phone=f"139{eid % 10**8:08d}",
            )
            users.add(
                id=uid,
                username=f"scale-ent-{eid}",
                password=UNUSABLE_PASSWORD_PREFIX,  # unusable: these accounts never sign in
                role=Role.ENTERPRISE,
                display_name=f"企业用户{eid}",
                phone=f"138{eid % 10**8:08d}",
                date_joined=now,
                is_active=True,
            )
            links.add(
                id=link_id + i,
                user_id=uid,
                enterprise_id=eid,
                kind=MembershipKind.LEGAL_REP,
                status=MembershipStatus.VERIFIED,
            )
            pairs.append((eid, uid))
        for writer in (ents, users, links):
            writer.flush()
        progress.finish()
        return pairs

    def _applications(self, rng, count: int, members, context: dict, now) -> None:
        from services.models import Application, ApplicationItem, Bundle, BundleItem, BundleVersion

        bundles = []
        for bundle in Bundle.objects.filter(published=True).order_by("pk"):
            version = BundleVersion.objects.filter(bundle=bundle).order_by("-number").first()
            items = list(
                BundleItem.objects.filter(bundle=bundle, kind="basic").select_related("service").order_by("order")
            )
            if version and items:
                bundles.append((bundle, version, items))
        if not bundles or not count:
            return
        today = timezone.localdate()
        start = today - dt.timedelta(days=DAYS)
        cal = Calendar(start - dt.timedelta(days=10), today + dt.timedelta(days=150))
        handler_of = {u.department_id: u.pk for u in context["handlers"].values()}
        progress = Progress(self.out, "applications", count, self.quiet)
        apps, tasks = Writer(Application, now, progress), Writer(ApplicationItem, now)
        app_id, task_id = next_id(Application), next_id(ApplicationItem)
        for n in range(count):
            pk = app_id + n
            day = start + dt.timedelta(days=int(DAYS * rng.random() ** 0.85))
            submitted = aware(day, rng)
            bundle, version, items = rng.choice(bundles)
            ent_id, member_id = rng.choice(members)
            age = (today - day).days
            done = age > 30 or rng.random() < age / 40
            statuses = []
            for order, item in enumerate(items):
                service = item.service
                days = service.promised_days or service.legal_days or 10
                due = cal.add(day, days)
                if done:
                    task_status = "refused" if rng.random() < 0.02 else "done"
                else:
                    task_status = rng.choice(["pending", "accepted", "in_progress", "supplement", "done"])
                accepted_at = submitted + dt.timedelta(hours=rng.randint(1, 30)) if task_status != "pending" else None
                finished = None
                if task_status in ("done", "refused"):
                    finished = aware(min(cal.add(day, rng.randint(1, days + 2)), today), rng)
                    finished = max(finished, accepted_at + dt.timedelta(hours=1))
                statuses.append(task_status)
                tasks.add(
                    id=task_id,
                    application_id=pk,
                    bundle_item_id=item.pk,
                    service_id=service.pk,
                    service_code=service.code,
                    name=service.name,
                    kind=item.kind,
                    department_id=service.department_id,
                    status=task_status,
                    handler_id=handler_of.get(service.department_id) if task_status != "pending" else None,
                    promised_days=days,
                    due_date=due,
                    answers={},
                    accepted_at=accepted_at,
                    finished_at=finished,
                    order=order,
                )
                task_id += 1
            if all(s == "done" for s in statuses):
                app_status = "done"
            elif all(s in ("done", "refused") for s in statuses):
                app_status = "partly_done" if "done" in statuses else "refused"
            elif "supplement" in statuses:
                app_status = "needs_materials"
            elif all(s == "pending" for s in statuses):
                app_status = "submitted"
            else:
                app_status = "in_progress"
            apps.add(
                id=pk,
                reference=f"YW{day:%Y%m%d}{pk:07d}",
                bundle_id=bundle.pk,
                bundle_version_id=version.pk,
                enterprise_id=ent_id,
                channel="online",
                submitted_by_id=member_id,
                status=app_status,
                contact_name="王" + rng.choice("明华强伟芳"),
                contact_phone=f"136{pk % 10**8:08d}",
                offered={},
                submitted_at=submitted,
                updated_at=submitted,
            )
        apps.flush()
        progress.finish()
        t = time.perf_counter()
        tasks.flush()
        self._say(f"  services.ApplicationItem   {tasks.count:>10,} rows ({time.perf_counter() - t:.1f} s)")

    @staticmethod
    def _filled_models() -> list:
        from insights.models import IssueSearchDoc
        from issues.models import Appeal, Escalation, ExtensionRequest, FollowUp, Issue, IssueEvent, OverdueMark, Rating
        from services.models import Application, ApplicationItem

        return [
            Issue,
            Issue.co_departments.through,
            IssueEvent,
            Rating,
            FollowUp,
            OverdueMark,
            ExtensionRequest,
            Escalation,
            Appeal,
            IssueSearchDoc,
            Application,
            ApplicationItem,
        ]

    def _skip_foreign_key_triggers(self) -> None:
        """On PostgreSQL as a superuser, skip the deferred foreign-key checks of this transaction's rows
        (``session_replication_role = replica``, this transaction only): the rows are consistent by
        construction (the SQLite test checks them), and at 1M problems the checks at commit cost minutes."""
        if connection.vendor != "postgresql":
            return
        if connected_as_superuser(connection):
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL session_replication_role = replica")
            self._say("foreign-key triggers off for this transaction (superuser)")

    def _reset_sequences(self) -> None:
        from django.apps import apps

        if connection.vendor != "postgresql":
            return
        sql = connection.ops.sequence_reset_sql(no_style(), apps.get_models())
        with connection.cursor() as cursor:
            for statement in sql:
                cursor.execute(statement)
