"""Who sees which problems: enterprise A never sees B's; a department only what was dispatched to it."""

import pytest

from issues import actions
from issues.models import Issue
from tests.issues.factories import issue_in, submit
from tests.portal.factories import DepartmentFactory, StaffFactory

pytestmark = pytest.mark.django_db


def test_enterprise_sees_only_its_own(people, other_member):
    mine = submit(people["member"])
    theirs = submit(other_member, title="水上加油站经营范围无法登记")
    assert list(Issue.objects.visible_to(people["member"])) == [mine]
    assert list(Issue.objects.visible_to(other_member)) == [theirs]


def test_department_sees_only_what_was_dispatched_to_it(people):
    c, h, o = people["clerk"], people["handler"], people["other_handler"]
    undispatched = submit(people["member"])
    led = submit(people["member"], title="中试基地排队")
    actions.issue_dispatch(actor=c, issue=led, lead_department=h.department)
    co = submit(people["member"], title="厂房层高")
    actions.issue_dispatch(actor=c, issue=co, lead_department=o.department, co_departments=[h.department])
    third = StaffFactory(role="handler", department=DepartmentFactory())
    assert set(Issue.objects.visible_to(h)) == {led, co}
    assert set(Issue.objects.visible_to(o)) == {co}
    assert not Issue.objects.visible_to(third).exists()
    assert undispatched not in Issue.objects.visible_to(h)


def test_staff_see_all_and_anonymous_none(people, supervisor, auditor):
    from django.contrib.auth.models import AnonymousUser

    issue_in("dispatched", member=people["member"], clerk=people["clerk"], handler=people["handler"])
    assert Issue.objects.visible_to(people["clerk"]).count() == 1
    assert Issue.objects.visible_to(supervisor).count() == 1
    assert Issue.objects.visible_to(auditor).count() == 1
    assert not Issue.objects.visible_to(AnonymousUser()).exists()


def test_unverified_member_sees_nothing(people, enterprise):
    from tests.portal.factories import MembershipFactory

    submit(people["member"])
    pending = MembershipFactory(enterprise=enterprise, status="pending").user
    assert not Issue.objects.visible_to(pending).exists()


def test_history_rows_follow_the_problem(people, other_member, supervisor):
    from issues.models import IssueEvent, Rating

    issue = issue_in("reopened", member=people["member"], clerk=people["clerk"], handler=people["handler"])
    assert Rating.objects.visible_to(people["member"]).count() == 1
    assert not Rating.objects.visible_to(other_member).exists()
    assert not IssueEvent.objects.visible_to(other_member).exists()
    # the enterprise sees only public events; staff see the internal ones too
    actions.issue_classify(actor=supervisor, issue=submit(people["member"]), tier="complex")
    assert not IssueEvent.objects.visible_to(people["member"]).filter(action="classify").exists()
    assert IssueEvent.objects.visible_to(supervisor).filter(action="classify").exists()
    assert issue.pk
