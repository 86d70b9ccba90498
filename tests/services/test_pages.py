"""Enterprise, window and department pages: flows, refusals and the permission matrix."""

import pytest
from django.urls import reverse

from services.choices import ApplicationStatus, Channel, TaskStatus
from services.models import Application, ApplicationItem

pytestmark = pytest.mark.django_db


def _form(opening, enterprise, *, selected=None, token="tok-page-1", **extra):
    data = {
        "token": token,
        "enterprise": enterprise.pk,
        "selected": selected if selected is not None else [*opening.basic_ids, opening.free_seal.pk],
        "contact_name": "沈建国",
        "contact_phone": "13812345678",
        "address": "湖州市吴兴区产业园1号",
        "note": "",
    }
    data.update(extra)
    return data


def test_catalogue_groups_by_stage_and_chain_and_searches(client, opening):
    from services.choices import BundleKind
    from tests.services.factories import BundleFactory

    BundleFactory(name="美妆产业链一类事", kind=BundleKind.INDUSTRY_CHAIN, stage="", chain="美妆")
    BundleFactory(name="未发布的一类事", published=False)
    response = client.get(reverse("services:catalogue"))
    body = response.content.decode()
    assert response.status_code == 200
    assert "企业开办一类事" in body and "美妆产业链一类事" in body
    assert "按企业生命周期" in body and "按产业链" in body
    assert "未发布的一类事" not in body
    # search by an item name finds the bundle that offers it
    body = client.get(reverse("services:catalogue"), {"q": "发票申领"}).content.decode()
    assert "企业开办一类事" in body and "美妆产业链一类事" not in body
    body = client.get(reverse("services:catalogue"), {"kind": "industry_chain"}).content.decode()
    assert "企业开办一类事" not in body and "美妆产业链一类事" in body


def test_bundle_page_lists_items_and_preticks_defaults_and_recommendations(client_for, member, opening, enterprise):
    # given 预约银行开户 is recommended to small manufacturers like the member's enterprise
    opening.bank_booking.recommend_industries = "C"
    opening.bank_booking.recommend_sizes = "small"
    opening.bank_booking.save()
    response = client_for(member).get(reverse("services:bundle_detail", args=["qykb"]))
    body = response.content.decode()
    assert response.status_code == 200
    assert "企业设立登记" in body and "湖州市市场监督管理局" in body and "公司章程" in body
    assert f'value="{opening.free_seal.pk}" data-testid="item-330000-VA-001" checked' in body
    assert f'value="{opening.bank_booking.pk}" data-testid="item-330000-VA-003" checked' in body
    assert f'value="{opening.paid_seal.pk}" data-testid="item-330000-VA-002">' in body
    assert "为您推荐" in body


def test_full_online_flow_check_answers_then_submit_once(client_for, member, opening, enterprise):
    client = client_for(member)
    data = _form(opening, enterprise, selected=[*opening.basic_ids, opening.free_seal.pk, opening.bank_booking.pk])
    # when the bundle page is posted, the check page shows the answers with change links
    check = client.post(reverse("services:apply_check", args=["qykb"]), data)
    body = check.content.decode()
    assert check.status_code == 200
    assert "核对申请信息" in body and "预约银行开户" in body and "change-value-added" in body
    assert Application.objects.count() == 0
    # the change link brings the answers back to the bundle page
    change_url = (
        check.content.decode().split('data-testid="change-value-added"')[0].rsplit('href="', 1)[1].split('"')[0]
    )
    change = client.get(change_url.replace("&amp;", "&")).content.decode()
    assert 'value="沈建国"' in change
    assert f'value="{opening.bank_booking.pk}" data-testid="item-330000-VA-003" checked' in change
    assert f'value="{opening.paid_seal.pk}" data-testid="item-330000-VA-002">' in change
    # when it is submitted twice (double click, or back and resubmit)
    first = client.post(reverse("services:apply_submit", args=["qykb"]), data)
    second = client.post(reverse("services:apply_submit", args=["qykb"]), data, follow=True)
    # then there is one application and both land on its confirmation
    application = Application.objects.get()
    assert first.status_code == 302
    assert first.url == reverse("services:application_confirmation", args=[application.pk])
    assert "请勿重复提交" in second.content.decode()
    assert application.items.count() == 4
    confirmation = client.get(first.url).content.decode()
    assert application.reference in confirmation and "接下来会发生什么" in confirmation


