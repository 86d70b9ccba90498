"""Benchmark of the issues app's lists at a city's scale (a script, not a test): prints figures, asserts nothing.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres .venv/bin/python benchmarks/issues_scale_bench.py

Creates a throwaway database (``issues_scale_bench_<pid>`` next to the one in DATABASE_URL), migrates it and
fills it with three years of a service centre's problems (100,000 by default): 20,000 enterprises (a few
with hundreds of problems), 48 departments at city, county and province level with one handler each, a
clerk, a supervisor and 3,000 enterprise members; statuses by age (old problems closed, recent ones in
progress), lead and co-departments, deadlines from the working-day calendar, ever_overdue and their
OverdueMark rows (a few left for the sweep), a timeline of events per problem, pending extension requests,
escalations and appeals. Then it measures p50/p95 and the SQL query count of

1. every list page as each role that uses it (supervisor, clerk, the handler of a busy and of a quiet
   department, an enterprise member with hundreds of problems): the first page, a deep page (the one
   holding row 10,000, "page 500"), and the common filters (status, department, overdue, date range, text
   search, sort by deadline);
2. the API list (``GET /api/v1/issues/``) likewise;
3. the overdue sweep (a run that finds the day's new overdue steps, then an idempotent re-run);

and drops the database. Options: ``--problems N``, ``--runs N`` (per URL, the first is a warm-up),
``--explain`` (EXPLAIN ANALYZE of each page's slowest query), ``--keep`` (keep the database and print its
name) and ``--reuse NAME`` (measure an existing bench database again, after migrating it).

Deep pages: a list that pages with a cursor (keyset) is asked for the page after the row at offset 9,980
of its order, which is what following "next" 499 times reaches; a list numbered by ``?page=`` gets
``?page=500`` (the handler's inbox, open problems only, and the member's list are shorter: their deep
page is page 50 and page 22). The sweep is timed inside one transaction, so the notification delivery
each mark enqueues after commit (a separate task on the workers) is not part of its figure.

Figures before and after keyset pagination and the deadline index: docs/issues-model.md ("Lists at
scale"). In short, at 100k problems on PostgreSQL: page 500 of the list 88 → 35 ms (SQL 76 → 5 ms),
``?status=closed`` 198 → 33 ms, ``?sort=deadline`` 231 → 35 ms, the busiest handler's page 500 187 → 46 ms,
the API's page 500 90 → 40 ms; a text search for a reference and a quiet department's list stay ≈ 90-110 ms.
"""

import argparse
import datetime as dt
import os
import random
import statistics
import sys
import time
import zoneinfo
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings.test")

import django

django.setup()

from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

TZ = zoneinfo.ZoneInfo("Asia/Shanghai")
DEEP_OFFSET = 9_980  # first row of "page 500" at 20 rows a page

REGIONS = [
    ("330000", "浙江省", "province", None),
    ("330500", "湖州市", "city", "330000"),
    ("330502", "吴兴区", "county", "330500"),
    ("330503", "南浔区", "county", "330500"),
    ("330521", "德清县", "county", "330500"),
    ("330522", "长兴县", "county", "330500"),
    ("330523", "安吉县", "county", "330500"),
]
COUNTIES = ["330502", "330503", "330521", "330522", "330523"]
CITY_DEPARTMENTS = [  # (code, name, weight as lead department)
    ("hz-amr", "湖州市市场监督管理局", 12),
    ("hz-tax", "国家税务总局湖州市税务局", 14),
    ("hz-hrss", "湖州市人力资源和社会保障局", 12),
    ("hz-nrp", "湖州市自然资源和规划局", 8),
    ("hz-housing", "湖州市住房和城乡建设局", 8),
    ("hz-fire", "湖州市消防救援支队", 3),
    ("hz-sti", "湖州市科学技术局", 7),
    ("hz-eit", "湖州市经济和信息化局", 9),
    ("hz-commerce", "湖州市商务局", 4),
    ("hz-emergency", "湖州市应急管理局", 3),
    ("hz-finance", "湖州市财政局", 5),
    ("hz-power", "国网湖州供电公司", 4),
    ("hz-customs", "湖州海关", 2),
    ("hz-transport", "湖州市交通运输局", 2),
]
COUNTY_DEPARTMENT_KINDS = [("amr", "市场监督管理局"), ("hrss", "人力资源和社会保障局"), ("nrp", "自然资源和规划局")]
COUNTY_DEPARTMENT_KINDS += [("eit", "经济和信息化局"), ("housing", "住房和城乡建设局"), ("tax", "税务局")]
# (code, weight): the same mix as manage.py seed_scale
from insights.scale.rows import CATEGORIES, Calendar, pick_status  # noqa: E402

