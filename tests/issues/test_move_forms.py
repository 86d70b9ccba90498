"""Problem move forms and the supervisor's decision forms (issue 15): messages that say what to do, the error
summary at the top of the form with links to this move's own fields, the typed input kept, 「错误：」 in
the page title."""

import re
from collections import Counter

import pytest

from issues.models import ExtensionRequest
from tests.issues.factories import issue_in

pytestmark = pytest.mark.django_db

GENERIC = "该字段是必填项"


def _roles(people):
    return {"member": people["member"], "clerk": people["clerk"], "handler": people["handler"]}


def _form_of(html: str, move: str) -> str:
    form = html[html.index(f'data-testid="move-{move}"') :]
    return form[: form.index("</form>")]


def _title(html: str) -> str:
    return re.search(r"<title>(.*?)</title>", html, re.S)[1]


def test_an_empty_reply_says_what_to_do_in_the_summary_with_the_typed_text_kept(client_for, people):
    # given an accepted problem
    issue = issue_in("accepted", **_roles(people))
    # when the handler submits the reply form with only the public text typed
    r = client_for(people["handler"]).post(
        f"/issues/{issue.pk}/move/reply/", {"reply": "", "public_reply": "已协调解决，请查收。"}
    )
    # then the page comes back with the reply form's summary, linking to its own field
    assert r.status_code == 200
    html = r.content.decode()
    form = _form_of(html, "reply")
    assert 'data-testid="error-summary"' in form
    assert '<a href="#id_reply-reply" data-field="id_reply-reply">请填写答复内容。</a>' in form
    assert 'id="id_reply-reply"' in form
    # the typed text is kept, the title says there is an error, and the error is told once (no page-top copy)
    assert "已协调解决，请查收。" in form
    assert _title(html).startswith("错误：")
    assert html.count("请填写答复内容。") == 2  # the summary and beside the field
    assert GENERIC not in html


def test_a_missing_choice_says_which_to_choose(client_for, people):
    # given a new problem in the 兜底办 queue
    issue = issue_in("submitted", **_roles(people))
    # when the clerk dispatches without choosing the lead department
    r = client_for(people["clerk"]).post(f"/issues/{issue.pk}/move/dispatch/", {"note": "请尽快办理"})
    # then the message names what to choose, and the note typed stays
    html = r.content.decode()
    form = _form_of(html, "dispatch")
    assert "请选择牵头部门" in form and "请尽快办理" in form
    assert 'href="#id_dispatch-lead_department"' in form
    assert GENERIC not in html and _title(html).startswith("错误：")


def test_every_form_of_the_page_has_its_own_ids(client_for, people, supervisor):
    # given an accepted problem: the handler and the supervisor each see several move forms, some with the
    # same field names (提级理由 and 延期理由 are both ``reason``)
    issue = issue_in("accepted", **_roles(people))
    for user in (people["handler"], supervisor):
        html = client_for(user).get(f"/issues/{issue.pk}/").content.decode()
        assert html.count('data-testid="move-') >= 2
        # then no id is used twice on the page, and the title has no error prefix
        ids = Counter(re.findall(r'\sid="([^"]+)"', html))
        assert [name for name, n in ids.items() if n > 1] == [], user.username
        assert not _title(html).startswith("错误：")


def test_every_issue_move_form_is_a_portal_form():
    from issues.moves import ENTRIES
    from portal.formkit import PortalFormMixin

    for entry in ENTRIES.values():
        assert entry.form is None or issubclass(entry.form, PortalFormMixin), entry.name


# --- the supervisor's decisions ------------------------------------------------------------------------


@pytest.fixture
def extension(people):
    from issues import actions

    issue = issue_in("accepted", **_roles(people))
    return actions.issue_request_extension(
        actor=people["handler"], issue=issue, requested_due=issue.reply_due.replace(year=2099), reason="需检测"
    )


def test_a_decision_without_a_choice_comes_back_with_the_note_kept(client_for, supervisor, extension):
    # when the supervisor submits a decision without choosing 同意/不同意
    r = client_for(supervisor).post(
        f"/issues/extensions/{extension.pk}/decide/", {"approve": "", "note": "请补充检测报告"}
    )
    # then the decision page says what to do, keeps the note, and nothing was decided
    assert r.status_code == 200
    html = r.content.decode()
    assert 'data-testid="error-summary"' in html
    assert f'href="#id_decide-{extension.pk}-approve"' in html
    assert "请选择“同意”或“不同意”。" in html and "请补充检测报告" in html
    assert _title(html).startswith("错误：审批一项延期申请")
    assert GENERIC not in html
    assert ExtensionRequest.objects.get(pk=extension.pk).status == "pending"


def test_a_decision_goes_back_to_the_list_it_came_from(client_for, supervisor, extension):
    back = "/issues/supervision/?section=extensions&sort=deadline"
    r = client_for(supervisor).post(
        f"/issues/extensions/{extension.pk}/decide/", {"approve": "1", "note": "", "next": back}
    )
    assert r.status_code == 302 and r["Location"] == back
    assert ExtensionRequest.objects.get(pk=extension.pk).status == "approved"


def test_the_decision_page_permission_matrix(client, client_for, people, supervisor, extension):
    url = f"/issues/extensions/{extension.pk}/decide/"
    assert client.get(url).status_code == 302  # anonymous → log in
    assert client_for(people["handler"]).get(url).status_code == 403
    assert client_for(people["clerk"]).get(url).status_code == 403
    html = client_for(supervisor).get(url).content.decode()
    assert 'data-testid="decision-form"' in html and "需检测" in html
    assert client_for(supervisor).get("/issues/extensions/999999/decide/").status_code == 404


def test_each_row_of_the_list_has_its_own_labelled_fields(client_for, supervisor, extension):
    html = client_for(supervisor).get("/issues/supervision/?section=extensions").content.decode()
    row = html[html.index(f'data-testid="decide-{extension.pk}"') :]
    row = row[: row.index("</form>")]
    for field in ("approve", "note"):
        assert f'<label for="id_decide-{extension.pk}-{field}"' in row
        assert f'id="id_decide-{extension.pk}-{field}"' in row
    assert 'name="next" value="/issues/supervision/?section=extensions"' in row
    # nothing is preselected: the empty choice comes first
    assert re.search(r'<option value="" selected>', row)


def test_the_rating_choices_follow_the_reader_language():
    # the choices are built once, when the module is imported: their labels must still be the reader's
    from django.utils import translation

    from issues.forms import FollowUpForm, RateForm

    with translation.override("en"):
        labels = [str(label) for _value, label in RateForm().fields["rating"].choices]
        assert labels[0] == "5 Very satisfied", labels
        assert not re.search(r"[\u4e00-\u9fff]", " ".join(labels))
        assert "5 Very satisfied" in [str(label) for _v, label in FollowUpForm().fields["satisfaction"].choices]
    with translation.override("zh-hans"):
        assert str(RateForm().fields["rating"].choices[0][1]) == "5 非常满意"


def test_the_decision_page_reads_a_fixed_number_of_queries(client_for, people, supervisor, extension, num_queries):
    from issues import actions

    # one request's page (session, user, nav counts, the request with its problem, …): the same count with
    # one pending request and with four
    client = client_for(supervisor)
    url = f"/issues/extensions/{extension.pk}/decide/"
    assert num_queries.get(client, url) == 5
    for _ in range(3):
        issue = issue_in("accepted", **_roles(people))
        actions.issue_request_extension(
            actor=people["handler"], issue=issue, requested_due=issue.reply_due.replace(year=2099), reason="x"
        )
    assert num_queries.get(client, url) == 5
