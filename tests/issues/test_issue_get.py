"""issues.selectors.issue_get reads the configuration rows its page shows (channel, category, 三不管 kind, lead
department) as JSON subqueries of the problem's own query instead of joins (fewer tables to plan): the
instances it attaches must be those select_related builds, every column, and None where the key is empty."""

import pytest

from issues import selectors
from issues.models import Issue, IssueEvent, OwnerlessKind
from tests.issues.factories import issue_made

pytestmark = pytest.mark.django_db

LOOKUPS = ("channel", "category", "ownerless_kind", "lead_department")


def _columns(obj):
    if obj is None:
        return None
    return type(obj), {f.attname: getattr(obj, f.attname) for f in obj._meta.concrete_fields}, obj._state.adding


def _same_as_joined(issue, user, django_assert_num_queries):
    joined = Issue.objects.select_related(*LOOKUPS).get(pk=issue.pk)
    got = selectors.issue_get(user=user, pk=issue.pk)
    with django_assert_num_queries(0):  # attached, not read again
        for name in LOOKUPS:
            assert _columns(getattr(got, name)) == _columns(getattr(joined, name)), name
    assert not any(key.startswith("detail_") for key in vars(got))
    # and its events' departments (None for a move without one) are those select_related builds too
    joined_events = list(IssueEvent.objects.filter(issue=issue).select_related("department").order_by("at", "id"))
    with django_assert_num_queries(0):
        got_events = list(got.events.all())
        assert [_columns(e.department) for e in got_events] == [_columns(e.department) for e in joined_events]
        assert any(e.department is not None for e in got_events) or issue.status == "submitted"
        assert not any(key.startswith("detail_") for e in got_events for key in vars(e))


def test_lookups_are_the_joined_rows(people, supervisor, django_assert_num_queries):
    # given a problem with a lead department and one waiting for dispatch (no lead department yet)
    accepted = issue_made("accepted", member=people["member"], clerk=people["clerk"], handler=people["handler"])
    waiting = issue_made("submitted", member=people["member"])
    assert accepted.lead_department_id and waiting.lead_department_id is None
    # and one with a 三不管 kind (a description, an inactive flag)
    kind = OwnerlessKind.objects.create(code="gap", name="职责交叉", name_en="Overlap", description='说明\n"引号"')
    kind.is_active = False
    kind.save()
    Issue.objects.filter(pk=waiting.pk).update(ownerless_kind=kind)
    # then issue_get attaches the same instances select_related would
    for issue in (accepted, waiting):
        _same_as_joined(issue, supervisor, django_assert_num_queries)


def test_invisible_problem_is_still_not_found(people):
    issue = issue_made("accepted", member=people["member"], clerk=people["clerk"], handler=people["handler"])
    with pytest.raises(Issue.DoesNotExist):
        selectors.issue_get(user=people["other_handler"], pk=issue.pk)


def test_closed_problem_page_reads_no_calendar(client_for, people, supervisor, num_queries):
    # given a closed problem (no step with a deadline: no light, so no read of the calendar) and an open one
    closed = issue_made("closed", member=people["member"], clerk=people["clerk"], handler=people["handler"])
    open_ = issue_made("accepted", member=people["member"], clerk=people["clerk"], handler=people["handler"])
    c = client_for(supervisor)
    # then the closed problem's page as the supervisor: session, user, the problem, its co-departments,
    # attachments, events and ratings, the navigation's counts
    assert num_queries.get(c, f"/issues/{closed.pk}/") == 8
    # and the open one's: the same, one read of the calendar for its light, and the departments of the
    # supervisor's move form
    assert num_queries.get(c, f"/issues/{open_.pk}/") == 10
    html = c.get(f"/issues/{closed.pk}/").content.decode()
    assert '<span class="muted">—</span>' in html and "data-light=" not in html