CHANNELS = [
    ("online", 40),
    ("enterprise-code", 8),
    ("window", 12),
    ("doudi-window", 4),
    ("hotline-12345", 16),
    ("roundtable", 4),
    ("visit", 6),
    ("experience-officer", 2),
    ("bad-rating", 2),
    ("media", 1),
    ("department-transfer", 3),
    ("other", 2),
]


def aware(day: dt.date, rng: random.Random) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(rng.randint(8, 17), rng.randint(0, 59), rng.randint(0, 59)), tzinfo=TZ)


def build(n_problems: int, rng: random.Random):
    from django.core.management.color import no_style
    from insights_dataset import labelled_problems

    from issues.choices import OverdueStep
    from issues.models import (
        Appeal,
        Category,
        Channel,
        Escalation,
        ExtensionRequest,
        Issue,
        IssueEvent,
        OverdueMark,
        Rating,
    )
    from portal.choices import DepartmentKind, MembershipKind, MembershipStatus, Role
    from portal.models import Department, Enterprise, Membership, Region, User

    started = time.perf_counter()
    today = dt.date.today()
    start = today - dt.timedelta(days=3 * 365)
    cal = Calendar(start - dt.timedelta(days=10), today + dt.timedelta(days=120))

    regions = {}
    for code, name, level, parent in REGIONS:
        regions[code] = Region.objects.create(code=code, name=name, level=level, parent=regions.get(parent))
    centre = Department.objects.create(
        code="hz-centre", name="湖州市企业综合服务中心", kind=DepartmentKind.SERVICE_CENTRE, region=regions["330500"]
    )
    doudi = Department.objects.create(
        code="hz-doudi", name="湖州市兜底办", kind=DepartmentKind.CATCH_ALL, region=regions["330500"]
    )
    lead_departments, lead_weights = [], []
    for code, name, weight in CITY_DEPARTMENTS:
        lead_departments.append(Department(code=code, name=name, kind="government", region=regions["330500"]))
        lead_weights.append(weight)
    for county in COUNTIES:
        for code, name in COUNTY_DEPARTMENT_KINDS:
            region = regions[county]
            lead_departments.append(
                Department(code=f"{county}-{code}", name=region.name + name, kind="government", region=region)
            )
            lead_weights.append(0.8)
    lead_departments.append(
        Department(code="zj-drc", name="浙江省发展和改革委员会", kind="government", region=regions["330000"])
    )
    lead_weights.append(0.3)
    lead_departments = Department.objects.bulk_create(lead_departments)
    clerk = User.objects.create(username="bench-clerk", role=Role.CLERK, department=centre, display_name="窗口")
    supervisor = User.objects.create(
        username="bench-supervisor", role=Role.SUPERVISOR, department=doudi, display_name="督办"
    )
    handlers = User.objects.bulk_create(
        [
            User(username=f"handler-{d.code}", role=Role.HANDLER, department=d, display_name=f"承办人{d.code}")
            for d in lead_departments
        ]
    )
    handler_of = {h.department_id: h for h in handlers}
    level_of = {d.pk: d.region.level for d in lead_departments}

    enterprises = Enterprise.objects.bulk_create(
        [
            Enterprise(
                uscc=f"91330500{i:010d}",
                name=f"湖州{rng.choice(['绿源', '华嘉', '南太湖', '德清', '长兴', '安吉', '吴兴'])}"
                f"{rng.choice(['新能源', '储能', '纺织', '智能装备', '生物医药', '新材料'])}科技{i}有限公司",
                legal_representative="张三",
                region=regions[rng.choice(COUNTIES)],
                industry="C38",
                size_class=rng.choice(["large", "medium", "small", "small", "micro", "micro"]),
                established=dt.date(2010, 1, 1) + dt.timedelta(days=rng.randint(0, 5000)),
                registered_capital=rng.randint(10, 10000),
                contact_phone=f"139{i:08d}",
            )
            for i in range(20_000)
        ],
        batch_size=5000,
    )
    members = User.objects.bulk_create(
        [User(username=f"bench-member-{i}", role=Role.ENTERPRISE, phone="13800000000") for i in range(3000)]
    )
    Membership.objects.bulk_create(
        [
            Membership(user=user, enterprise=ent, kind=MembershipKind.LEGAL_REP, status=MembershipStatus.VERIFIED)
            for user, ent in zip(members, enterprises[:3000], strict=True)
        ]
    )
    # problems per enterprise: a long tail; enterprise 0 (bench-member-0's) has about 500
    weights = [115.0] + [40.0 / (i + 1) ** 0.6 + 1 for i in range(1, len(enterprises))]
    categories = {c.code: c for c in Category.objects.all()}
    channels = {c.code: c for c in Channel.objects.all()}
    cat_codes, cat_weights = zip(*CATEGORIES, strict=True)
    ch_codes, ch_weights = zip(*CHANNELS, strict=True)
    texts = labelled_problems(rng, per_group=60)
    print(f"  set-up (regions, {len(lead_departments) + 2} departments, 20,000 enterprises, users): ", end="")
    print(f"{time.perf_counter() - started:.1f} s")

    started = time.perf_counter()
    days = sorted(start + dt.timedelta(days=int(3 * 365 * rng.random() ** 0.85)) for _ in range(n_problems))
    ents = rng.choices(enterprises, weights, k=n_problems)
    issues, events, marks, cos, extensions, escalations, bad_ratings = [], [], [], [], [], [], []
    for pk, day in enumerate(days, start=1):
        registered = aware(day, rng)
        age = (today - day).days
        status = pick_status(rng, age)
        _group, title, description = rng.choice(texts)
        category = categories[rng.choices(cat_codes, cat_weights)[0]]
        channel = channels[rng.choices(ch_codes, ch_weights)[0]]
        ent = ents[pk - 1]
        issue = Issue(
            pk=pk,
            reference=f"SQ{day:%Y%m%d}{pk:06d}",
            enterprise=ent,
            contact_name="李四",
            contact_phone=f"138{pk:08d}",
            channel=channel,
            category=category,
            tier=rng.choices(["general", "complex", "difficult"], [85, 12, 3])[0],
            level="county",
            title=title[:120],
            description=description,
            status=status,
            submitted_by=clerk,
            registered_at=registered,
            dispatch_due=cal.add(day, 2),
        )
        timeline = [("submit", registered, "", "submitted", clerk)]
        due_step = None  # (step, field) of the open step
        if status == "withdrawn":
            issue.withdrawn_at = registered + dt.timedelta(hours=rng.randint(1, 30))
            timeline.append(("withdraw", issue.withdrawn_at, "submitted", "withdrawn", clerk))
        elif status == "submitted":
            due_step = (OverdueStep.DISPATCH, "dispatch_due")
        else:
            lead = rng.choices(lead_departments, lead_weights)[0]
            handler = handler_of[lead.pk]
            dispatched = aware(cal.add(day, rng.choice([0, 0, 1, 1, 2, 3])), rng)
            dispatched = max(dispatched, registered + dt.timedelta(minutes=5))
            issue.lead_department, issue.level, issue.dispatched_by = lead, level_of[lead.pk], clerk
            issue.dispatched_at = issue.first_dispatched_at = dispatched
            issue.dispatch_count = 1
            issue.return_due = cal.add(dispatched.date(), 1)
            issue.reply_due = cal.add(dispatched.date() + dt.timedelta(days=14), 0)
            timeline.append(("dispatch", dispatched, "submitted", "dispatched", clerk))
            if rng.random() < 0.2:
                others = rng.sample(lead_departments, 3)
                cos.extend((pk, d) for d in [d for d in others if d.pk != lead.pk][: rng.choice([1, 1, 2])])
            if status == "returned":
                returned = dispatched + dt.timedelta(hours=rng.randint(2, 20))
                issue.returns_count = 1
                issue.dispatch_due = cal.add(returned.date(), 2)
                timeline.append(("return", returned, "dispatched", "returned", handler))
                due_step = (OverdueStep.DISPATCH, "dispatch_due")
            elif status == "dispatched":
                due_step = (OverdueStep.REPLY, "reply_due")
            else:
                accepted = dispatched + dt.timedelta(hours=rng.randint(1, 40))
                issue.handler, issue.accepted_at = handler, accepted
                issue.accepted_on_time = accepted.date() <= issue.return_due
                timeline.append(("accept", accepted, "dispatched", "accepted", handler))
                if rng.random() < 0.02:
                    issue.extensions_count = 1
                    issue.reply_due = cal.add(issue.reply_due, 10)
                if status == "accepted":
                    due_step = (OverdueStep.REPLY, "reply_due")
                    if rng.random() < 0.03:
                        extensions.append(
                            ExtensionRequest(
                                issue=issue,
                                department=lead,
                                requested_by=handler,
                                requested_at=accepted + dt.timedelta(days=3),
                                reason="需要现场核查",
                                previous_due=issue.reply_due,
                                requested_due=cal.add(issue.reply_due, 10),
                            )
                        )
                else:
                    replied_on = min(
                        cal.add(accepted.date(), rng.choice([1, 3, 5, 8, 10, 12, 16])), today - dt.timedelta(days=1)
                    )
                    replied = max(aware(replied_on, rng), accepted + dt.timedelta(hours=1))
                    issue.replied_at, issue.reply = replied, "已协调解决。"
                    issue.public_reply = "已协调相关部门解决。"
                    issue.replied_on_time = replied.date() <= issue.reply_due
                    issue.followup_due = cal.add(replied.date(), 3)
                    timeline.append(("reply", replied, "accepted", "replied", handler))
                    if status == "replied":
                        due_step = (OverdueStep.FOLLOW_UP, "followup_due")
                    else:
                        followed = replied + dt.timedelta(days=rng.randint(1, 4))
                        issue.followed_up_at, issue.followup_count = followed, 1
                        score = rng.choices([5, 4, 3, 2, 1], [70, 18, 7, 3, 2])[0]
                        timeline.append(("follow_up", followed, "replied", "followed_up", clerk))
                        if status == "reopened":
                            reopened = followed + dt.timedelta(minutes=1)
                            issue.reopen_count, issue.reopened_at = 1, reopened
                            issue.reply_due = cal.add(reopened.date(), 15)
                            timeline.append(("reopen", reopened, "followed_up", "reopened", None))
                            due_step = (OverdueStep.REPLY, "reply_due")
                        else:
                            issue.rating = score
                            if score <= 2 and len(bad_ratings) < 60:
                                bad_ratings.append((issue, lead, handler, followed))
                            if status == "closed":
                                issue.closed_at = followed + dt.timedelta(days=rng.randint(0, 5))
                                timeline.append(("close", issue.closed_at, "followed_up", "closed", supervisor))
            if issue.lead_department_id and rng.random() < 0.004:
                escalations.append((issue, lead, dispatched + dt.timedelta(days=2)))
        if due_step is not None:
            step, field = due_step
            due = getattr(issue, field)
            if due < today:
                issue.ever_overdue = True
                if rng.random() < 0.97:  # the rest are today's news for the sweep
                    marks.append(OverdueMark(issue=issue, step=step, due=due, department=issue.lead_department))
        elif issue.reply_due and issue.replied_on_time is False:
            issue.ever_overdue = True
            marks.append(OverdueMark(issue=issue, step="reply", due=issue.reply_due, department=issue.lead_department))
        for action, at, before, after, actor in timeline:
            events.append(
                IssueEvent(issue=issue, action=action, actor=actor, at=at, from_status=before, to_status=after)
            )
        issues.append(issue)
    for mark in marks:
        mark.marked_at = dt.datetime.combine(mark.due + dt.timedelta(days=1), dt.time(0, 30), tzinfo=TZ)
    Issue.objects.bulk_create(issues, batch_size=2000)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            for sql in connection.ops.sequence_reset_sql(no_style(), [Issue]):
                cursor.execute(sql)
    IssueEvent.objects.bulk_create(events, batch_size=5000)
    OverdueMark.objects.bulk_create(marks, batch_size=5000)
    through = Issue.co_departments.through
    through.objects.bulk_create([through(issue_id=i, department=d) for i, d in cos], batch_size=5000)
    ExtensionRequest.objects.bulk_create(extensions)
    Escalation.objects.bulk_create(
        [
            Escalation(
                issue=i,
                from_department=d,
                to_department=lead_departments[-1],
                from_level=level_of[d.pk],
                to_level="province",
                reason="跨区域协调",
                by=supervisor,
                at=at,
            )
            for i, d, at in escalations
        ]
    )
    for issue, lead, handler, at in bad_ratings:
        rating = Rating.objects.create(
            issue=issue,
            round=1,
            score=issue.rating,
            comment="没有解决",
            source="follow_up",
            rated_by=clerk,
            department=lead,
            at=at,
        )
        Appeal.objects.create(issue=issue, rating=rating, department=lead, reason="已按规定办理", requested_by=handler)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
    counts = {}
    for issue in issues:
        counts[issue.status] = counts.get(issue.status, 0) + 1
    print(
        f"  {n_problems:,} problems, {len(events):,} events, {len(marks):,} overdue marks, "
        f"{len(cos):,} co-departments, "
        f"{len(extensions)} pending extensions, {len(escalations)} escalations, {len(bad_ratings)} appeals: "
        f"{time.perf_counter() - started:.1f} s"
    )
    print("  statuses: " + ", ".join(f"{k} {v:,}" for k, v in sorted(counts.items(), key=lambda kv: -kv[1])))
    return summary_users()


