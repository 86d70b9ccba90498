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

import bisect
import datetime as dt
import json
import random
import sys
import time
import zoneinfo
from collections import Counter
from pathlib import Path

from django.conf import settings
from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX
from django.core.management.base import BaseCommand, CommandError
from django.core.management.color import no_style
from django.db import connection, models, transaction
from django.utils import timezone

TZ = zoneinfo.ZoneInfo("Asia/Shanghai")
BATCH = 20_000
DAYS = 730  # two years

CATEGORIES = [  # (code, weight)
    ("labour", 12),
    ("finance", 9),
    ("tax", 10),
    ("innovation", 7),
    ("social-insurance", 9),
    ("export-customs", 4),
    ("land-factory", 8),
    ("energy", 6),
    ("approval", 12),
    ("policy-payout", 9),
    ("inspection", 3),
    ("intermediary-fees", 2),
    ("infrastructure", 5),
    ("other", 4),
]
CHANNELS = [
    ("online", 40),
    ("enterprise-code", 8),
    ("window", 12),
    ("doudi-window", 4),
    ("hotline-12345", 16),
    ("roundtable", 4),
    ("visit", 6),
    ("experience-officer", 2),
    ("media", 1),
    ("department-transfer", 3),
    ("other", 2),
]
SCORES = ([5, 4, 3, 2, 1], [68, 18, 8, 4, 2])


def pick_status(rng: random.Random, age: int) -> str:
    """A realistic status for a problem registered ``age`` days ago."""
    if age > 60:
        table = [("closed", 88), ("withdrawn", 4), ("followed_up", 4), ("replied", 1.5), ("accepted", 1.5)]
        table += [("reopened", 0.6), ("dispatched", 0.2), ("returned", 0.1), ("submitted", 0.1)]
    elif age > 20:
        table = [("closed", 45), ("followed_up", 14), ("replied", 12), ("accepted", 17), ("reopened", 4)]
        table += [("withdrawn", 3), ("dispatched", 4), ("returned", 0.5), ("submitted", 0.5)]
    elif age > 3:
        table = [("closed", 8), ("followed_up", 5), ("replied", 17), ("accepted", 40), ("dispatched", 20)]
        table += [("returned", 2), ("submitted", 5), ("withdrawn", 2), ("reopened", 1)]
    else:
        table = [("submitted", 45), ("dispatched", 35), ("accepted", 15), ("returned", 2), ("withdrawn", 3)]
    names, weights = zip(*table, strict=True)
    return rng.choices(names, weights)[0]


class Calendar:
    """Working days of the period from the statutory calendar (no query per deadline)."""

    def __init__(self, start: dt.date, end: dt.date):
        from portal.workdays import _is_working

        self.days = []
        day = start
        while day <= end:
            if _is_working(day, {}):
                self.days.append(day)
            day += dt.timedelta(days=1)

    def add(self, start: dt.date, n: int) -> dt.date:
        """``n`` working days after ``start`` (0: the same day or the next working day)."""
        i = bisect.bisect_right(self.days, start) if n else bisect.bisect_left(self.days, start)
        return self.days[min(i + max(n - 1, 0), len(self.days) - 1)]


class Progress:
    """One line redrawn in place: ``label  done/total  rate``."""

    def __init__(self, out, label: str, total: int, quiet: bool):
        self.out, self.label, self.total, self.quiet = out, label, total, quiet
        self.started = time.perf_counter()
        self.done = 0
        self.tty = hasattr(out, "isatty") and out.isatty()

    def update(self, n: int) -> None:
        self.done += n
        if self.quiet or not self.tty:
            return
        elapsed = time.perf_counter() - self.started
        width = 30
        filled = int(width * self.done / max(self.total, 1))
        self.out.write(
            f"\r{self.label:<14} [{'#' * filled}{'.' * (width - filled)}] {self.done:>10,}/{self.total:,}"
            f"  {self.done / max(elapsed, 1e-9):>9,.0f}/s"
        )
        self.out.flush()

    def finish(self, extra: str = "") -> None:
        elapsed = time.perf_counter() - self.started
        if not self.quiet:
            end = "\r" if self.tty else ""
            self.out.write(f"{end}{self.label:<14} {self.done:>10,} rows in {elapsed:6.1f} s{extra}" + " " * 30 + "\n")
            self.out.flush()


