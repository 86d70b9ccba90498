"""Every write of the back office goes through its action (DESIGN.md rules 1 and 10).

The walk takes every ModelAdmin registered on the admin site: each is either read-only, or declares the
action its saves call (``portal.admin.ActionAdminMixin``) and writes around it nowhere. Then, for each
writable one, a real change-form POST as a browser would send it (the page's own fields, one of them
changed) reaches the declared action and leaves its audit row. Registering a writable admin without an
action, or without a sample here, fails this module.
"""

import datetime as dt
from decimal import Decimal
from html.parser import HTMLParser

import pytest
from django.contrib import admin
from django.test import RequestFactory
from django.urls import reverse

from portal.actions import record_save
from portal.admin import ActionAdminMixin
from portal.choices import Role
from portal.models import AuditLog
from portal.workflow import WORKFLOWS
from tests.portal.factories import DepartmentFactory, EnterpriseFactory, RegionFactory, UserFactory

# --- the declarations -------------------------------------------------------------------------------

WRITE_METHODS = ("save_model", "save_related", "save_formset", "delete_model", "delete_queryset")


def _requests():
    """A superuser system administrator and a security administrator: between them every admin power."""
    factory = RequestFactory()
    out = []
    for user in (
        UserFactory(role=Role.ADMIN, is_staff=True, is_superuser=True),
        UserFactory(role=Role.SECURITY, is_staff=True),
    ):
        request = factory.get("/admin/")
        request.user = user
        out.append(request)
    return out


def _writable(model_admin, requests) -> bool:
    return any(
        model_admin.has_add_permission(request)
        or model_admin.has_change_permission(request)
        or model_admin.has_delete_permission(request)
        for request in requests
    )


def _writable_admins() -> dict:
    requests = _requests()
    return {model: ma for model, ma in admin.site._registry.items() if _writable(ma, requests)}


@pytest.mark.django_db
def test_every_writable_admin_declares_its_action_and_writes_around_it_nowhere():
    requests = _requests()
    assert admin.site._registry, "no admin registered?"
    for model, model_admin in admin.site._registry.items():
        label = model._meta.label
        if not _writable(model_admin, requests):
            continue  # read-only: nothing to save
        # then it declares the action its saves call …
        assert isinstance(model_admin, ActionAdminMixin), f"{label}: writable admin without a save action"
        assert model_admin.save_action is not None, f"{label}: no save_action declared"
        # … and no write method of its own goes around it
        for method in WRITE_METHODS:
            assert getattr(type(model_admin), method) is getattr(ActionAdminMixin, method), (
                f"{label}: {method} overridden — a save path beside the action"
            )
        if any(model_admin.has_delete_permission(request) for request in requests):
            assert model_admin.delete_action is not None, f"{label}: deletable without a delete_action"


@pytest.mark.django_db
def test_an_admin_of_a_state_machine_saves_through_its_own_action_with_the_status_read_only():
    requests = _requests()
    writable = _writable_admins()
    for model, model_admin in admin.site._registry.items():
        workflow = WORKFLOWS.get(model._meta.label_lower)
        if workflow is None or model not in writable:
            continue
        # the generic record save knows nothing of moves, re-checks or pushes
        assert model_admin.save_action is not record_save, f"{model._meta.label}: generic save of a state machine"
        for request in requests:
            editable = set(model_admin.get_fields(request)) - set(model_admin.get_readonly_fields(request))
            assert workflow.status_field not in editable, f"{model._meta.label}: status editable in the admin"


# --- a real save through each writable admin's change form ----------------------------------------------


