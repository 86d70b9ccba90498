"""Keyset pages of the lists and the cursor of the API list: every row exactly once across pages, ties in
the sort key included; filters kept in the links; bad cursors answered clearly; visibility unchanged.
The problems are written in their state directly (issue_made): how they got there is not tested here."""

import base64
import datetime as dt
import html
import json
import re

import pytest

from issues import actions, selectors
from issues.models import Issue
from issues.pagination import cursor_at, keyset_page
from tests.issues.factories import at, issue_made, issue_submitted

pytestmark = pytest.mark.django_db

NEXT = re.compile(r'href="([^"]+)" rel="next"')
PREVIOUS = re.compile(r'href="([^"]+)" rel="prev"')
ROW = re.compile(r'<tr data-issue="(\d+)">')


def _roles(people):
    return {"member": people["member"], "clerk": people["clerk"], "handler": people["handler"]}


def _rows(page_html: str) -> list[int]:
    return [int(pk) for pk in ROW.findall(page_html)]


def _walk(client, path: str, query: str = "") -> tuple[list[int], list[str], str]:
    """Follow "next" from the first page to the last: (row ids in page order, the URLs, last page HTML)."""
    url = f"{path}?{query}" if query else path
    ids, urls = [], []
    while True:
        response = client.get(url)
        assert response.status_code == 200, url
        text = response.content.decode()
        ids += _rows(text)
        urls.append(url)
        found = NEXT.search(text)
        if not found:
            return ids, urls, text
        url = path + html.unescape(found.group(1))


def _walk_back(client, path: str, last_html: str) -> list[int]:
    """Follow "previous" from the last page to the first: row ids in list order."""
    pages = [_rows(last_html)]
    text = last_html
    while found := PREVIOUS.search(text):
        response = client.get(path + html.unescape(found.group(1)))
        assert response.status_code == 200
        text = response.content.decode()
        pages.insert(0, _rows(text))
    return [pk for page in pages for pk in page]


@pytest.fixture
def tied(people):
    """45 problems registered at the very same instant (a batch import) between 4 earlier and 3 later
    ones: 52 rows, most of them tied in the sort key."""
    same = at("2026-03-10", 9)
    made = [issue_submitted(people["member"], now=at("2026-03-02", 9 + i), title=f"早{i}") for i in range(4)]
    made += [issue_submitted(people["member"], now=same, title=f"同批{i}") for i in range(45)]
    made += [issue_submitted(people["member"], now=at("2026-03-20", 9 + i), title=f"晚{i}") for i in range(3)]
    return made


def test_pages_cover_every_row_once_with_ties_forwards_and_backwards(client_for, people, tied):
    # given 52 problems, 45 of them registered at the same instant, seen by a clerk
    c = client_for(people["clerk"])
    expected = list(Issue.objects.order_by("-registered_at", "-id").values_list("pk", flat=True))
    # when the clerk follows "next" to the end, then "previous" back to the start
    ids, urls, last = _walk(c, "/issues/")
    back = _walk_back(c, "/issues/", last)
    # then every row appears once, in the list's order, both ways; 3 pages of at most 20
    assert ids == expected and back == expected
    assert len(urls) == 3
    assert "共 52 条" in last and "第 3 / 3 页" in last


