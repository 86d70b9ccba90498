"""Issue 11: anyone can recount every figure of the published ranking from the open rows alone."""

import csv
import datetime as dt
import io
import random

import pytest
from django.db import transaction

from insights.rankings import REOPEN_PENALTY, WEIGHTS
from issues import actions
from issues.models import Issue
from portal.choices import DepartmentKind, Role
from tests.insights.factories import at, drive, submit
from tests.portal.factories import (
    DepartmentFactory,
    EnterpriseFactory,
    RegionFactory,
    StaffFactory,
    UserFactory,
    member_of,
)

pytestmark = pytest.mark.django_db

FIGURES = [
    "received",
    "on_time_accept_rate",
    "on_time_reply_rate",
    "closure_rate",
    "follow_up_rate",
    "satisfaction_rate",
    "mean_rating",
    "ratings_count",
    "follow_up_satisfaction_rate",
    "follow_up_ratings_count",
    "mean_days_to_reply",
    "mean_days_to_close",
    "reopen_rate",
    "returns",
    "extensions",
    "score",
    "rank",
    "insufficient_sample",
    "previous_rank",
    "arrow",
    "last_twice",
]


# --- generated data ----------------------------------------------------------------------------


def _generate(rng, *, day, handlers, people, n):
    """``n`` problems first dispatched around ``day`` over ``handlers``, in every state: late steps,
    returns, extensions, follow-up satisfaction, enterprises' ratings, 重办 up to the limit, upheld
    appeals."""
    member, clerk, supervisor = people["member"], people["clerk"], people["supervisor"]
    for number in range(n):
        handler = handlers[rng.randrange(len(handlers))]
        now = at(day, 9 + number % 8)
        issue = submit(member, title=f"开放数据问题{number}", now=now)
        status = rng.choice(["dispatched", "accepted", "returned", "replied", "followed_up", "closed", "reopened"])
        rating = rng.choice([3, 4, 5])
        drive(
            issue,
            status,
            member=member,
            clerk=clerk,
            handler=handler,
            supervisor=supervisor,
            now=now,
            rating=rating,
            late=rng.random() < 0.3,
            satisfaction=rng.choice([None, 2, 4, 5]),
        )
        issue.refresh_from_db()
        if status == "accepted" and rng.random() < 0.5:
            later = issue.reply_due + dt.timedelta(days=10)
            actions.issue_request_extension(actor=handler, issue=issue, requested_due=later, reason="等检测", now=now)
        if status == "returned" and rng.random() < 0.5:
            other = handlers[(handlers.index(handler) + 1) % len(handlers)]
            actions.issue_dispatch(actor=clerk, issue=issue, lead_department=other.department, now=now)
        if status == "reopened" and rng.random() < 0.6:
            # bad again in every round: 重办 twice, then the supervisor; the department appeals
            while issue.status == "reopened":
                actions.issue_accept(actor=handler, issue=issue, now=now)
                actions.issue_reply(actor=handler, issue=issue, reply="重办", now=now)
                actions.issue_rate(actor=member, issue=issue, rating=rng.choice([1, 2]), comment="仍未解决", now=now)
                issue.refresh_from_db()
            appeal = actions.appeal_submit(
                actor=handler, rating=issue.ratings.order_by("-round").first(), reason="超出职责", now=now
            )
            actions.appeal_decide(actor=supervisor, appeal=appeal, uphold=rng.random() < 0.5, now=now)
            if rng.random() < 0.5:
                actions.issue_close(actor=supervisor, issue=issue, note="经会商办结", now=now)