class Writer:
    """Buffered rows of one model: COPY on PostgreSQL, bulk_create elsewhere. Missing fields get their
    model default (``auto_now`` fields: now)."""

    def __init__(self, model, now: dt.datetime, progress: Progress | None = None):
        self.model = model
        self.fields = list(model._meta.concrete_fields)
        self.now = now
        self.rows: list[dict] = []
        self.count = 0
        self.seconds = 0.0  # spent writing (COPY or bulk_create)
        self.progress = progress
        self.postgres = connection.vendor == "postgresql"
        table = connection.ops.quote_name(model._meta.db_table)
        columns = ", ".join(connection.ops.quote_name(f.column) for f in self.fields)
        self.copy_sql = f"COPY {table} ({columns}) FROM STDIN"

    def _default(self, field):
        if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
            return self.now
        return field.get_default()

    def add(self, **row) -> None:
        self.rows.append(row)
        if len(self.rows) >= BATCH:
            self.flush()

    def flush(self) -> None:
        if not self.rows:
            return
        started = time.perf_counter()
        defaults = {f.attname: self._default(f) for f in self.fields}
        if self.postgres:
            json_fields = {f.attname for f in self.fields if isinstance(f, models.JSONField)}
            with connection.cursor() as cursor, cursor.cursor.copy(self.copy_sql) as copy:
                for row in self.rows:
                    values = []
                    for field in self.fields:
                        value = row[field.attname] if field.attname in row else defaults[field.attname]
                        if field.attname in json_fields and value is not None:
                            value = json.dumps(value, ensure_ascii=False)
                        values.append(value)
                    copy.write_row(values)
        else:
            self.model.objects.bulk_create([self.model(**{**defaults, **row}) for row in self.rows], batch_size=2000)
        self.count += len(self.rows)
        self.seconds += time.perf_counter() - started
        if self.progress:
            self.progress.update(len(self.rows))
        self.rows = []


def _next_id(model) -> int:
    return (model.objects.aggregate(m=models.Max("pk"))["m"] or 0) + 1


def _texts(rng: random.Random) -> list[tuple[str, str, str]]:
    """Problem texts: the labelled benchmark set (realistic wording, several per kind of problem)."""
    base = Path(settings.BASE_DIR) / "benchmarks"
    if str(base) not in sys.path:
        sys.path.insert(0, str(base))
    from insights_dataset import labelled_problems  # a benchmark module, outside the apps

    return labelled_problems(rng, per_group=40)