@pytest.mark.parametrize(
    ("case", "expected"),
    [
        ("stranger", "不属于一类事"),
        ("excludes", "不能同时选择"),
        ("requires", "需要同时选择"),
        ("unpublished", "已下架或尚未发布"),
        ("garbage", "所选事项编号无效"),
        ("phone", "有效的联系电话"),
    ],
)
@pytest.mark.parametrize("step", ["apply_check", "apply_submit"])
def test_bad_input_is_refused_with_a_message_on_the_page(client_for, member, opening, enterprise, case, expected, step):
    from tests.services.factories import BundleItemFactory

    selected = [*opening.basic_ids]
    extra = {}
    if case == "stranger":
        selected.append(BundleItemFactory().pk)
    elif case == "excludes":
        selected += [opening.free_seal.pk, opening.paid_seal.pk]
    elif case == "requires":
        selected += [opening.bank_contact.pk]
    elif case == "unpublished":
        opening.bundle.published = False
        opening.bundle.save()
    elif case == "garbage":
        selected = ["abc"]
    elif case == "phone":
        extra["contact_phone"] = "电话"
    response = client_for(member).post(
        reverse(f"services:{step}", args=["qykb"]), _form(opening, enterprise, selected=selected, **extra)
    )
    assert response.status_code == 400
    assert expected in response.content.decode()
    assert Application.objects.count() == 0


def test_member_cannot_post_for_another_enterprise(client_for, member, opening, other_enterprise):
    response = client_for(member).post(
        reverse("services:apply_submit", args=["qykb"]), _form(opening, other_enterprise)
    )
    assert response.status_code == 400
    assert Application.objects.count() == 0


def test_clerk_applies_on_behalf_and_prints_the_receipt(client_for, clerk, opening, enterprise):
    client = client_for(clerk)
    # the enterprise list offers "apply on its behalf"
    listing = client.get(reverse("portal:staff_enterprises"), {"q": enterprise.uscc}).content.decode()
    assert f"apply-on-behalf-{enterprise.pk}" in listing
    page = client.get(reverse("services:bundle_detail", args=["qykb"]), {"enterprise": enterprise.pk})
    assert "窗口代办" in page.content.decode()
    response = client.post(reverse("services:apply_submit", args=["qykb"]), _form(opening, enterprise))
    application = Application.objects.get()
    assert response.status_code == 302
    assert application.channel == Channel.WINDOW and application.submitted_by == clerk
    receipt = client.get(reverse("services:application_receipt", args=[application.pk])).content.decode()
    assert "受理回执" in receipt and application.reference in receipt and "<svg" in receipt
    assert f"/services/applications/{application.pk}/" in receipt


def test_clerk_without_an_enterprise_is_asked_to_find_one(client_for, clerk, opening):
    body = client_for(clerk).get(reverse("services:bundle_detail", args=["qykb"])).content.decode()
    assert "needs-enterprise" in body and "apply-next" not in body


def test_handler_accepts_and_completes_from_the_inbox(client_for, handler, submit):
    application = submit()
    client = client_for(handler)
    inbox = client.get(reverse("services:task_inbox")).content.decode()
    assert application.reference in inbox and "发票申领" not in inbox  # the tax task is not ours
    task = application.items.get(service_code="330000-AMR-001")
    client.post(reverse("services:task_transition", args=[task.pk, "accept"]))
    response = client.post(
        reverse("services:task_transition", args=[task.pk, "complete"]), {"result": "执照已发"}, follow=True
    )
    task.refresh_from_db()
    assert task.status == TaskStatus.DONE and task.result == "执照已发"
    assert "已更新为：已办结" in response.content.decode()
    assert 'data-testid="task-history"' in response.content.decode()
    assert "办结 → 已办结：执照已发" in response.content.decode()
    application.refresh_from_db()
    assert application.status == ApplicationStatus.IN_PROGRESS


def test_a_task_move_without_its_text_comes_back_with_the_summary(client_for, handler, submit):
    import re

    # given an accepted task
    task = submit().items.get(service_code="330000-AMR-001")
    client = client_for(handler)
    client.post(reverse("services:task_transition", args=[task.pk, "accept"]))
    # when the handler completes it without the result
    response = client.post(reverse("services:task_transition", args=[task.pk, "complete"]), {"result": " "})
    # then the task page comes back: the 办结 form's summary says what to write and links to its field,
    # the title says there is an error, and nothing changed
    assert response.status_code == 200
    html = response.content.decode()
    form = html[html.index('data-testid="move-complete"') :]
    form = form[: form.index("</form>")]
    assert 'data-testid="error-summary"' in form
    assert 'href="#id_complete-result"' in form and "请填写办理结果（如证照编号、办理情况）。" in form
    assert re.search(r"<title>错误：", html)
    task.refresh_from_db()
    assert task.status == TaskStatus.ACCEPTED
    # and each text move's field has its own id on the page
    ids = re.findall(r'\sid="([^"]+)"', html)
    assert len(ids) == len(set(ids))