def test_oldest_first_and_deadline_orders_page_through_ties_and_empty_deadlines(client_for, people, supervisor):
    # given problems whose deadlines tie (same day registered or dispatched) and finished ones without any
    roles = {**_roles(people), "supervisor": supervisor}
    for i in range(12):
        issue_made("dispatched", **roles, now=at("2026-03-02"), title=f"办理中{i}")
    for i in range(12):
        issue_submitted(people["member"], now=at("2026-03-03"), title=f"待交办{i}")
    for i in range(6):
        issue_made("closed", **roles, now=at("2026-02-02"), title=f"办结{i}")
    for i in range(5):
        issue_made("replied", **roles, now=at("2026-02-10"), title=f"已答复{i}")
    c = client_for(people["clerk"])
    by_deadline = sorted(Issue.objects.all(), key=lambda i: (i.current_due() or dt.date.max, i.pk))
    oldest_first = list(Issue.objects.order_by("registered_at", "id").values_list("pk", flat=True))
    # when the clerk pages through the deadline order and the oldest-first order
    deadline_ids, _urls, last = _walk(c, "/issues/", "sort=deadline")
    registered_ids, _urls, _last = _walk(c, "/issues/", "sort=registered")
    # then both are complete and in order: the earliest deadline first, finished problems last
    assert deadline_ids == [i.pk for i in by_deadline]
    assert _walk_back(c, "/issues/", last) == deadline_ids
    assert registered_ids == oldest_first


@pytest.mark.parametrize(
    ("who", "path", "status"),
    [
        ("clerk", "/issues/catch-all/", "submitted"),
        ("handler", "/issues/inbox/", "dispatched"),
        ("clerk", "/issues/follow-ups/", "replied"),
        ("member", "/issues/mine/", "submitted"),
    ],
)
def test_queues_page_through_every_row_once(client_for, people, supervisor, who, path, status):
    # given 23 problems in the queue's state, all on the same day (their deadlines tie)
    roles = {**_roles(people), "supervisor": supervisor}
    made = [issue_made(status, **roles, now=at("2026-03-02"), title=f"问题{i}") for i in range(23)]
    # when its user follows "next" to the end
    ids, urls, _last = _walk(client_for(people[who]), path)
    # then each problem appears exactly once, on 2 pages
    assert sorted(ids) == sorted(i.pk for i in made) and len(ids) == len(set(ids)) and len(urls) == 2


def test_links_keep_the_filters(client_for, people):
    # given 25 problems matching a filter with two statuses, a date range and a sort
    for i in range(25):
        issue_submitted(people["member"], now=at("2026-03-02"), title=f"厂房问题{i}")
    c = client_for(people["clerk"])
    query = "status=submitted&status=returned&date_from=2026-03-01&date_to=2026-03-31&sort=deadline&category="
    # when the clerk opens the list and follows "next"
    text = c.get(f"/issues/?{query}").content.decode()
    next_url = html.unescape(NEXT.search(text).group(1))
    second = c.get("/issues/" + next_url).content.decode()
    # then the link carries every filter and a cursor, and "previous" and "first page" keep them too
    for part in ("status=submitted", "status=returned", "date_from=2026-03-01", "date_to=2026-03-31", "sort=deadline"):
        assert part in next_url
    assert "cursor=" in next_url and "page=" not in next_url
    previous = html.unescape(PREVIOUS.search(second).group(1))
    first = html.unescape(re.search(r'href="([^"]+)" data-testid="page-first"', second).group(1))
    assert "status=returned" in previous and "sort=deadline" in previous
    assert "status=returned" in first and "cursor=" not in first
    assert len(_rows(text)) == 20 and len(_rows(second)) == 5


def _cursor(payload: dict) -> str:
    return base64.urlsafe_b64encode(json.dumps(payload).encode()).decode().rstrip("=")