class Command(BaseCommand):
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
            self._problems(rng, problems, members, context, now)
            self._applications(rng, problems // 2, members, context, now)
            self._reset_sequences()
            t = time.perf_counter()
        self._say(f"commit: {time.perf_counter() - t:.1f} s")
        if connection.vendor == "postgresql":
            t = time.perf_counter()
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
            self._say(f"analyze: {time.perf_counter() - t:.1f} s")
        self.stdout.write(self.style.SUCCESS(f"seed_scale: done in {time.perf_counter() - started:.1f} s"))

    # ------------------------------------------------------------------------------------------ base
    def _base(self, seed: int) -> dict:
        import services.demo
        from portal import demo

        t = time.perf_counter()
        rng = random.Random(seed)
        with transaction.atomic():
            context = demo.seed(rng=rng, password=demo.DEFAULT_PASSWORD, stdout=_Null(), reset_passwords=False)
        with transaction.atomic():
            services.demo.seed(rng=random.Random(seed), context=context, stdout=_Null())
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
        ent_id, user_id, link_id = _next_id(Enterprise), _next_id(User), _next_id(Membership)
        pairs = []
        words = (["绿源", "华嘉", "南太湖", "德清", "长兴", "安吉", "吴兴", "菰城", "苕溪"],)
        trades = ["新能源", "储能", "纺织", "智能装备", "生物医药", "新材料", "竹木", "物流", "电子"]
        for i in range(count):
            region = counties[i % len(counties)]
            eid, uid = ent_id + i, user_id + i
            body = f"91{region.code}{eid:09d}"[:17]
            ents.add(
                id=eid,
                uscc=body + _uscc_check(body),
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

    # -------------------------------------------------------------------------------------- problems
    def _problems(self, rng, count: int, members, context: dict, now) -> None:
        from insights.models import IssueSearchDoc, SearchTerm, TermStat
        from insights.signals import issue_text
        from insights.text import tokenize
        from issues.models import (
            Appeal,
            Category,
            Channel,
            Escalation,
            ExtensionRequest,
            FollowUp,
            Issue,
            IssueEvent,
            OverdueMark,
            Rating,
        )

        today = timezone.localdate()
        start = today - dt.timedelta(days=DAYS)
        cal = Calendar(start - dt.timedelta(days=10), today + dt.timedelta(days=150))
        clerk, supervisor = context["clerk"], context["supervisor"]
        self.supervisor_id = supervisor.pk
        handlers = context["handlers"]  # department code → handler
        departments = context["departments"]
        leads = [departments[code] for code in handlers if code in departments]
        lead_weights = [3.0 if d.region.level == "city" else 1.0 for d in leads]
        level_of = {d.pk: d.region.level for d in leads}
        handler_of = {departments[code].pk: user for code, user in handlers.items() if code in departments}
        province = next((d for d in leads if d.region.level == "province"), leads[0])
        categories = {c.code: c.pk for c in Category.objects.all()}
        channels = {c.code: c.pk for c in Channel.objects.all()}
        cat_codes, cat_weights = zip(*[(c, w) for c, w in CATEGORIES if c in categories], strict=True)
        ch_codes, ch_weights = zip(*[(c, w) for c, w in CHANNELS if c in channels], strict=True)
        texts = _texts(rng)
        tokens_of: dict[int, list[str]] = {}
        # a long tail: a few enterprises have hundreds of problems
        ent_weights = [40.0 / (i + 1) ** 0.6 + 1 for i in range(len(members))]

        progress = Progress(self.out, "problems", count, self.quiet)
        w = {
            m: Writer(m, now)
            for m in (IssueEvent, Rating, FollowUp, OverdueMark, ExtensionRequest, Escalation, Appeal, IssueSearchDoc)
        }
        w[Issue] = Writer(Issue, now, progress)
        w[SearchTerm] = Writer(SearchTerm, now) if connection.vendor != "postgresql" else None
        through = Issue.co_departments.through
        w[through] = Writer(through, now)
        ids = {m: _next_id(m) for m in w if m is not None}
        df: Counter = Counter()

        def nid(model) -> int:
            ids[model] += 1
            return ids[model] - 1

        days = sorted(start + dt.timedelta(days=int(DAYS * rng.random() ** 0.85)) for _ in range(count))
        owners = rng.choices(members, ent_weights, k=count)
        issue_id = ids[Issue]
        for n, day in enumerate(days):
            pk = issue_id + n
            registered = _aware(day, rng)
            age = (today - day).days
            status = pick_status(rng, age)
            text_index = rng.randrange(len(texts))
            _group, title, description = texts[text_index]
            ent_id, member_id = owners[n]
            row = {
                "id": pk,
                "reference": f"SQ{day:%Y%m%d}{pk:07d}",
                "enterprise_id": ent_id,
                "contact_name": "李" + rng.choice("明华强伟芳"),
                "contact_phone": f"137{pk % 10**8:08d}",
                "channel_id": channels[rng.choices(ch_codes, ch_weights)[0]],
                "category_id": categories[rng.choices(cat_codes, cat_weights)[0]],
                "tier": rng.choices(["general", "complex", "difficult"], [85, 12, 3])[0],
                "level": "city",
                "title": title[:120],
                "description": description,
                "status": status,
                "submitted_by_id": clerk.pk,
                "registered_at": registered,
                "dispatch_due": cal.add(day, 2),
                "ever_overdue": False,
            }
            events = [("submit", registered, "", "submitted", clerk.pk, None, {})]
            due_step = None
            lead = None
            if status == "withdrawn":
                row["withdrawn_at"] = registered + dt.timedelta(hours=rng.randint(1, 30))
                events.append(("withdraw", row["withdrawn_at"], "submitted", "withdrawn", member_id, None, {}))
            elif status == "submitted":
                due_step = ("dispatch", row["dispatch_due"])
            else:
                lead = rng.choices(leads, lead_weights)[0]
                handler = handler_of[lead.pk]
                dispatched = max(
                    _aware(cal.add(day, rng.choice([0, 0, 1, 1, 2, 3])), rng), registered + dt.timedelta(minutes=5)
                )
                row.update(
                    lead_department_id=lead.pk,
                    level=level_of[lead.pk],
                    dispatched_by_id=clerk.pk,
                    dispatched_at=dispatched,
                    first_dispatched_at=dispatched,
                    dispatch_count=1,
                    return_due=cal.add(dispatched.date(), 1),
                    accept_due=cal.add(dispatched.date(), 1),
                    reply_due=cal.add(dispatched.date() + dt.timedelta(days=14), 0),
                )
                events.append(("dispatch", dispatched, "submitted", "dispatched", clerk.pk, lead.pk, {}))
                if rng.random() < 0.2:
                    for other in rng.sample(leads, 2)[: rng.choice([1, 1, 2])]:
                        if other.pk != lead.pk:
                            w[through].add(id=nid(through), issue_id=pk, department_id=other.pk)
                if status == "returned":
                    returned = dispatched + dt.timedelta(hours=rng.randint(2, 20))
                    row.update(returns_count=1, dispatch_due=cal.add(returned.date(), 2))
                    events.append(("return", returned, "dispatched", "returned", handler.pk, lead.pk, {}))
                    due_step = ("dispatch", row["dispatch_due"])
                elif status == "dispatched":
                    due_step = ("reply", row["reply_due"])
                else:
                    accepted = dispatched + dt.timedelta(hours=rng.randint(1, 40))
                    row.update(handler_id=handler.pk, accepted_at=accepted)
                    row["accepted_on_time"] = accepted.date() <= row["return_due"]
                    events.append(("accept", accepted, "dispatched", "accepted", handler.pk, lead.pk, {}))
                    if rng.random() < 0.03:  # a decided extension
                        asked = accepted + dt.timedelta(days=3)
                        new_due = cal.add(row["reply_due"], 10)
                        approved = rng.random() < 0.8
                        w[ExtensionRequest].add(
                            id=nid(ExtensionRequest),
                            issue_id=pk,
                            department_id=lead.pk,
                            requested_by_id=handler.pk,
                            requested_at=asked,
                            reason="需要现场核查并协调相关部门",
                            previous_due=row["reply_due"],
                            requested_due=new_due,
                            status="approved" if approved else "rejected",
                            decided_by_id=supervisor.pk,
                            decided_at=asked + dt.timedelta(hours=6),
                        )
                        events.append(("extension_request", asked, "accepted", "accepted", handler.pk, lead.pk, {}))
                        if approved:
                            row.update(extensions_count=1, reply_due=new_due)
                    if status == "accepted":
                        due_step = ("reply", row["reply_due"])
                        if rng.random() < 0.03:  # pending
                            w[ExtensionRequest].add(
                                id=nid(ExtensionRequest),
                                issue_id=pk,
                                department_id=lead.pk,
                                requested_by_id=handler.pk,
                                requested_at=accepted + dt.timedelta(days=2),
                                reason="涉及多部门会商",
                                previous_due=row["reply_due"],
                                requested_due=cal.add(row["reply_due"], 10),
                                status="pending",
                            )
                    else:
                        self._reply_and_after(rng, row, events, w, nid, cal, today, accepted, lead, handler, member_id)
                        if row["status"] == "replied":
                            due_step = ("followup", row["followup_due"])
                        elif row["status"] == "reopened":
                            due_step = ("reply", row["reply_due"])
                if rng.random() < 0.004:
                    at = dispatched + dt.timedelta(days=2)
                    w[Escalation].add(
                        id=nid(Escalation),
                        issue_id=pk,
                        from_department_id=lead.pk,
                        to_department_id=province.pk,
                        from_level=level_of[lead.pk],
                        to_level="province",
                        reason="跨区域协调",
                        by_id=supervisor.pk,
                        at=at,
                    )
                    row["escalation_count"] = 1
                    events.append(("escalate", at, status, status, supervisor.pk, lead.pk, {}))
            if due_step is not None and due_step[1] and due_step[1] < today:
                row["ever_overdue"] = True
                step, due = due_step
                step = {"followup": "follow_up"}.get(step, step)
                w[OverdueMark].add(
                    id=nid(OverdueMark),
                    issue_id=pk,
                    step=step,
                    due=due,
                    department_id=lead.pk if lead else None,
                    marked_at=dt.datetime.combine(due + dt.timedelta(days=1), dt.time(0, 30), tzinfo=TZ),
                )
            elif row.get("replied_on_time") is False:
                row["ever_overdue"] = True
                w[OverdueMark].add(
                    id=nid(OverdueMark),
                    issue_id=pk,
                    step="reply",
                    due=row["reply_due"],
                    department_id=lead.pk,
                    marked_at=dt.datetime.combine(row["reply_due"] + dt.timedelta(days=1), dt.time(0, 30), tzinfo=TZ),
                )
            row["updated_at"] = events[-1][1]
            w[Issue].add(**row)
            for action, at, before, after, actor, department, data in events:
                w[IssueEvent].add(
                    id=nid(IssueEvent),
                    issue_id=pk,
                    action=action,
                    actor_id=actor,
                    department_id=department,
                    at=at,
                    from_status=before,
                    to_status=after,
                    data=data,
                )
            # the similar-problem index (one tokenization per distinct text)
            tokens = tokens_of.get(text_index)
            if tokens is None:
                tokens = tokens_of[text_index] = tokenize(issue_text(_Text(title[:120], description)))
            w[IssueSearchDoc].add(id=nid(IssueSearchDoc), issue_id=pk, tokens=" ".join(tokens), length=len(tokens))
            distinct = set(tokens)
            df.update(distinct)
            if w[SearchTerm] is not None:
                for token in sorted(distinct):
                    w[SearchTerm].add(id=nid(SearchTerm), issue_id=pk, token=token)
        # children after parents: flush problems first
        w[Issue].flush()
        writing = sum(writer.seconds for writer in w.values() if writer is not None)
        progress.finish(f" (of which writing {writing:.1f} s)")
        for model, writer in w.items():
            if writer is not None and model is not Issue:
                t = time.perf_counter()
                writer.flush()
                if writer.count:
                    self._say(f"  {model._meta.label:<26} {writer.count:>10,} rows ({time.perf_counter() - t:.1f} s)")
        t = time.perf_counter()
        existing = dict(TermStat.objects.values_list("token", "df"))
        for token, n in existing.items():
            df[token] += n
        TermStat.objects.all().delete()
        stats = Writer(TermStat, now)
        for token, n in sorted(df.items()):
            stats.add(token=token, df=n)
        stats.flush()
        self._say(f"  insights.TermStat          {stats.count:>10,} rows ({time.perf_counter() - t:.1f} s)")

    def _reply_and_after(self, rng, row, events, w, nid, cal, today, accepted, lead, handler, member_id):
        """Reply, then the enterprise's rating, the clerk's follow-up, 重办 or close, per the target status."""
        from issues.models import Appeal, FollowUp, Rating

        status = row["status"]
        clerk_id, supervisor_id = row["submitted_by_id"], self.supervisor_id
        replied_on = min(cal.add(accepted.date(), rng.choice([1, 3, 5, 8, 10, 12, 16])), today - dt.timedelta(days=1))
        replied = max(_aware(replied_on, rng), accepted + dt.timedelta(hours=1))
        row.update(
            replied_at=replied,
            reply="已协调解决，具体办理情况见附件。",
            public_reply="已协调相关部门解决。",
            replied_on_time=replied.date() <= row["reply_due"],
            followup_due=cal.add(replied.date(), 3),
        )
        events.append(("reply", replied, "accepted", "replied", handler.pk, lead.pk, {}))
        if status == "replied":
            return
        # the enterprise rates most replies itself (its own act, 好差评), before or after the follow-up call
        rated = rng.random() < 0.85
        score = rng.choices(*SCORES)[0] if rated else None
        if status == "reopened" and score is not None:
            score = rng.choice([1, 2])
        at = replied + dt.timedelta(hours=rng.randint(2, 60))
        if score is not None:
            rating_id = nid(Rating)
            w[Rating].add(
                id=rating_id,
                issue_id=row["id"],
                round=1,
                score=score,
                comment="" if score > 2 else "问题没有实际解决",
                source="enterprise",
                rated_by_id=member_id,
                department_id=lead.pk,
                at=at,
            )
            row["rating"] = score
            events.append(("rate", at, "replied", "replied", member_id, lead.pk, {"rating": score, "round": 1}))
            if score <= 2 and rng.random() < 0.3:
                w[Appeal].add(
                    id=nid(Appeal),
                    issue_id=row["id"],
                    rating_id=rating_id,
                    department_id=lead.pk,
                    reason="已按政策规定办理，企业诉求超出职责范围",
                    requested_by_id=handler.pk,
                    requested_at=at + dt.timedelta(days=1),
                    status=rng.choice(["upheld", "dismissed"]) if rng.random() < 0.5 else "pending",
                )
        if status == "reopened":
            reopened = at + dt.timedelta(minutes=1)
            row.update(reopen_count=1, reopened_at=reopened, rating=None, reply_due=cal.add(reopened.date(), 15))
            row.update(accept_due=cal.add(reopened.date(), 1), handler_id=handler.pk)
            events.append(("reopen", reopened, "replied", "reopened", member_id, lead.pk, {}))
            return
        followed = replied + dt.timedelta(days=rng.randint(1, 4))
        satisfaction = rng.choices(*SCORES)[0] if rng.random() < 0.7 else None
        w[FollowUp].add(
            id=nid(FollowUp),
            issue_id=row["id"],
            round=1,
            clerk_id=clerk_id,
            at=followed,
            reached=True,
            satisfied=None if satisfaction is None else satisfaction >= 3,
            note="电话回访，企业表示已知晓答复。",
            satisfaction=satisfaction,
        )
        row.update(followed_up_at=followed, followup_count=1, follow_up_satisfaction=satisfaction)
        events.append(("follow_up", followed, "replied", "followed_up", clerk_id, lead.pk, {"reached": True}))
        if status == "closed":
            closed = followed + dt.timedelta(days=rng.randint(0, 5))
            row["closed_at"] = closed
            events.append(("close", closed, "followed_up", "closed", supervisor_id, lead.pk, {}))
        elif status != "followed_up":
            row["status"] = "followed_up"

    # ---------------------------------------------------------------------------------- applications
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
        app_id, task_id = _next_id(Application), _next_id(ApplicationItem)
        for n in range(count):
            pk = app_id + n
            day = start + dt.timedelta(days=int(DAYS * rng.random() ** 0.85))
            submitted = _aware(day, rng)
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
                    finished = _aware(min(cal.add(day, rng.randint(1, days + 2)), today), rng)
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

    def _skip_foreign_key_triggers(self) -> None:
        """On PostgreSQL as a superuser, skip the deferred foreign-key checks of this transaction's rows
        (``session_replication_role = replica``, this transaction only): the rows are consistent by
        construction (the SQLite test checks them), and at 1M problems the checks at commit cost minutes."""
        if connection.vendor != "postgresql":
            return
        with connection.cursor() as cursor:
            cursor.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
            if cursor.fetchone()[0]:
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


class _Null:
    def write(self, *args, **kwargs):
        pass


class _Text:
    def __init__(self, title: str, description: str):
        self.title, self.description = title, description


def _aware(day: dt.date, rng: random.Random) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(rng.randint(8, 17), rng.randint(0, 59), rng.randint(0, 59)), tzinfo=TZ)


def _uscc_check(body: str) -> str:
    from stdnum.cn import uscc

    return uscc.calc_check_digit(body)