def test_a_refused_task_move_is_a_message_and_changes_nothing(client_for, handler, submit):
    # given a task not accepted yet: 办结 is not a move it has
    task = submit().items.get(service_code="330000-AMR-001")
    response = client_for(handler).post(
        reverse("services:task_transition", args=[task.pk, "complete"]), {"result": "执照已发"}, follow=True
    )
    assert "不能执行" in response.content.decode()
    task.refresh_from_db()
    assert task.status == TaskStatus.PENDING


def test_handler_sees_a_clear_message_for_a_bad_move(client_for, handler, submit):
    task = submit().items.get(service_code="330000-AMR-001")
    response = client_for(handler).post(
        reverse("services:task_transition", args=[task.pk, "complete"]), {"text": "x"}, follow=True
    )
    assert "不能执行「办结」" in response.content.decode()
    response = client_for(handler).post(
        reverse("services:task_transition", args=[task.pk, "reject"]), {"text": ""}, follow=True
    )
    assert "必须写明理由" in response.content.decode()
    task.refresh_from_db()
    assert task.status == TaskStatus.PENDING


def test_enterprise_sees_its_tasks_and_overdue_marking(client_for, member, submit):
    application = submit()
    ApplicationItem.objects.filter(application=application, service_code="330000-AMR-001").update(due_date="2020-01-01")
    body = client_for(member).get(reverse("services:application_list")).content.decode()
    assert application.reference in body and "企业设立登记" in body and 'data-testid="overdue"' in body


def test_inbox_filters(client_for, handler, submit):
    application = submit()
    ApplicationItem.objects.filter(application=application, service_code="330000-AMR-001").update(due_date="2020-01-01")
    client = client_for(handler)
    overdue = client.get(reverse("services:task_inbox"), {"due": "overdue"}).content.decode()
    assert overdue.count('data-testid="inbox-row"') == 1
    done = client.get(reverse("services:task_inbox"), {"status": "done"}).content.decode()
    assert done.count('data-testid="inbox-row"') == 0


# --- permission matrix -----------------------------------------------------------------------


def _urls(application, task, own_task):
    return {
        "catalogue": reverse("services:catalogue"),
        "bundle": reverse("services:bundle_detail", args=["qykb"]),
        "list": reverse("services:application_list"),
        "detail": reverse("services:application_detail", args=[application.pk]),
        "confirmation": reverse("services:application_confirmation", args=[application.pk]),
        "receipt": reverse("services:application_receipt", args=[application.pk]),
        "inbox": reverse("services:task_inbox"),
        "task": reverse("services:task_detail", args=[own_task.pk]),
        "other_task": reverse("services:task_detail", args=[task.pk]),
    }


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        (
            None,
            {
                "catalogue": 200,
                "bundle": 200,
                "list": 302,
                "detail": 302,
                "confirmation": 302,
                "receipt": 302,
                "inbox": 302,
                "task": 302,
                "other_task": 302,
            },
        ),
        (
            "member",
            {
                "catalogue": 200,
                "bundle": 200,
                "list": 200,
                "detail": 200,
                "confirmation": 200,
                "receipt": 200,
                "inbox": 403,
                "task": 403,
                "other_task": 403,
            },
        ),
        (
            "other_member",
            {
                "catalogue": 200,
                "bundle": 200,
                "list": 200,
                "detail": 404,
                "confirmation": 404,
                "receipt": 404,
                "inbox": 403,
                "task": 403,
                "other_task": 403,
            },
        ),
        (
            "clerk",
            {
                "catalogue": 200,
                "bundle": 200,
                "list": 200,
                "detail": 200,
                "confirmation": 200,
                "receipt": 200,
                "inbox": 403,
                "task": 403,
                "other_task": 403,
            },
        ),
        (
            "handler",
            {
                "catalogue": 200,
                "bundle": 200,
                "list": 403,
                "detail": 200,
                "confirmation": 403,
                "receipt": 403,
                "inbox": 200,
                "task": 200,
                "other_task": 404,
            },
        ),
    ],
)
def test_page_permission_matrix(request, client, client_for, submit, handler, other_handler, who, expected):
    application = submit()
    own_task = application.items.get(service_code="330000-AMR-001")
    foreign_task = application.items.get(service_code="330000-TAX-001")
    browser = client if who is None else client_for(request.getfixturevalue(who))
    for name, url in _urls(application, foreign_task, own_task).items():
        assert browser.get(url).status_code == expected[name], (who, name)


def test_other_department_cannot_move_a_task_by_post(client_for, other_handler, handler, submit):
    task = submit().items.get(service_code="330000-AMR-001")
    response = client_for(other_handler).post(reverse("services:task_transition", args=[task.pk, "accept"]))
    assert response.status_code == 404
    task.refresh_from_db()
    assert task.status == TaskStatus.PENDING


def test_other_member_cannot_see_it_in_the_list(client_for, other_member, submit):
    application = submit()
    body = client_for(other_member).get(reverse("services:application_list")).content.decode()
    assert application.reference not in body