def summary_users():
    """The people the lists are measured as, and the facts the URLs need."""
    from django.db.models import Count

    from issues.models import Issue
    from portal.models import User

    by_department = dict(
        Issue.objects.exclude(lead_department=None)
        .values_list("lead_department")
        .annotate(n=Count("id"))
        .values_list("lead_department", "n")
    )
    busy = max(by_department, key=by_department.get)
    quiet = min(by_department, key=by_department.get)
    users = {
        "supervisor": User.objects.get(username="bench-supervisor"),
        "clerk": User.objects.get(username="bench-clerk"),
        "handler (busy)": User.objects.get(role="handler", department_id=busy),
        "handler (quiet)": User.objects.get(role="handler", department_id=quiet),
        "member": User.objects.get(username="bench-member-0"),
    }
    print(
        f"  busy department leads {by_department[busy]:,} problems, quiet one {by_department[quiet]:,}; "
        f"bench-member-0's enterprise has {Issue.objects.visible_to(users['member']).count()} problems"
    )
    return users, busy


def deep_url(user, url: str, offset: int = DEEP_OFFSET) -> str | None:
    """The URL of the page starting at row ``offset`` of this list as ``user`` sees it (None if the list
    is shorter): the cursor that following "next" would reach, or ``?page=`` for numbered lists."""
    from urllib.parse import urlsplit

    from django.http import QueryDict

    try:
        from issues.pagination import cursor_at
    except ImportError:  # numbered pages (before keyset pagination)
        sep = "&" if "?" in url else "?"
        return f"{url}{sep}page={offset // 20 + 1}"
    from issues import selectors

    parts = urlsplit(url)
    data = QueryDict(parts.query)
    if parts.path == "/issues/inbox/":
        queryset = selectors.department_inbox(user=user)
    else:  # the list, "mine" and the API list: the shared FilterSet over what the user may see
        queryset = selectors.issue_list(user=user, data=data).qs
    cursor = cursor_at(queryset, offset)
    if cursor is None:
        return None
    data = data.copy()
    data["cursor"] = cursor
    return f"{parts.path}?{data.urlencode()}"


