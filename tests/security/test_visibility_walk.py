"""Visibility everywhere (issue 12, finding 4): a walk over every URL pattern and API route, taken
from the URL resolver, as each role against someone else's objects — 0 successes.

* enterprise A's member against enterprise B's enterprise, membership, application, problem,
  attachment, extension request, appeal, entitlement and 企业码 page;
* the handler of department X against department Y's problem, its attachment, extension request and
  appeal, and Y's fulfilment task — and the 企业码/detail pages of the enterprise, where Y's problem
  must not show;
* a clerk against a supervisor's export job.

A URL pattern with arguments that the walk does not know fails the test, so a new page or route is
classified here (someone's object, or public reference data) before it ships.
"""

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from insights.choices import LedgerKind
from insights.models import LedgerExport
from issues import actions as issue_actions
from issues.code_views import signed_token
from issues.models import Issue
from issues.views import IssueMoveView
from market import actions as market_actions
from market.choices import ServiceType
from market.views import PurchaseMoveView
from market.workflow import BOOKING
from policies.models import Entitlement
from portal.actions import api_token_issue
from services import actions as service_actions
from services.choices import TaskEvent
from tests.conftest import token_header
from tests.issues.factories import issue_in
from tests.market.factories import FacilityFactory, IntermediaryFactory
from tests.market.factories import day as market_day
from tests.policies.factories import PolicyFactory
from tests.security import samples
from tests.services.factories import BundleFactory, BundleItemFactory, ServiceItemFactory

SECRET = "乙企业专属问题标记"

# URL name → the kind of object its arguments name (someone else's object).
OWNED = {
    "portal:enterprise_detail": "enterprise",
    "portal:membership_decide": "membership",
    "services:application_detail": "application",
    "services:application_confirmation": "application",
    "services:application_receipt": "application",
    "services:task_detail": "task",
    "services:task_transition": "task",
    "issues:issue_detail": "issue",
    "issues:rate_qr": "issue",
    "market:booking_move": "booking",
    "market:purchase_detail": "purchase",
    "market:purchase_move": "purchase",
    "intermediary-qualifications": "intermediary",
    "api-token-own-detail": "token",
    "api-token-own-revoke": "token",
    "issues:contact_reveal": "issue",
    "issues:issue_move": "issue",
    "issues:move_department_lookup": "issue",
    "issues:attachment_download": "attachment",
    "issues:extension_decide": "extension",
    "issues:appeal_decide": "appeal",
    "issues:enterprise_code": "enterprise",
    "issues:enterprise_code_svg": "enterprise",
    "policies:entitlement_decide": "entitlement",
    "insights:export_download": "export",
    "enterprise-detail": "enterprise",
    "application-detail": "application",
    "entitlement-detail": "entitlement",
    "entitlement-confirm": "entitlement",
    "entitlement-withdraw": "entitlement",
}
OWNED_PREFIXES = {
    "facility-booking-": "booking",
    "purchase-result-": None,  # published results: public (below)
    "purchase-": "purchase",
    "application-item-": "task",
    "issue-extension-request-": "extension",
    "issue-appeal-": "appeal",
    "issue-": "issue",
}
# What X's handler may not reach of Y's work (staff see every enterprise: there the test is that Y's
# problems do not show).
HANDLER_MAY_NOT_SEE = {
    *("task", "issue", "attachment", "extension", "appeal", "export", "enterprise", "token"),
    *("booking", "intermediary"),
}
# Public reference data (catalogue, policies, departments, the common-problem library) or a
# capability link checked in its own test; nobody's private object.
PUBLIC = {
    "department-detail",
    "bundle-detail",
    "policy-detail",
    "common-issue-detail",
    "services:bundle_detail",
    "services:apply_check",
    "services:selection_check",
    "services:apply_submit",
    "policies:policy_detail",
    "policies:policy_enterprises",
    "insights:common_detail",
    "insights:common_answer",
    "insights:common_edit",
    "insights:common_reuse",
    "insights:library_detail",
    "issues:enterprise_status_signed",
    # voice: the public summaries of meetings and inquiries; writes there are role-checked (tests/voice)
    "voice:session_detail",
    "voice:inquiry_detail",
    "meeting-detail",
    "meeting-problems",
    "inquiry-detail",
    "inquiry-ballots",
    # voice: a clerk's finding page and an administrator's application page: staff rows of no enterprise or
    # department; their role matrices are in tests/voice/test_bad_input.py
    "voice:finding_raise",
    "voice:officer_decide",
    # market: the public catalogue of facilities and verified intermediaries, and published results
    "facility-detail",
    "intermediary-detail",
    "intermediary-complaints",
    "purchase-result-detail",
    # open311: every call needs a key, whose reach its own tests check (tests/open311/test_visibility.py)
    "open311:discovery",
    "open311:services",
    "open311:service_definition",
    "open311:requests",
    "open311:request_detail",
    "open311:updates",
    "open311:not_found",
}