class _FormReader(HTMLParser):
    """What a browser would submit from the admin's change form: inputs, checked boxes, selected options
    and text areas of the form with the given id."""

    def __init__(self, form_id: str):
        super().__init__()
        self.form_id = form_id
        self.inside = False
        self.data: list[tuple[str, str]] = []
        self._select: tuple[str, bool] | None = None
        self._options: list[tuple[str, bool]] = []
        self._textarea: str | None = None
        self._text = ""

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and attrs.get("id") == self.form_id:
            self.inside = True
        if not self.inside or "disabled" in attrs:
            return
        name = attrs.get("name")
        if tag == "input" and name:
            kind = attrs.get("type", "text")
            if kind in {"submit", "button", "image", "file", "reset"}:
                return
            if kind in {"checkbox", "radio"}:
                if "checked" in attrs:
                    self.data.append((name, attrs.get("value") or "on"))
                return
            self.data.append((name, attrs.get("value") or ""))
        elif tag == "select" and name:
            self._select, self._options = (name, "multiple" in attrs), []
        elif tag == "option" and self._select is not None:
            self._options.append((attrs.get("value") or "", "selected" in attrs))
        elif tag == "textarea" and name:
            self._textarea, self._text = name, ""

    def handle_data(self, data):
        if self._textarea is not None:
            self._text += data

    def handle_endtag(self, tag):
        if tag == "form" and self.inside:
            self.inside = False
        elif tag == "select" and self._select is not None:
            name, multiple = self._select
            chosen = [value for value, selected in self._options if selected]
            if not chosen and not multiple and self._options:
                chosen = [self._options[0][0]]
            self.data.extend((name, value) for value in chosen)
            self._select = None
        elif tag == "textarea" and self._textarea is not None:
            self.data.append((self._textarea, self._text.lstrip("\n")))
            self._textarea = None


def _form_data(html: str, form_id: str) -> dict:
    reader = _FormReader(form_id)
    reader.feed(html)
    data: dict[str, list[str]] = {}
    for name, value in reader.data:
        data.setdefault(name, []).append(value)
    return data


def _common_issue(admin_user):
    from insights.models import CommonIssue

    return CommonIssue.objects.create(
        reference="GX-WALK-1",
        title="储能集装箱消防验收无标准",
        summary="多家企业反映储能集装箱消防验收无对应标准。",
        lead_department=DepartmentFactory(),
        created_by=admin_user,
    )


def _api_key(admin_user):
    from issues.models import Channel
    from open311 import actions

    return actions.api_key_issue(actor=admin_user, name="12345 热线", channel=Channel.objects.first())[0]


def _first(model_path: str):
    def make(admin_user):
        from django.apps import apps

        return apps.get_model(model_path).objects.first()

    return make


def _factory(path: str, **kwargs):
    def make(admin_user):
        module, name = path.rsplit(".", 1)
        return getattr(__import__(module, fromlist=[name]), name)(**kwargs)

    return make


def _calendar_override(admin_user):
    from portal.models import CalendarOverride

    return CalendarOverride.objects.create(date=dt.date(2026, 10, 8), is_working_day=False, note="国庆")


def _calendar_year(admin_user):
    from portal.models import CalendarYear

    return CalendarYear.objects.create(year=2027, note="")


def _issue_settings(admin_user):
    from issues.models import IssueSettings

    return IssueSettings.objects.order_by("pk").first() or IssueSettings.objects.create()


# model label → (how to build one, the field the walk changes, the value it writes)
SAMPLES = {
    "portal.User": (lambda u: UserFactory(role=Role.CLERK), "display_name", "改名后的窗口人员"),
    "portal.Region": (lambda u: RegionFactory(code="330599", name="测试区", level="county"), "name", "改名区"),
    "portal.Department": (lambda u: DepartmentFactory(), "name", "改名后的部门"),
    "portal.Enterprise": (lambda u: EnterpriseFactory(), "legal_representative", "李四"),
    "portal.CalendarOverride": (_calendar_override, "note", "国庆调休"),
    "portal.CalendarYear": (_calendar_year, "note", "已核对国务院通知"),
    "services.ServiceItem": (_factory("tests.services.factories.ServiceItemFactory"), "name", "改名后的事项"),
    "services.Bundle": (_factory("tests.services.factories.BundleFactory"), "name", "改名后的一类事"),
    "services.BundleItem": (_factory("tests.services.factories.BundleItemFactory"), "order", "7"),
    "policies.Policy": (_factory("tests.policies.factories.PolicyFactory"), "title", "改名后的政策"),
    "insights.CommonIssue": (_common_issue, "root_cause", "标准缺位"),
    "market.Facility": (_factory("tests.market.factories.FacilityFactory"), "name", "改名后的中试线"),
    "open311.ApiKey": (_api_key, "name", "12345 热线（新）"),
    "issues.Channel": (_first("issues.Channel"), "name", "改名后的渠道"),
    "issues.Category": (_first("issues.Category"), "name", "改名后的分类"),
    "issues.OwnerlessKind": (_first("issues.OwnerlessKind"), "name", "改名后的三不管类型"),
    "issues.DeadlineRule": (_first("issues.DeadlineRule"), "reply_days", "9"),
    "issues.IssueSettings": (_issue_settings, "max_reopens", "3"),
}


