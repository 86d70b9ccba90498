"""schemathesis over the whole OpenAPI schema, as each role (issue 12, finding 5).

Every operation of the schema, with cases generated from it (positive: what the schema allows), sent
through Django's WSGI application with a token, as anonymous, an enterprise member, a clerk, a
handler and a supervisor. Checks: no server error, the response conforms to the schema (body and
content type), and its status code is documented. Bounded and derandomized — the same cases every
run, a fixed number per operation — so it fits the suite's time on a small machine.
"""

import base64
import hashlib
import inspect
import json
import os
import time
from importlib.metadata import version
from pathlib import Path

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
from schemathesis.core import NotSet
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

# Under pytest-xdist every role runs in one worker, which draws the cases once (the module fixture below).
pytestmark = pytest.mark.xdist_group("schemathesis")


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


@pytest.fixture(scope="module")
def generated():
    """The schema and every operation's cases, generated once for all roles: the cases depend on the
    schema and the fixed seed only, and generating them is most of the cost (hypothesis draws), so each
    role replays the same list instead of drawing it again. → [(operation, [(case, use_real_id)])]"""
    raw = SchemaGenerator().get_schema(request=None, public=True)
    schema = schemathesis.openapi.from_dict(raw)
    # Operations that end the caller's own tokens (logout, revoke) go last, or every case after them is a 401.
    ordered = sorted((result.ok() for result in schema.get_all_operations()), key=ends_own_tokens)
    stored = CACHE / f"cases-{cache_key(raw)}.json"
    if stored.exists():
        return schema, load_cases(ordered, json.loads(stored.read_text(encoding="utf-8"), object_hook=_bytes_in))
    operations = [(operation, [case for mode in EXAMPLES for case in draw(operation, mode)]) for operation in ordered]
    stored.parent.mkdir(parents=True, exist_ok=True)
    partial = stored.with_suffix(f".{time.monotonic_ns()}.tmp")  # renamed into place: never read half-written
    partial.write_text(json.dumps(dump_cases(operations), ensure_ascii=False, default=_bytes_out), encoding="utf-8")
    partial.replace(stored)
    return schema, operations


# The drawn cases are a pure function of the schema, EXAMPLES and the libraries that draw them (derandomized):
# kept in the user's cache directory (PORTAL_TEST_CACHE, else $XDG_CACHE_HOME or ~/.cache, /portal-tests) under
# that key, so the suite's next run (CI's PostgreSQL pass after its SQLite pass, the next clone's run on the
# same machine, a developer's next run) replays them instead of drawing them again (most of this module's CPU
# time). Any change to the schema, the counts or the versions is another key: the cases are drawn afresh.
USER_CACHE = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "portal-tests"
CACHE = Path(os.environ.get("PORTAL_TEST_CACHE") or USER_CACHE) / "schemathesis"
CASE_FIELDS = ("path_parameters", "headers", "cookies", "query", "media_type")


def cache_key(raw: dict) -> str:
    """The schema, the counts, how a case is drawn (this module's draw and its real-id paths) and the versions."""
    counts = {mode.value: count for mode, count in EXAMPLES.items()}
    libraries = [version("schemathesis"), version("hypothesis")]
    parts = [raw, counts, inspect.getsource(draw), sorted(REAL_ID_PATHS), libraries]
    return hashlib.sha256(json.dumps(parts, sort_keys=True, default=str).encode()).hexdigest()[:20]


BYTES = "\u0000bytes"  # a key no drawn object has: {BYTES: base64} stands for a binary value (multipart files)


def _bytes_out(value):
    if isinstance(value, bytes):
        return {BYTES: base64.b64encode(value).decode()}
    raise TypeError(f"{type(value).__name__} in a drawn case")


def _bytes_in(value: dict):
    return base64.b64decode(value[BYTES]) if list(value) == [BYTES] else value