@pytest.mark.parametrize(
    "bad",
    [
        "garbage",
        "!!!",
        "eyJ",
        _cursor({"o": "-registered_at,-id", "v": ["not a date", 3], "d": "n", "n": 2}),
        _cursor({"o": "-registered_at,-id", "v": ["2026-03-02T10:00:00", 3], "d": "n", "n": 2}),  # naive
        _cursor({"o": "-registered_at,-id", "v": [None, 3], "d": "n", "n": 2}),
        _cursor({"o": "-registered_at,-id", "v": ["2026-03-02T10:00:00+08:00", 10**30], "d": "n", "n": 2}),
        _cursor({"o": "-registered_at,-id", "v": ["0001-01-01T00:00:00+14:00", 3], "d": "n", "n": 2}),
        _cursor({"o": "-registered_at,-id", "v": [[1], {"a": 1}], "d": "n", "n": 2}),
        _cursor({"o": "-registered_at,-id", "v": ["2026-03-02T10:00:00+08:00"], "d": "n", "n": 2}),
        _cursor({"o": "-registered_at,-id", "v": ["2026-03-02T10:00:00+08:00", 3], "d": "x", "n": 2}),
        _cursor({"o": "-registered_at,-id", "v": ["2026-03-02T10:00:00+08:00", 3], "d": "n", "n": True}),
        _cursor({"o": "deadline_key,id", "v": ["2026-03-02", 3], "d": "n", "n": 2}),  # another order
        _cursor(["a list"]),
        "x" * 5000,
    ],
)
def test_a_bad_cursor_shows_the_first_page_with_a_notice(client_for, people, bad):
    # given a list of 25 problems
    for i in range(25):
        issue_submitted(people["member"], now=at("2026-03-02"), title=f"问题{i}")
    first = _rows(client_for(people["clerk"]).get("/issues/").content.decode())
    # when the URL carries a cursor that is not one of this list's
    r = client_for(people["clerk"]).get("/issues/", {"cursor": bad})
    # then the first page is shown, with a notice saying why, never an error
    assert r.status_code == 200
    text = r.content.decode()
    assert 'data-testid="pagination-notice"' in text and "已显示第一页" in text
    assert _rows(text) == first


def test_a_cursor_of_another_sort_is_refused_not_misread(client_for, people):
    # given the second page of the deadline order
    for i in range(25):
        issue_submitted(people["member"], now=at("2026-03-02"), title=f"问题{i}")
    c = client_for(people["clerk"])
    next_url = html.unescape(NEXT.search(c.get("/issues/?sort=deadline").content.decode()).group(1))
    cursor = re.search(r"cursor=([^&]+)", next_url).group(1)
    # when its cursor is used with the default order
    text = c.get(f"/issues/?cursor={cursor}").content.decode()
    # then the first page of the default order is shown with the notice
    assert "pagination-notice" in text
    assert _rows(text) == list(Issue.objects.order_by("-registered_at", "-id").values_list("pk", flat=True)[:20])


@pytest.mark.parametrize("page", ["2", "abc", "-1", "99999", "last"])
def test_numbered_page_of_an_old_bookmark_shows_the_first_page(client_for, people, page):
    for i in range(25):
        issue_submitted(people["member"], now=at("2026-03-02"), title=f"问题{i}")
    r = client_for(people["clerk"]).get("/issues/", {"page": page})
    assert r.status_code == 200 and len(_rows(r.content.decode())) == 20


def test_counts_above_the_limit_are_not_counted(client_for, people, monkeypatch):
    # given a count limit of 5 and 25 problems (more than one page)
    monkeypatch.setattr("issues.pagination.COUNT_LIMIT", 5)
    for i in range(25):
        issue_submitted(people["member"], now=at("2026-03-02"), title=f"问题{i}")
    c = client_for(people["clerk"])
    # then the list says "more than 5", a filtered list of 3 says 3
    assert "超过 5 条" in c.get("/issues/").content.decode()
    issue_ids = list(Issue.objects.values_list("pk", flat=True)[:3])
    # (overdue is read from the deadline: every problem but three gets a dispatch deadline years away)
    Issue.objects.exclude(pk__in=issue_ids).update(dispatch_due=dt.date(2099, 12, 31))
    assert "共 3 条" in c.get("/issues/?overdue=true").content.decode()
    # and a text search, not counted, says neither over 20 rows, but counts what fits on one page
    searched = c.get("/issues/?q=问题").content.decode()
    assert "超过" not in searched and "共 25 条" not in searched and 'rel="next"' in searched
    assert "共 1 条" in c.get("/issues/?q=问题7").content.decode()