def measure(client, label: str, url: str, runs: int, explain: bool):
    times, response = [], None
    for i in range(runs):
        connection.queries_log.clear()  # a long run would overflow the log and capture nothing
        with CaptureQueriesContext(connection) as ctx:
            started = time.perf_counter()
            response = client.get(url)
            elapsed = (time.perf_counter() - started) * 1000
        if i:
            times.append(elapsed)
    if response.status_code != 200:
        print(f"  {label:17} {url[:78]:78} HTTP {response.status_code}")
        return None, None
    p95 = statistics.quantiles(times, n=20)[18] if len(times) >= 2 else times[0]
    slowest = max(ctx.captured_queries, key=lambda q: float(q["time"]))
    sql_ms = sum(float(q["time"]) for q in ctx.captured_queries) * 1000
    print(
        f"  {label:17} {url[:78]:78} p50 {statistics.median(times):7.1f} ms  p95 {p95:7.1f} ms  "
        f"{len(ctx.captured_queries):3d} q  (last run: SQL {sql_ms:.0f} ms, slowest query "
        f"{float(slowest['time']) * 1000:.0f} ms)"
    )
    if explain and connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + slowest["sql"])
            print("      " + "\n      ".join(row[0] for row in cursor.fetchall()))
    return statistics.median(times), p95