def dump_cases(operations) -> dict:
    def one(case, use_real):
        fields = {name: dict(getattr(case, name) or {}) for name in CASE_FIELDS if name != "media_type"}
        fields["media_type"] = case.media_type
        if not isinstance(case.body, NotSet):
            fields["body"] = case.body
        return {**fields, "use_real": use_real}

    return {operation.label: [one(case, use_real) for case, use_real in cases] for operation, cases in operations}


def load_cases(ordered, stored: dict) -> list:
    def one(operation, fields):
        kwargs = {name: fields[name] for name in CASE_FIELDS}
        if "body" in fields:
            kwargs["body"] = fields["body"]
        return operation.Case(method=operation.method.upper(), **kwargs), fields["use_real"]

    return [(operation, [one(operation, fields) for fields in stored[operation.label]]) for operation in ordered]


def draw(operation, mode) -> list:
    """The bounded, reproducible cases of one operation: (case, whether its id is replaced by a real one)."""
    drawn = []
    strategy = operation.as_strategy(generation_mode=mode)
    if "{id}" in operation.path and any(operation.path.startswith(prefix) for prefix in REAL_ID_PATHS):
        strategy = st.tuples(strategy, st.booleans())  # half of the cases reach a real object
    else:
        strategy = strategy.map(lambda case: (case, False))

    @settings(
        max_examples=EXAMPLES[mode],
        derandomize=True,
        database=None,
        deadline=None,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(pair=strategy)
    def collect(pair):
        drawn.append(pair)

    try:
        collect()
    except Unsatisfiable:
        pass  # nothing to make invalid (an operation without parameters or body)
    return drawn


# Path prefix → the world's object whose id replaces the generated one in half of the cases.
REAL_ID_PATHS = {
    "/api/v1/issues/": "issue",
    "/api/v1/issue-extension-requests/": "extension",
    "/api/v1/issue-appeals/": "appeal",
    "/api/v1/enterprises/": "enterprise",
    "/api/v1/departments/": "department",
    "/api/v1/applications/": "application",
    "/api/v1/application-items/": "task",
}


def send(operation, cases, headers, failures, world, app) -> None:
    real = next((world[name].pk for prefix, name in REAL_ID_PATHS.items() if operation.path.startswith(prefix)), None)
    for case, use_real in cases:
        if use_real:
            case.path_parameters = {**(case.path_parameters or {}), "id": real}
        response = case.call(headers=headers, app=app)
        try:
            case.validate_response(response, checks=CHECKS)
        except (Failure, FailureGroup) as exc:
            failures.append(
                f"{operation.label} [{headers.get('Authorization', 'anonymous')[:12]}] "
                f"{response.status_code}: {str(exc).splitlines()[0:3]}"
            )
        if response.status_code == 401 and "Authorization" not in headers:
            # An operation that refuses an anonymous caller does so before reading any input (DRF authenticates
            # first), so its other cases would get the same 401; what they test is tested as the other roles.
            return


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
def test_the_api_conforms_to_its_schema_for_every_role(role, generated, wsgi_app, clerk, handler, supervisor, member):
    # Given some data for the cases to find, and the role's token
    _schema, operations = generated
    world = make_world(member=member, clerk=clerk, handler=handler, supervisor=supervisor)
    users = {"member": member, "clerk": clerk, "handler": handler, "supervisor": supervisor}
    headers = {}
    if role != "anonymous":
        headers["Authorization"] = token_header(users[role])
    # When every operation gets its bounded, reproducible set of generated cases
    failures = []
    started = time.monotonic()
    for operation, cases in operations:
        cache.clear()  # each operation starts with fresh rate-limit windows (the 429s are documented anyway)
        send(operation, cases, headers, failures, world, wsgi_app)
    elapsed = time.monotonic() - started
    cases = sum(len(cases) for _operation, cases in operations)
    print(
        f"schemathesis {role}: {len(operations)} operations, {cases} cases, {len(failures)} failures, {elapsed:.1f} s"
    )
    # Then no server error, no response outside its schema, no undocumented status
    assert len(operations) >= 50
    assert failures == [], f"{len(failures)} of {cases} cases failed:\n" + "\n".join(failures[:60])