def test_handler_pages_show_only_what_the_handler_may_see(client_for, people, other_member):
    # given problems led by the handler's department, co-handled by it, and led by another department
    roles = _roles(people)
    own = [issue_made("dispatched", **roles, title=f"本部门{i}") for i in range(15)]
    other = [
        issue_made("dispatched", **{**roles, "handler": people["other_handler"]}, title=f"他部门{i}") for i in range(15)
    ]
    co = issue_made("submitted", **roles, title="协办")
    actions.issue_dispatch(
        actor=people["clerk"],
        issue=co,
        lead_department=people["other_handler"].department,
        co_departments=[people["handler"].department],
    )
    c = client_for(people["handler"])
    # when the handler pages through the list, even with a cursor taken from the clerk's wider list
    ids, _urls, _last = _walk(c, "/issues/")
    clerk_cursor = cursor_at(selectors.issue_list(user=people["clerk"]).qs, 1)
    forged = _rows(c.get(f"/issues/?cursor={clerk_cursor}").content.decode())
    # then exactly the problems visible_to(handler) appear, never another department's
    visible = set(Issue.objects.visible_to(people["handler"]).values_list("pk", flat=True))
    assert set(ids) == visible == {i.pk for i in own} | {co.pk}
    assert set(forged) <= visible and not set(forged) & {i.pk for i in other}


def test_second_page_query_count_is_constant(client_for, people, num_queries):
    # given 25 problems, then 60
    c = client_for(people["clerk"])

    def second_page_queries():
        text = c.get("/issues/?sort=deadline").content.decode()
        return num_queries.get(c, "/issues/" + html.unescape(NEXT.search(text).group(1)))

    for i in range(25):
        issue_submitted(people["member"], now=at("2026-03-02"), title=f"问题{i}")
    fewer = second_page_queries()
    for i in range(35):
        issue_submitted(people["member"], now=at("2026-03-03"), title=f"问题{i}")
    # then the second page costs the same
    assert second_page_queries() == fewer == 9


def test_keyset_page_reaching_the_start_backwards_shows_a_full_first_page(people):
    # given 30 problems and a "previous" cursor of the second page taken before 5 more arrived first
    for i in range(30):
        issue_submitted(people["member"], now=at("2026-03-02", 9) + dt.timedelta(minutes=i), title=f"问题{i}")
    qs = selectors.issue_list(user=people["clerk"]).qs
    second = keyset_page(qs, keyset_page(qs).next_cursor)
    assert second.number == 2 and len(second) == 10
    # when following "previous"
    back = keyset_page(qs, second.previous_cursor)
    # then it is the full first page
    assert back.number == 1 and not back.has_previous and len(back) == 20
    assert [i.pk for i in back] == [i.pk for i in keyset_page(qs)]


# --- the API list -------------------------------------------------------------------------------------


def _api_walk(api, url):
    ids, pages = [], []
    while url:
        body = api.get(url).json()
        pages.append(body)
        ids += [row["id"] for row in body["results"]]
        url = body["next"]
    return ids, pages


def test_api_cursor_pages_cover_every_row_once_with_ties(api_for, people, tied):
    # given 52 problems, 45 registered at the same instant
    api = api_for(people["clerk"])
    expected = list(Issue.objects.order_by("-registered_at", "-id").values_list("pk", flat=True))
    # when a client follows "next" from the first page, then "previous" back
    ids, pages = _api_walk(api, "/api/v1/issues/")
    back, url = [], pages[-1]["previous"]
    while url:
        body = api.get(url).json()
        back = [row["id"] for row in body["results"]] + back
        url = body["previous"]
    # then it sees each row once, in order; the response keeps docs/api.md's shape with the count
    assert ids == expected
    assert back + [row["id"] for row in pages[-1]["results"]] == expected
    assert len(pages) == 3 and all(set(body) == {"count", "next", "previous", "results"} for body in pages)
    assert pages[0]["count"] == 52 and pages[0]["previous"] is None and "cursor=" in pages[0]["next"]