@pytest.fixture(scope="class")
def world(django_db_setup, django_db_blocker):
    """Two months of generated problems, built once for the read-only tests of ``TestOpenRows`` (about a
    third of this module's time when each test built its own): inside one transaction, rolled back after
    the class's last test, each test in its own savepoint within it (as Django's ``setUpTestData``). The
    people are the ones of tests/conftest.py, made here because those fixtures are per test."""
    with django_db_blocker.unblock(), transaction.atomic():
        region = RegionFactory(code="330500", name="湖州市", level="city")
        centre = DepartmentFactory(code="hz-centre", name="湖州市企业综合服务中心", kind=DepartmentKind.SERVICE_CENTRE)
        catch_all = DepartmentFactory(code="hz-doudi", name="兜底办", kind=DepartmentKind.CATCH_ALL)
        department = DepartmentFactory(code="hz-amr", name="湖州市市场监督管理局")
        other_department = DepartmentFactory(code="hz-tax", name="国家税务总局湖州市税务局")
        member = member_of(EnterpriseFactory(name="湖州绿源新能源科技有限公司"), user=UserFactory(username="ent-a"))
        people = {
            "member": member,
            "clerk": StaffFactory(username="clerk", role=Role.CLERK, department=centre),
            "supervisor": StaffFactory(username="supervisor", role=Role.SUPERVISOR, department=catch_all),
        }
        handler = StaffFactory(username="handler-hz-amr", role=Role.HANDLER, department=department)
        other_handler = StaffFactory(username="handler-hz-tax", role=Role.HANDLER, department=other_department)
        thin = StaffFactory(username="thin", role="handler", department=DepartmentFactory(region=region))
        rng = random.Random(11)
        for day in ("2026-02-09", "2026-03-10"):
            _generate(rng, day=day, handlers=[handler, other_handler], people=people, n=24)
            _generate(rng, day=day, handlers=[thin], people=people, n=3)
        yield {"member": member, "handler": handler, "other_handler": other_handler, "thin": thin}
        transaction.set_rollback(True)


# --- the recount, from the rows alone -----------------------------------------------------------


def _rows(api, period):
    rows, url = [], f"/api/v1/rankings/rows/?period={period}&page_size=7"
    while url:
        body = api.get(url).json()
        rows += body["results"]
        url = body["next"]
    return rows


def _rate(part, whole):
    return part / whole if whole else None


def _recount(rows, min_sample):
    groups = {}

    def group(key):
        return groups.setdefault(key, {"rows": [], "returns": 0, "extensions": 0})

    for row in rows:
        group(row["department"]["id"])["rows"].append(row)
        for act in row["returns"]:
            group(act["department"])["returns"] += 1
        for act in row["extensions"]:
            group(act["department"])["extensions"] += 1
    figures = {}
    for key, g in groups.items():
        rs = g["rows"]
        accepted = [r for r in rs if r["accepted_on_time"] is not None]
        replied = [r for r in rs if r["replied_on_time"] is not None]
        rated = [r for r in rs if r["rating"] is not None and not r["appeal_upheld"]]
        stated = [r for r in rs if r["follow_up_satisfaction"] is not None]
        reply_days = [r["days_to_reply"] for r in rs if r["days_to_reply"] is not None]
        close_days = [r["days_to_close"] for r in rs if r["days_to_close"] is not None]
        f = {
            "received": len(rs),
            "on_time_accept_rate": _rate(sum(r["accepted_on_time"] for r in accepted), len(accepted)),
            "on_time_reply_rate": _rate(sum(r["replied_on_time"] for r in replied), len(replied)),
            "closure_rate": _rate(sum(r["status"] == "closed" for r in rs), len(rs)),
            "follow_up_rate": _rate(sum(r["followed_up"] for r in replied), len(replied)),
            "satisfaction_rate": _rate(sum(r["rating"] >= 4 for r in rated), len(rated)),
            "mean_rating": _rate(sum(r["rating"] for r in rated), len(rated)),
            "ratings_count": len(rated),
            "follow_up_satisfaction_rate": _rate(sum(r["follow_up_satisfaction"] >= 4 for r in stated), len(stated)),
            "follow_up_ratings_count": len(stated),
            "mean_days_to_reply": round(sum(reply_days) / len(reply_days), 1) if reply_days else None,
            "mean_days_to_close": round(sum(close_days) / len(close_days), 1) if close_days else None,
            "reopen_rate": _rate(sum(r["reopen_count"] > 0 for r in rs), len(rs)),
            "returns": g["returns"],
            "extensions": g["extensions"],
        }
        total = sum(weight * (f[name] or 0) for name, weight in WEIGHTS.items())
        f["score"] = round(total - REOPEN_PENALTY * (f["reopen_rate"] or 0), 2)
        f["insufficient_sample"] = 0 < f["received"] < min_sample
        figures[key] = f
    ranked = sorted((k for k, f in figures.items() if f["received"] >= min_sample), key=lambda k: -figures[k]["score"])
    for key in figures:
        f = figures[key]
        f["rank"] = 1 + sum(1 for other in ranked if figures[other]["score"] > f["score"]) if key in ranked else None
    worst = max((figures[k]["rank"] for k in ranked), default=None)
    last = {k for k in ranked if figures[k]["rank"] == worst} if worst and worst > 1 else set()
    return figures, last