def measure_lists(users, busy_department: int, runs: int, explain: bool):
    today = dt.date.today()
    month_ago, year_ago = today - dt.timedelta(days=30), today - dt.timedelta(days=365)
    year_range = f"date_from={year_ago - dt.timedelta(days=60)}&date_to={year_ago}"
    cases = [
        ("supervisor", "/issues/supervision/"),
        ("supervisor", "/issues/"),
        ("supervisor", "deep:/issues/"),
        ("supervisor", "/issues/?status=accepted"),
        ("supervisor", "/issues/?status=closed"),
        ("supervisor", "deep:/issues/?status=closed"),
        ("supervisor", f"/issues/?department={busy_department}"),
        ("supervisor", f"deep:/issues/?department={busy_department}"),
        ("supervisor", "/issues/?overdue=true"),
        ("supervisor", "/issues/?overdue=true&sort=deadline"),
        ("supervisor", f"/issues/?date_from={month_ago}"),
        ("supervisor", f"/issues/?{year_range}"),
        ("supervisor", "/issues/?q=路灯"),
        ("supervisor", "/issues/?q=SQ" + (today - dt.timedelta(days=400)).strftime("%Y%m%d") + "000001"),
        ("supervisor", "/issues/?sort=deadline"),
        ("supervisor", "deep:/issues/?sort=deadline"),
        ("supervisor", "/issues/?sort=registered"),
        ("supervisor", "/issues/?status=closed&category=tax&channel=online&level=city&sort=-registered"),
        ("clerk", "/issues/catch-all/"),
        ("clerk", "/issues/follow-ups/"),
        ("clerk", "/issues/"),
        ("handler (busy)", "/issues/inbox/"),
        ("handler (busy)", "deep980:/issues/inbox/"),
        ("handler (busy)", "/issues/"),
        ("handler (busy)", "deep:/issues/"),
        ("handler (busy)", "/issues/?status=accepted&sort=deadline"),
        ("handler (quiet)", "/issues/inbox/"),
        ("handler (quiet)", "/issues/"),
        ("member", "/issues/mine/"),
        ("member", "deep420:/issues/mine/"),
        ("clerk", "/api/v1/issues/"),
        ("clerk", "deep:/api/v1/issues/"),
        ("clerk", "/api/v1/issues/?status=accepted&sort=deadline"),
        ("clerk", f"/api/v1/issues/?department={busy_department}"),
        ("clerk", "/api/v1/issues/?q=路灯"),
        ("clerk", f"/api/v1/issues/?date_from={month_ago}&overdue=true"),
        ("handler (busy)", "/api/v1/issues/"),
        ("handler (busy)", "deep:/api/v1/issues/"),
        ("member", "/api/v1/issues/"),
    ]
    clients = {}
    for who, user in users.items():
        clients[who] = Client(HTTP_HOST="localhost")
        clients[who].force_login(user)
    print(f"list pages and API ({runs - 1} timed runs each after a warm-up; 20 rows a page):")
    figures = []
    for who, url in cases:
        client = clients[who]
        if url.startswith("deep"):
            prefix, url = url.split(":", 1)
            offset = int(prefix[4:] or DEEP_OFFSET)
            url = deep_url(users[who], url, offset)
            if url is None:
                print(f"  {who:17} (list shorter than {offset} rows)")
                continue
        figures.append((who, url, *measure(client, who, url, runs, explain)))
    return figures


