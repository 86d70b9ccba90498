"""Work queues (issue 15): filters, sorts, finished work hidden unless asked, the 督办 page in sections
with counts, and the navigation's counts in one query."""

import datetime as dt

import pytest
from django.utils import timezone

from issues import actions
from portal import counts
from tests.issues.factories import issue_in, issue_made, submit

pytestmark = pytest.mark.django_db


def _roles(people):
    return {"member": people["member"], "clerk": people["clerk"], "handler": people["handler"]}


def _rows(html: str, testid: str) -> list[int]:
    table = html.split(f'data-testid="{testid}"')[1].split("</table>")[0]
    return [int(part.split('"')[0]) for part in table.split('data-issue="')[1:]]


def test_catch_all_queue_filters_and_sorts(client_for, people):
    # given three problems waiting for dispatch, registered on different days, one about tax
    old = submit(people["member"], title="老问题", now=timezone.now() - dt.timedelta(days=10))
    new = submit(people["member"], title="新问题")
    tax = submit(people["member"], title="税务问题", category="tax")
    c = client_for(people["clerk"])
    # then deadline first by default, newest first on request, and the category filter narrows it
    html = c.get("/issues/catch-all/").content.decode()
    assert _rows(html, "catch-all-queue")[0] == old.pk
    assert 'data-testid="queue-filters"' in html and 'name="status"' not in html
    assert _rows(c.get("/issues/catch-all/?sort=-registered").content.decode(), "catch-all-queue")[-1] == old.pk
    assert _rows(c.get("/issues/catch-all/?category=tax").content.decode(), "catch-all-queue") == [tax.pk]
    assert set(_rows(c.get("/issues/catch-all/?q=问题").content.decode(), "catch-all-queue")) == {
        old.pk,
        new.pk,
        tax.pk,
    }


def test_department_inbox_hides_finished_work_unless_asked(client_for, people):
    # given one problem the department works on and one closed
    working = issue_in("accepted", **_roles(people))
    closed = issue_in("closed", **_roles(people), supervisor=people["supervisor"])
    c = client_for(people["handler"])
    # then the inbox lists the open one; the toggle adds the closed one after it
    assert _rows(c.get("/issues/inbox/").content.decode(), "department-inbox") == [working.pk]
    assert _rows(c.get("/issues/inbox/?finished=1").content.decode(), "department-inbox") == [working.pk, closed.pk]


def test_navigation_counts_are_one_query_and_agree_with_the_queues(client_for, people, num_queries):
    # given two problems waiting for dispatch and one in the department's work
    submit(people["member"])
    submit(people["member"])
    issue_in("accepted", **_roles(people))
    # then the clerk's badge says 2 and the handler's 1, from one query each
    for who, name, expected in (("clerk", "catch_all", 2), ("handler", "department_inbox", 1)):
        with num_queries(1):
            found = counts.counts_for(people[who])
        assert found[name] == expected and "unread" in found
    html = client_for(people["clerk"]).get("/issues/catch-all/").content.decode()
    assert 'data-testid="count-catch-all">2<' in html
    assert 'data-testid="count-department-inbox">1<' in client_for(people["handler"]).get("/").content.decode()
    # and an enterprise member gets only the unread count
    assert set(counts.counts_for(people["member"])) == {"unread"}


def test_supervision_page_in_sections_with_counts(client_for, people):
    # given a late problem and a pending extension request
    late = issue_in("accepted", **_roles(people), now=timezone.now() - dt.timedelta(days=60))
    asked = issue_in("accepted", **_roles(people))
    actions.issue_request_extension(
        actor=people["handler"],
        issue=asked,
        requested_due=asked.reply_due + dt.timedelta(days=10),
        reason="需要现场勘验",
    )
    c = client_for(people["supervisor"])
    # when the page opens: tabs with counts, the overdue section (the first with work) listed alone
    html = c.get("/issues/supervision/").content.decode()
    assert 'data-testid="section-count-overdue">1<' in html and 'data-testid="section-count-extensions">1<' in html
    assert _rows(html, "overdue-list") == [late.pk]
    assert 'data-testid="extension-list"' not in html
    # and the extension section lists the request; a decided one hides unless asked
    html = c.get("/issues/supervision/?section=extensions").content.decode()
    assert asked.reference in html and 'data-testid="overdue-list"' not in html
    request = asked.extension_requests.get()
    actions.extension_decide(actor=people["supervisor"], request=request, approve=True, note="")
    assert asked.reference not in c.get("/issues/supervision/?section=extensions").content.decode()
    assert asked.reference in c.get("/issues/supervision/?section=extensions&finished=1").content.decode()
    # an unknown section opens the default one
    assert c.get("/issues/supervision/?section=nope").status_code == 200


# each section: session and user, the six counts (one query), the calendar warning, the list (its
# filters' choices, its rows, its count) and the navigation's counts; the rows' lights read the calendar
# once when a row is at a step with a deadline (here the due-soon section is empty: its rows are overdue)
SECTION_QUERIES = {"overdue": 13, "due_soon": 12, "extensions": 9, "escalations": 8}


@pytest.mark.parametrize("section", SECTION_QUERIES)
def test_supervision_sections_cost_the_same_for_3_and_30_rows(client_for, people, section, num_queries):
    c = client_for(people["supervisor"])
    url = f"/issues/supervision/?section={section}"

    def make(n):
        for i in range(n):
            issue_made("accepted", **_roles(people), now=timezone.now() - dt.timedelta(days=60), title=f"超期{i}")

    make(3)
    three = num_queries.get(c, url)
    make(27)
    assert num_queries.get(c, url) == three == SECTION_QUERIES[section]