@pytest.mark.xdist_group("insights_open_rows")  # one worker builds the shared world once
class TestOpenRows:
    """The tests that only read the generated world (one build for both)."""

    def test_every_figure_of_the_ranking_is_recounted_from_the_open_rows(self, api_for, world):
        anonymous = api_for()
        published = anonymous.get("/api/v1/rankings/?period=2026-03").json()
        min_sample = published["min_sample"]
        # when anyone recounts March and February from the open rows alone
        march, last_now = _recount(_rows(anonymous, "2026-03"), min_sample)
        february, last_before = _recount(_rows(anonymous, "2026-02"), min_sample)
        for key, f in march.items():
            prior = february.get(key, {}).get("rank")
            f["previous_rank"] = prior if f["rank"] is not None else None
            f["arrow"] = (
                "new"
                if f["rank"] is None or prior is None
                else "up"
                if f["rank"] < prior
                else "down"
                if f["rank"] > prior
                else "same"
            )
            f["last_twice"] = key in last_now and key in last_before
        # then every figure of every published row agrees
        assert {row["department"]["id"] for row in published["results"]} == set(march)
        assert len(published["results"]) == 3
        for row in published["results"]:
            expected = march[row["department"]["id"]]
            for name in FIGURES:
                if isinstance(expected[name], float):
                    assert row[name] == pytest.approx(round(expected[name], 4), abs=1e-9), name
                else:
                    assert row[name] == expected[name], (name, row["department"]["name"])
        # and the data covered what it must: a thin department, 重办 at the limit, appeals, extensions
        thin = march[world["thin"].department_id]
        assert thin["insufficient_sample"] and thin["rank"] is None
        assert Issue.objects.filter(reopen_limit_reached=True).exists()
        assert max(Issue.objects.values_list("reopen_count", flat=True)) == 2
        assert sum(f["extensions"] for f in march.values()) > 0 and sum(f["returns"] for f in march.values()) > 0
        assert sum(f["follow_up_ratings_count"] for f in march.values()) > 0

    def test_the_rows_identify_no_enterprise_and_the_csv_holds_the_same_rows(self, api_for, client, world):
        enterprise = world["member"].memberships.get().enterprise
        response = api_for().get("/api/v1/rankings/rows/?period=2026-03&page_size=1000")
        text = response.content.decode()
        assert enterprise.name not in text and enterprise.uscc not in text and "开放数据问题" not in text
        rows = response.json()["results"]
        assert set(rows[0]) == {
            "problem", "reference", "department", "category", "first_dispatched_at", "accept_due", "accepted_at",
            "accepted_on_time", "reply_due", "replied_at", "replied_on_time", "closed_at", "status", "followed_up",
            "rating", "appeal_upheld", "follow_up_satisfaction", "reopen_count", "withdrawn", "days_to_reply",
            "days_to_close", "returns", "extensions",
        }  # fmt: skip
        csv_response = client.get("/insights/rankings/rows.csv?period=2026-03")
        assert csv_response.status_code == 200
        body = b"".join(csv_response.streaming_content).decode("utf-8-sig")
        lines = list(csv.DictReader(io.StringIO(body)))
        assert [int(line["problem"]) for line in lines] == [row["problem"] for row in rows]
        assert enterprise.name not in body
        assert [line["rating"] for line in lines] == ["" if r["rating"] is None else str(r["rating"]) for r in rows]


def test_bad_period_is_400_and_the_methodology_page_is_public(api_for, client):
    r = api_for().get("/api/v1/rankings/rows/?period=2026-13")
    assert r.status_code == 400 and "period" in r.json()
    assert client.get("/insights/rankings/rows.csv?period=nope").status_code == 400
    page = client.get("/insights/rankings/methodology/").content.decode()
    assert "/api/v1/rankings/rows/" in page and "1、2、2、4" in page and "15×按时签收率" in page


def test_the_rows_cost_the_same_queries_for_3_and_30_problems(api_for, member, clerk, supervisor, handler, num_queries):
    people = {"member": member, "clerk": clerk, "supervisor": supervisor}
    rng = random.Random(3)
    _generate(rng, day="2026-03-10", handlers=[handler], people=people, n=3)
    _generate(rng, day="2026-04-14", handlers=[handler], people=people, n=30)
    api = api_for()
    # count, page, returns, extensions, calendar overrides
    march = num_queries.get(api, "/api/v1/rankings/rows/?period=2026-03&page_size=100")
    assert num_queries.get(api, "/api/v1/rankings/rows/?period=2026-04&page_size=100") == march == 5
