"""Enterprise registration: USCC validation, staff overrides, walk-in registration by a clerk."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from portal import actions
from portal.exceptions import PermissionDeniedError
from portal.models import AuditLog, Enterprise
from portal.validators import validate_uscc
from tests.portal.factories import RegionFactory, valid_uscc

pytestmark = pytest.mark.django_db


def _facts(region):
    return dict(
        name="湖州测试新材料有限公司",
        legal_representative="王五",
        region=region,
        industry="C26",
        size_class="small",
        established=dt.date(2020, 1, 2),
    )


@pytest.mark.parametrize(
    ("code", "message"),
    [
        ("91350100M000100Y44", "校验位不正确（第 18 位应为 3）"),
        ("91350100M000100Y4Z", "不允许的字符：Z"),
        ("91350100M000100Y4", "应为 18 位，您填写了 17 位"),
        ("91350100M000100YO3", "不允许的字符：O"),
        ("9A350100M000100Y43", "格式不正确"),
        ("", "请填写"),
    ],
)
def test_invalid_uscc_is_refused_with_a_message_naming_the_problem(code, message):
    with pytest.raises(ValidationError) as exc:
        validate_uscc(code)
    assert message in " ".join(exc.value.messages)


def test_valid_uscc_from_the_standard_is_accepted_and_normalised():
    assert validate_uscc(" 91350100m000100y43 ") == "91350100M000100Y43"


def test_registration_with_an_invalid_uscc_saves_nothing(clerk):
    region = RegionFactory(code="330502", name="吴兴区", level="county")
    with pytest.raises(ValidationError) as exc:
        actions.enterprise_register(actor=clerk, uscc="91350100M000100Y44", **_facts(region))
    assert "uscc" in exc.value.message_dict
    assert Enterprise.objects.count() == 0
    assert not AuditLog.objects.filter(action__startswith="portal.enterprise").exists()


def test_staff_override_for_a_legacy_code_is_recorded_in_the_audit_log(clerk):
    region = RegionFactory(code="330502", name="吴兴区", level="county")
    enterprise = actions.enterprise_register(
        actor=clerk, uscc="91350100M000100Y44", uscc_override=True, **_facts(region)
    )
    assert enterprise.uscc_override is True
    row = AuditLog.objects.get(action="portal.enterprise.uscc_override")
    assert row.actor == clerk and row.target_id == str(enterprise.pk)


def test_override_never_waives_length_or_alphabet(clerk):
    region = RegionFactory(code="330502", name="吴兴区", level="county")
    with pytest.raises(ValidationError):
        actions.enterprise_register(actor=clerk, uscc="91350100M000100Y4Z", uscc_override=True, **_facts(region))
    assert Enterprise.objects.count() == 0


def test_an_enterprise_member_cannot_override_the_check(member):
    region = RegionFactory(code="330502", name="吴兴区", level="county")
    with pytest.raises(PermissionDeniedError):
        actions.enterprise_register(actor=member, uscc="91350100M000100Y44", uscc_override=True, **_facts(region))
    assert not Enterprise.objects.filter(uscc="91350100M000100Y44").exists()


def test_duplicate_uscc_is_refused(clerk, enterprise):
    with pytest.raises(ValidationError) as exc:
        actions.enterprise_register(actor=clerk, uscc=enterprise.uscc, **_facts(enterprise.region))
    assert "已登记" in " ".join(exc.value.message_dict["uscc"])


def test_invalid_industry_code_is_refused(clerk):
    region = RegionFactory(code="330502", name="吴兴区", level="county")
    facts = {**_facts(region), "industry": "A27"}
    with pytest.raises(ValidationError) as exc:
        actions.enterprise_register(actor=clerk, uscc=valid_uscc(), **facts)
    assert "门类 A 不包含大类 27" in " ".join(exc.value.message_dict["industry"])
    assert Enterprise.objects.count() == 0


def test_clerk_registers_a_walk_in_through_the_workbench_form(client_for, clerk):
    region = RegionFactory(code="330502", name="吴兴区", level="county")
    client = client_for(clerk)
    form = {
        "uscc": "91350100M000100Y44",
        "name": "湖州窗口登记测试有限公司",
        "legal_representative": "赵六",
        "region": region.pk,
        "industry": "C38",
        "size_class": "micro",
        "established": "2024-05-06",
    }
    response = client.post("/workbench/enterprises/new/", form)
    assert response.status_code == 200
    assert "校验位不正确" in response.content.decode()
    assert Enterprise.objects.count() == 0

    response = client.post("/workbench/enterprises/new/", {**form, "uscc_override": "on"})
    assert response.status_code == 302
    assert Enterprise.objects.get().uscc_override is True


def test_future_establishment_date_is_refused_by_the_form(client_for, clerk):
    region = RegionFactory(code="330502", name="吴兴区", level="county")
    response = client_for(clerk).post(
        "/workbench/enterprises/new/",
        {
            "uscc": valid_uscc(),
            "name": "未来公司",
            "legal_representative": "钱七",
            "region": region.pk,
            "industry": "C38",
            "size_class": "micro",
            "established": "2999-01-01",
        },
    )
    assert "成立日期不能晚于今天" in response.content.decode()
    assert Enterprise.objects.count() == 0


def test_fact_update_is_audited_with_old_and_new_values(clerk, enterprise):
    actions.enterprise_update_facts(actor=clerk, enterprise=enterprise, revenue=7000, certifications=["tech_sme"])
    row = AuditLog.objects.get(action="portal.enterprise.updated")
    assert row.data["revenue"]["new"] == "7000"
    assert row.data["certifications"] == {"old": [], "new": ["tech_sme"]}