def measure_sweep():
    from issues.actions import sweep_overdue
    from issues.models import Issue

    for label in ("sweep: the day's new overdue steps", "sweep: re-run (idempotent)"):
        executed = []  # counted by a wrapper: the sweep can run more queries than the debug log keeps

        def count(execute, sql, params, many, context, executed=executed):
            executed.append(1)
            return execute(sql, params, many, context)

        # The outer atomic block holds back what each mark enqueues on commit (the notification delivery,
        # a separate task on the workers) until after the measurement, as in policies_bench.py.
        with transaction.atomic(), connection.execute_wrapper(count):
            started = time.perf_counter()
            marked = sweep_overdue()
            elapsed = time.perf_counter() - started
        print(f"{label}: marked {marked}, {elapsed * 1000:.0f} ms, {len(executed)} SQL queries")
    print(f"  open problems overdue now: {Issue.objects.overdue().count():,}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--problems", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=21)
    parser.add_argument("--explain", action="store_true")
    parser.add_argument("--keep", action="store_true")
    parser.add_argument("--reuse", metavar="NAME")
    args = parser.parse_args()
    rng = random.Random(2026)
    if args.reuse:
        from django.core.management import call_command

        connection.close_pool() if hasattr(connection, "close_pool") else connection.close()
        connection.settings_dict["NAME"] = args.reuse
        call_command("migrate", verbosity=0)
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute("ANALYZE")
        print(f"database: {connection.vendor}, reusing {args.reuse}")
        users, busy = summary_users()
        measure_lists(users, busy, args.runs, args.explain)
        return
    connection.settings_dict.setdefault("TEST", {})["NAME"] = f"issues_scale_bench_{os.getpid()}"
    print(f"database: {connection.vendor}, throwaway database {connection.settings_dict['TEST']['NAME']}")
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    try:
        users, busy = build(args.problems, rng)
        measure_lists(users, busy, args.runs, args.explain)
        measure_sweep()
    finally:
        if args.keep:
            print(f"kept database {connection.settings_dict['NAME']} (--reuse it; drop it with dropdb)")
        else:
            connection.creation.destroy_test_db(old_name, verbosity=0)
            print("throwaway database dropped")


if __name__ == "__main__":
    main()