def test_handler_of_an_unrelated_department_cannot_see_the_application(client_for, submit, region):
    from portal.choices import Role
    from tests.portal.factories import DepartmentFactory, StaffFactory

    application = submit()
    stranger = StaffFactory(role=Role.HANDLER, department=DepartmentFactory(code="hz-hrss"))
    assert client_for(stranger).get(reverse("services:application_detail", args=[application.pk])).status_code == 404


def test_live_selection_check_fragment(client, opening):
    # the htmx fragment says what is wrong while ticking (anyone may ask; nothing is saved)
    url = reverse("services:selection_check", args=["qykb"])
    bad = client.post(url, {"selected": [*opening.basic_ids, opening.free_seal.pk, opening.paid_seal.pk]})
    assert "不能同时选择" in bad.content.decode()
    good = client.post(url, {"selected": [*opening.basic_ids, opening.free_seal.pk]}, HTTP_HX_REQUEST="true")
    assert "已选 3 项（其中增值服务 1 项）" in good.content.decode()
    assert Application.objects.count() == 0


@pytest.mark.parametrize("step", ["apply_check", "apply_submit"])
def test_posting_the_apply_forms_needs_an_applicant_role(
    client, client_for, handler, auditor, opening, enterprise, step
):
    url = reverse(f"services:{step}", args=["qykb"])
    response = client.post(url, _form(opening, enterprise))
    assert response.status_code == 302 and "/accounts/login/" in response.url
    assert client_for(handler).post(url, _form(opening, enterprise)).status_code == 403
    assert client_for(auditor).post(url, _form(opening, enterprise)).status_code == 403
    assert Application.objects.count() == 0


def test_task_moves_need_the_handler_role(client, client_for, member, clerk, submit, handler):
    task = submit().items.get(service_code="330000-AMR-001")
    url = reverse("services:task_transition", args=[task.pk, "accept"])
    assert client.post(url).status_code == 302
    assert client_for(member).post(url).status_code == 403
    assert client_for(clerk).post(url).status_code == 403
    assert client_for(handler).post(reverse("services:task_transition", args=[task.pk, "explode"])).status_code == 404
    task.refresh_from_db()
    assert task.status == TaskStatus.PENDING


def test_unknown_bundle_is_404(client_for, member, opening):
    assert client_for(member).get(reverse("services:bundle_detail", args=["nope"])).status_code == 404
    assert client_for(member).post(reverse("services:apply_submit", args=["nope"]), {}).status_code == 404


def test_basic_items_are_included_without_boxes_and_need_not_be_posted(client_for, member, opening, enterprise):
    client = client_for(member)
    # given the bundle page: basic items are shown as included, not as checkboxes to untick
    body = client.get(reverse("services:bundle_detail", args=["qykb"])).content.decode()
    assert "已包含" in body
    for pk in opening.basic_ids:
        assert f'name="selected" value="{pk}"' not in body
    # when only a value-added item is posted
    response = client.post(reverse("services:apply_submit", args=["qykb"]), _form(opening, enterprise, selected=[]))
    # then the application still holds the basic items
    assert response.status_code == 302
    assert sorted(Application.objects.get().items.values_list("bundle_item_id", flat=True)) == sorted(opening.basic_ids)


def test_anonymous_visitor_sees_the_bundle_and_login_before_any_form(client, opening):
    body = client.get(reverse("services:bundle_detail", args=["qykb"])).content.decode()
    assert "企业设立登记" in body and "公司章程" in body
    assert "登录后申请" in body
    assert "apply-form" not in body and 'name="contact_name"' not in body
    assert body.index("登录后申请") < body.index("企业设立登记")


def test_task_list_gives_a_status_per_part(client_for, member, opening, enterprise):
    client = client_for(member)
    # given the page opened fresh: items chosen, contact not yet given, check cannot start
    body = client.get(reverse("services:bundle_detail", args=["qykb"])).content.decode()
    assert 'data-testid="task-items" data-state="done"' in body
    assert 'data-testid="task-materials" data-state="to_read"' in body
    assert 'data-testid="task-contact" data-state="todo"' in body
    assert 'data-testid="task-check" data-state="cannot_start"' in body
    # when it is posted with a bad phone and a forbidden pair
    data = _form(opening, enterprise, selected=[opening.free_seal.pk, opening.paid_seal.pk], contact_phone="电话")
    body = client.post(reverse("services:apply_check", args=["qykb"]), data).content.decode()
    # then the contact part has a problem, what was typed is kept, and the summary links to the field
    assert 'data-testid="task-contact" data-state="error"' in body
    assert 'value="沈建国"' in body and 'value="电话"' in body
    assert "存在以下问题" in body and 'href="#id_contact_phone"' in body
    assert "<title>错误：" in body