@pytest.mark.django_db
def test_every_writable_admin_has_a_sample_to_save():
    writable = {model._meta.label for model in _writable_admins()}
    assert writable == set(SAMPLES), "a writable admin without a sample here (or a sample of none)"


def _as_text(value) -> str:
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    return str(value)


@pytest.mark.parametrize("label", sorted(SAMPLES))
def test_a_save_through_the_change_form_runs_the_declared_action(label, admin_user, client_for, monkeypatch):
    from django.apps import apps

    model = apps.get_model(label)
    model_admin = admin.site._registry[model]
    make, field, value = SAMPLES[label]
    obj = make(admin_user)
    assert obj is not None, f"{label}: nothing to change"
    # given the change form as the browser shows it, with one field changed
    client = client_for(admin_user)
    url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_change", args=[obj.pk])
    page = client.get(url)
    assert page.status_code == 200
    data = _form_data(page.content.decode(), f"{model._meta.model_name}_form")
    assert field in data, f"{label}: {field} is not on the change form"
    data[field] = [value]
    calls = []
    declared = type(model_admin).save_action

    def spy(**kwargs):
        calls.append(kwargs)
        return declared(**kwargs)

    monkeypatch.setattr(model_admin, "save_action", spy)
    before = AuditLog.objects.order_by("-id").values_list("id", flat=True).first() or 0
    # when it is saved
    response = client.post(url, data)
    # then the declared action ran, once, and its audit row is there
    assert response.status_code == 302, response.content.decode()[:2000]
    assert len(calls) == 1 and calls[0]["change"] is True and calls[0]["actor"] == admin_user
    audited = AuditLog.objects.filter(id__gt=before, target_type=model._meta.label_lower, target_id=str(obj.pk))
    assert audited.exists(), f"{label}: saved without an audit row"
    obj.refresh_from_db()
    assert _as_text(getattr(obj, field)) == value


def test_an_action_refusing_the_save_rolls_it_back_and_says_why(admin_user, client_for, monkeypatch):
    from portal.exceptions import ActionError
    from portal.models import Department

    # given a department's change form, and an action that saves, then refuses
    department = DepartmentFactory(name="原名")
    model_admin = admin.site._registry[Department]
    client = client_for(admin_user)
    url = reverse("admin:portal_department_change", args=[department.pk])
    data = _form_data(client.get(url).content.decode(), "department_form")
    data["name"] = ["新名"]

    def refuse(**kwargs):
        record_save(**kwargs)
        raise ActionError("该部门正在被撤并，暂不能修改。")

    monkeypatch.setattr(model_admin, "save_action", refuse)
    # when it is saved
    response = client.post(url, data, follow=True)
    # then the refusal is shown on the change page and nothing was kept
    assert response.redirect_chain[-1][0].endswith(url)
    assert "该部门正在被撤并" in response.content.decode()
    department.refresh_from_db()
    assert department.name == "原名"
    assert not AuditLog.objects.filter(target_type="portal.department", target_id=str(department.pk)).exists()


def test_a_password_set_in_the_admin_goes_through_its_action(admin_user, client_for):
    # given an ordinary account with an API token
    from portal.actions import api_token_issue

    user = UserFactory(role=Role.CLERK)
    api_token_issue(user=user)
    client = client_for(admin_user)
    url = reverse("admin:auth_user_password_change", args=[user.pk])
    data = _form_data(client.get(url).content.decode(), "user_form")
    data["password1"] = data["password2"] = ["Another-pass-456!"]
    # when the system administrator sets a new password on the admin's password page
    response = client.post(url, data)
    # then user_password_set did it: audited without the password, and the tokens revoked
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password("Another-pass-456!")
    row = AuditLog.objects.get(action="portal.user.password_set", target_id=str(user.pk))
    assert row.data == {"usable": True} and row.actor == admin_user
    assert not user.api_tokens.filter(revoked_at__isnull=True).exists()