def url_patterns(resolver=None, prefix="", namespace=None):
    """(route, name) of every URL pattern, admin excluded (it has its own permission tests)."""
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            inner = entry.namespace
            name = f"{namespace}:{inner}" if namespace and inner else (inner or namespace)
            yield from url_patterns(entry, route, name)
        elif isinstance(entry, URLPattern) and not route.startswith("admin/"):
            yield route, f"{namespace}:{entry.name}" if namespace else entry.name


def kind_of(name: str) -> str | None:
    if name in OWNED:
        return OWNED[name]
    for prefix, kind in OWNED_PREFIXES.items():
        if name.startswith(prefix):
            return kind
    return None


def to_path(route: str, values: dict) -> str:
    """Fill a route's arguments (Django ``<int:pk>`` or a router's ``(?P<pk>…)``)."""
    path = route.lstrip("^").rstrip("$")

    def value(match):
        return str(values[match.group(1)])

    path = re.sub(r"<(?:\w+:)?(\w+)>", value, path)
    path = re.sub(r"\(\?P<(\w+)>[^)]*\)", value, path)
    return "/" + path.replace("\\.", ".")


@pytest.fixture
def world(member, other_member, enterprise, other_enterprise, clerk, handler, other_handler, supervisor):
    """Enterprise B's objects, handled by department Y (other_handler); A's member and X's handler."""
    roles = {"member": other_member, "clerk": clerk, "handler": other_handler, "supervisor": supervisor}
    attachment = SimpleUploadedFile("photo.png", samples.png())
    issue = issue_in("accepted", **roles, title=SECRET, attachments=[attachment])
    extension = issue_actions.issue_request_extension(
        actor=other_handler, issue=issue, requested_due=issue.reply_due + dt.timedelta(days=5), reason="延期"
    )
    rated = issue_in("reopened", **roles, title=SECRET + "二")
    appeal = issue_actions.appeal_submit(actor=other_handler, rating=rated.ratings.get(), reason="申诉")
    bundle = BundleFactory(code="walk", name="走查一类事")
    item = BundleItemFactory(bundle=bundle, service=ServiceItemFactory(code="W-1", department=other_handler.department))
    application = service_actions.application_submit(
        actor=other_member,
        bundle=bundle,
        enterprise=other_enterprise,
        selected_ids=[item.pk],
        contact_name="沈建国",
        contact_phone="13812345678",
    )
    entitlement = Entitlement.objects.create(policy=PolicyFactory(), enterprise=other_enterprise)
    export = LedgerExport.objects.create(
        ledger=LedgerKind.ISSUES, requested_by=supervisor, filters={"period": "2026-03"}, period_label="2026-03"
    )
    other_token, _raw = api_token_issue(user=other_member)
    facility = FacilityFactory(owner_department=other_handler.department, capacity=1)
    booking = market_actions.booking_create(
        actor=other_member, facility=facility, start=market_day(2036, 12, 10), end=market_day(2036, 12, 12)
    )
    purchase = market_actions.purchase_create(
        actor=other_member,
        title="环评服务采购",
        service_type=ServiceType.EIA,
        scope="新建厂房环评",
        budget=Decimal("50000"),
        quote_deadline=market_day(2036, 12, 1),
        selection_method="lowest_price",
    )
    intermediary = IntermediaryFactory()
    intermediary.members.add(other_member)
    objects = {
        "booking": {"pk": booking.pk},
        "purchase": {"pk": purchase.pk},
        "intermediary": {"pk": intermediary.pk},
        "token": {"pk": other_token.pk},
        "enterprise": {"pk": other_enterprise.pk, "enterprise_pk": other_enterprise.pk},
        "membership": {"pk": other_member.memberships.get().pk},
        "application": {"pk": application.pk},
        "task": {"pk": application.items.get().pk},
        "issue": {"pk": issue.pk},
        "attachment": {"pk": issue.pk, "attachment_pk": issue.attachments.get().pk},
        "extension": {"pk": extension.pk},
        "appeal": {"pk": appeal.pk},
        "entitlement": {"pk": entitlement.pk},
        "export": {"pk": export.pk},
    }
    # Who may not see what: A's member sees none of B's objects; X's handler none of Y's work (the
    # enterprise itself is visible to all staff, so there the test is that Y's problems do not show).
    kinds = {
        "member": (member, set(objects)),
        "handler": (handler, HANDLER_MAY_NOT_SEE),
        "clerk": (clerk, {"export", "token"}),
    }
    return {"objects": objects, "kinds": kinds, "issues": [issue.pk, rated.pk]}


def clients_for(user):
    session = Client(raise_request_exception=False)
    session.force_login(user)
    return session, Client(raise_request_exception=False, HTTP_AUTHORIZATION=token_header(user))


