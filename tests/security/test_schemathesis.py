"""schemathesis over the whole OpenAPI schema, as each role (issue 12, finding 5).

Every operation of the schema, with cases generated from it (positive: what the schema allows), sent
through Django's WSGI application with a token, as anonymous, an enterprise member, a clerk, a
handler and a supervisor. Checks: no server error, the response conforms to the schema (body and
content type), and its status code is documented. Bounded and derandomized — the same cases every
run, a fixed number per operation — so it fits the suite's time on a small machine.
"""

import time

import pytest
import schemathesis
from django.core import signals
from django.core.cache import cache
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from drf_spectacular.generators import SchemaGenerator
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from hypothesis.errors import Unsatisfiable
from schemathesis.checks import not_a_server_error
from schemathesis.core.failures import Failure, FailureGroup
from schemathesis.generation import GenerationMode
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tests.conftest import token_header
from tests.issues.factories import issue_in

# Cases per operation and role: valid input (what the schema allows) and invalid input (what it
# does not: the API must answer with a documented 4xx, never a 500).
EXAMPLES = {GenerationMode.POSITIVE: 8, GenerationMode.NEGATIVE: 5}
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]


@pytest.fixture
def wsgi_app():
    """Django's WSGI application inside the test's transaction: the handler must not close the
    connection at the end of each request, as Django's own test client arranges too."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        yield get_wsgi_application()
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)


@pytest.fixture
def api_schema(wsgi_app):
    raw = SchemaGenerator().get_schema(request=None, public=True)
    schema = schemathesis.openapi.from_dict(raw)
    schema.app = wsgi_app
    return schema


def real_ids(world) -> dict[str, int]:
    """Path prefix → the id of a real object there, so half of the cases reach a real object."""
    return {
        "/api/v1/issues/": world["issue"].pk,
        "/api/v1/issue-extension-requests/": world["extension"].pk,
        "/api/v1/issue-appeals/": world["appeal"].pk,
        "/api/v1/enterprises/": world["enterprise"].pk,
        "/api/v1/departments/": world["department"].pk,
        "/api/v1/applications/": world["application"].pk,
        "/api/v1/application-items/": world["task"].pk,
    }


def with_real_id(operation, ids, mode):
    strategy = operation.as_strategy(generation_mode=mode)
    real = next((pk for prefix, pk in ids.items() if operation.path.startswith(prefix)), None)
    if real is None or "{id}" not in operation.path:
        return strategy

    def point(pair):
        case, use_real = pair
        if use_real:
            case.path_parameters = {**(case.path_parameters or {}), "id": real}
        return case

    return st.tuples(strategy, st.booleans()).map(point)


def run_operation(operation, headers, failures, ids, mode) -> int:
    count = 0

    @settings(
        max_examples=EXAMPLES[mode],
        derandomize=True,
        database=None,
        deadline=None,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(case=with_real_id(operation, ids, mode))
    def exercise(case):
        nonlocal count
        count += 1
        response = case.call(headers=headers)
        try:
            case.validate_response(response, checks=CHECKS)
        except (Failure, FailureGroup) as exc:
            failures.append(
                f"{operation.label} [{headers.get('Authorization', 'anonymous')[:12]}] "
                f"{response.status_code}: {str(exc).splitlines()[0:3]}"
            )

    try:
        exercise()
    except Unsatisfiable:
        pass  # nothing to make invalid (an operation without parameters or body)
    return count


def make_world(*, member, clerk, handler, supervisor):
    """A problem at each interesting step, an extension request, an appeal and an application."""
    import datetime as dt

    from issues import actions as issue_actions
    from services import actions as service_actions
    from tests.services.factories import BundleFactory, BundleItemFactory, ServiceItemFactory

    roles = {"member": member, "clerk": clerk, "handler": handler, "supervisor": supervisor}
    issue = issue_in("accepted", **roles)
    for status in ("submitted", "dispatched", "replied", "closed"):
        issue_in(status, **roles)
    extension = issue_actions.issue_request_extension(
        actor=handler, issue=issue, requested_due=issue.reply_due + dt.timedelta(days=5), reason="延期"
    )
    rated = issue_in("reopened", **roles)
    appeal = issue_actions.appeal_submit(actor=handler, rating=rated.ratings.get(), reason="申诉")
    bundle = BundleFactory(code="st", name="一类事")
    item = BundleItemFactory(bundle=bundle, service=ServiceItemFactory(code="ST-1", department=handler.department))
    enterprise = member.memberships.get().enterprise
    application = service_actions.application_submit(
        actor=member,
        bundle=bundle,
        enterprise=enterprise,
        selected_ids=[item.pk],
        contact_name="沈建国",
        contact_phone="13812345678",
    )
    return {
        "issue": issue,
        "extension": extension,
        "appeal": appeal,
        "enterprise": enterprise,
        "department": handler.department,
        "application": application,
        "task": application.items.get(),
    }


def ends_own_tokens(operation) -> bool:
    return operation.path.startswith(("/api/v1/auth/logout/", "/api/v1/auth/tokens/"))


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["anonymous", "member", "clerk", "handler", "supervisor"])
def test_the_api_conforms_to_its_schema_for_every_role(role, api_schema, request, clerk, handler, supervisor, member):
    # Given some data for the cases to find, and the role's token
    world = make_world(member=member, clerk=clerk, handler=handler, supervisor=supervisor)
    ids = real_ids(world)
    users = {"member": member, "clerk": clerk, "handler": handler, "supervisor": supervisor}
    headers = {}
    if role != "anonymous":
        headers["Authorization"] = token_header(users[role])
    # When every operation gets its bounded, reproducible set of generated cases
    failures, cases, operations = [], 0, 0
    started = time.monotonic()
    # Operations that end the caller's own tokens (logout, revoke) go last, or every case after them is a 401.
    ordered = sorted((result.ok() for result in api_schema.get_all_operations()), key=ends_own_tokens)
    for operation in ordered:
        operations += 1
        cache.clear()  # each operation starts with fresh rate-limit windows (the 429s are documented anyway)
        for mode in EXAMPLES:
            cases += run_operation(operation, headers, failures, ids, mode)
    elapsed = time.monotonic() - started
    print(f"schemathesis {role}: {operations} operations, {cases} cases, {len(failures)} failures, {elapsed:.1f} s")
    # Then no server error, no response outside its schema, no undocumented status
    assert operations >= 50
    assert failures == [], f"{len(failures)} of {cases} cases failed:\n" + "\n".join(failures[:60])