def test_api_keeps_filters_page_size_and_sort_in_next(api_for, people):
    for i in range(12):
        issue_submitted(people["member"], now=at("2026-03-02"), title=f"问题{i}")
    api = api_for(people["clerk"])
    ids, pages = _api_walk(api, "/api/v1/issues/?status=submitted&sort=deadline&page_size=5")
    assert len(pages) == 3 and [len(p["results"]) for p in pages] == [5, 5, 2]
    assert "status=submitted" in pages[0]["next"] and "page_size=5" in pages[0]["next"]
    assert ids == [i.pk for i in sorted(Issue.objects.all(), key=lambda i: (i.current_due(), i.pk))]


@pytest.mark.parametrize(
    "bad", ["garbage", _cursor({"o": "deadline_key,id", "v": ["2026-03-02", 1], "d": "n", "n": 2})]
)
def test_api_bad_cursor_is_a_400_with_a_message(api_for, people, bad):
    issue_submitted(people["member"])
    r = api_for(people["clerk"]).get("/api/v1/issues/", {"cursor": bad})
    assert r.status_code == 400 and "cursor" in r.json() and "第一页" in r.json()["cursor"][0]


def test_api_numbered_pages_still_answer_as_before(api_for, people):
    # given 25 problems and a client written against numbered pages
    for i in range(25):
        issue_submitted(people["member"], now=at("2026-03-02"), title=f"问题{i}")
    api = api_for(people["clerk"])
    # when it asks for ?page=2 and for a page that does not exist
    body = api.get("/api/v1/issues/?page=2").json()
    # then it gets the numbered page with the full count, as before
    assert body["count"] == 25 and len(body["results"]) == 5 and "page" not in (body["next"] or "")
    assert body["previous"].endswith("/api/v1/issues/")
    assert api.get("/api/v1/issues/?page=9").status_code == 404


def test_api_count_left_out_above_the_limit_and_for_text_search(api_for, people, monkeypatch):
    monkeypatch.setattr("issues.pagination.COUNT_LIMIT", 5)
    for i in range(7):
        issue_submitted(people["member"], now=at("2026-03-02"), title=f"路灯问题{i}")
    api = api_for(people["clerk"])
    assert "count" not in api.get("/api/v1/issues/?page_size=3").json()
    assert api.get("/api/v1/issues/").json()["count"] == 7  # all on the first page: known without counting
    assert api.get("/api/v1/issues/?q=路灯问题1").json()["count"] == 1  # fits on one page: known
    assert "count" not in api.get("/api/v1/issues/?q=路灯&page_size=3").json()  # not counted for a search


def test_api_cursor_query_count_is_constant(api_for, people, num_queries):
    api = api_for(people["clerk"])

    def second_page_queries():
        return num_queries.get(api, api.get("/api/v1/issues/?page_size=5").json()["next"])

    for i in range(8):
        issue_submitted(people["member"], now=at("2026-03-02"), title=f"问题{i}")
    fewer = second_page_queries()
    for i in range(30):
        issue_submitted(people["member"], now=at("2026-03-03"), title=f"问题{i}")
    assert second_page_queries() == fewer == 5


# --- filters rewritten for the indexes keep their rows ------------------------------------------------