def fills(name, kind, objects):
    """Every set of URL arguments to try for one pattern on one object."""
    base = objects[kind]
    if name in ("issues:issue_move", "issues:move_department_lookup"):
        return [{**base, "move": move} for move in IssueMoveView.entries]
    if name == "services:task_transition":
        return [{**base, "move": event} for event in TaskEvent.values]
    if name == "market:booking_move":
        return [{**base, "move": move} for move in BOOKING.moves]
    if name == "market:purchase_move":
        return [{**base, "move": move} for move in PurchaseMoveView.entries]
    return [base]


def body(response) -> bytes:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content)
    return response.content


def is_success(method, response, kind, role):
    if kind == "enterprise" and role != "member":
        # Staff see every enterprise; what they must not see there is another department's problem.
        return response.status_code < 300 and SECRET.encode() in body(response)
    if response.status_code < 300:
        return True
    return method == "POST" and response.status_code in (301, 302, 303) and "/login" not in response["Location"]


@pytest.mark.django_db
def test_no_role_reaches_someone_elses_object_on_any_url(world):
    statuses_before = dict(Issue.objects.values_list("pk", "status"))
    unclassified, successes, walked, sent = [], [], set(), 0
    for route, name in url_patterns():
        if not re.search(r"<|\(\?P", route):
            continue
        if name in PUBLIC:
            continue
        kind = kind_of(name)
        if kind is None:
            unclassified.append(f"{name} {route}")
            continue
        walked.add(name)
        for role, (user, forbidden) in world["kinds"].items():
            if kind not in forbidden:
                continue
            session, api = clients_for(user)
            client = api if route.startswith("api/") else session
            for values in fills(name, kind, world["objects"]):
                path = to_path(route, values)
                for method in ("GET", "POST"):
                    response = client.generic(method, path, "{}", content_type="application/json")
                    sent += 1
                    if is_success(method, response, kind, role):
                        successes.append(f"{role} {method} {path} → {response.status_code}")
    print(f"visibility walk: {len(walked)} URL patterns with arguments, {sent} requests, {len(successes)} successes")
    # Then every pattern with arguments is classified, and none gave anyone someone else's object
    assert unclassified == [], "classify these URL patterns in OWNED or PUBLIC:\n" + "\n".join(unclassified)
    assert len(walked) >= 30
    assert successes == [], f"{len(successes)} of {sent} requests succeeded:\n" + "\n".join(successes)
    assert dict(Issue.objects.values_list("pk", "status")) == statuses_before


@pytest.mark.django_db
def test_no_list_or_page_without_arguments_shows_another_departments_or_enterprises_problem(world):
    # Given every URL pattern without arguments (lists, workbenches, dashboards, API lists)
    leaks, walked = [], 0
    for route, _name in url_patterns():
        if re.search(r"<|\(\?P|\\\.|\(", route) or route.startswith("api/schema"):
            continue
        walked += 1
        for role in ("member", "handler"):
            session, api = clients_for(world["kinds"][role][0])
            client = api if route.startswith("api/") else session
            response = client.get("/" + route.lstrip("^").rstrip("$"))
            # Then none shows B's problem (handled by department Y) to A's member or X's handler
            if response.status_code == 200 and SECRET.encode() in body(response):
                leaks.append(f"{role} /{route}")
    print(f"list walk: {walked} URL patterns without arguments, {walked * 2} requests, {len(leaks)} leaks")
    assert walked >= 30
    assert leaks == []


@pytest.mark.django_db
def test_the_enterprise_code_page_shows_a_handler_only_their_departments_problems(world, client_for, other_handler):
    # Given enterprise B's 企业码 page and its problems handled by department Y
    enterprise_pk = world["objects"]["enterprise"]["pk"]
    handler = world["kinds"]["handler"][0]
    # When department X's handler opens it, and department Y's handler
    unrelated = client_for(handler).get(f"/issues/code/{enterprise_pk}/")
    responsible = client_for(other_handler).get(f"/issues/code/{enterprise_pk}/")
    # Then only Y's handler sees the problems (X sees the page, empty)
    assert unrelated.status_code == 200 and SECRET not in unrelated.content.decode()
    assert other_handler.name not in unrelated.content.decode()
    assert SECRET in responsible.content.decode()


@pytest.mark.django_db
def test_the_signed_page_shows_the_links_enterprise_only(world, client, client_for, enterprise, other_enterprise):
    # Given a signed link to enterprise A's status page (A has no problems) and one to B's
    a_link = f"/issues/status/{signed_token(enterprise)}/"
    b_link = f"/issues/status/{signed_token(other_enterprise)}/"
    handler = world["kinds"]["handler"][0]
    # Then A's page never shows B's problems, whoever opens it; B's shows them to any link holder
    assert SECRET not in client.get(a_link).content.decode()
    assert SECRET not in client_for(handler).get(a_link).content.decode()
    assert SECRET in client.get(b_link).content.decode()