def test_date_range_is_by_local_day_at_the_boundaries(client_for, people):
    # given problems registered just after midnight and just before midnight, Shanghai time
    early = issue_submitted(
        people["member"], now=dt.datetime.combine(dt.date(2026, 3, 2), dt.time(0, 0), tzinfo=at("2026-03-02").tzinfo)
    )
    late = issue_submitted(
        people["member"],
        now=dt.datetime.combine(dt.date(2026, 3, 1), dt.time(23, 59, 59, 999999), tzinfo=early.registered_at.tzinfo),
    )
    c = client_for(people["clerk"])

    def rows(query):
        return set(_rows(c.get("/issues/?" + query).content.decode()))

    # then each belongs to its local day, whatever UTC says
    assert rows("date_from=2026-03-02") == {early.pk}
    assert rows("date_to=2026-03-01") == {late.pk}
    assert rows("date_from=2026-03-01&date_to=2026-03-01") == {late.pk}
    assert rows("date_from=0001-01-01&date_to=9999-12-31") == {early.pk, late.pk}
    assert client_for(people["clerk"]).get("/api/v1/issues/?date_to=9999-12-31").status_code == 200


def test_text_search_finds_reference_title_and_enterprise_in_any_case(api_for, people):
    led = issue_submitted(people["member"], title="LED路灯不亮")
    other = issue_submitted(people["member"], title="用工问题")
    api = api_for(people["clerk"])

    def ids(q):
        return {row["id"] for row in api.get("/api/v1/issues/", {"q": q}).json()["results"]}

    assert ids(led.reference.lower()) == {led.pk}
    assert ids("led") == {led.pk} and ids("路灯") == {led.pk}
    assert ids(led.enterprise.name[2:6]) == {led.pk, other.pk}
    assert ids("不存在的词") == set()


def test_two_statuses_list_each_row_once(api_for, people, supervisor):
    roles = {**_roles(people), "supervisor": supervisor}
    for status in ("submitted", "dispatched", "dispatched"):
        issue_made(status, **roles)
    body = api_for(people["clerk"]).get("/api/v1/issues/?status=submitted&status=dispatched").json()
    assert body["count"] == 3 and len({row["id"] for row in body["results"]}) == 3


def test_deadline_order_matches_the_current_step_deadline(people, supervisor):
    roles = {**_roles(people), "supervisor": supervisor}
    for status, day in [("replied", "2026-03-02"), ("submitted", "2026-03-05"), ("closed", "2026-02-02")]:
        issue_made(status, **roles, now=at(day))
    issue_made("accepted", **roles, now=at("2026-03-03"))
    ordered = list(Issue.objects.by_deadline())
    assert ordered == sorted(ordered, key=lambda i: (i.current_due() or dt.date.max, i.pk))
    assert ordered[-1].status == "closed"


@pytest.mark.parametrize("ordering", ["reply_due", "-reply_due"])
def test_keyset_pages_over_a_nullable_key_put_empty_values_last_both_ways(people, ordering):
    # given dispatched problems (a reply deadline, many of them tied) and submitted ones (none yet)
    roles = _roles(people)
    for i in range(9):
        issue_made("dispatched", **roles, now=at("2026-03-02" if i % 2 else "2026-03-09"), title=f"办理{i}")
    for i in range(8):
        issue_submitted(people["member"], now=at("2026-03-05"), title=f"待交办{i}")
    qs = Issue.objects.order_by(ordering)
    # when paging 4 rows at a time forwards, then backwards from the last page
    pages = [keyset_page(qs, page_size=4)]
    while pages[-1].has_next:
        pages.append(keyset_page(qs, pages[-1].next_cursor, page_size=4))
    forwards = [i.pk for page in pages for i in page]
    back = [pages[-1]]
    while back[0].has_previous:
        back.insert(0, keyset_page(qs, back[0].previous_cursor, page_size=4))
    # then every row comes once, deadlines in order, the empty ones last, ids breaking ties
    due = {i.pk: i.reply_due for i in Issue.objects.all()}
    descending = ordering.startswith("-")
    expected = sorted(
        due,
        key=lambda pk: (
            due[pk] is None,
            -(due[pk].toordinal()) if descending and due[pk] else (due[pk].toordinal() if due[pk] else 0),
            -pk if descending else pk,
        ),
    )
    assert forwards == expected
    assert [i.pk for page in back for i in page] == expected
    assert [page.number for page in pages] == [1, 2, 3, 4, 5]
