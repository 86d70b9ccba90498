"""The list rows and the deadline light written in Python (issues/templatetags/issue_tags.py) say what the
templates they replaced said: the same cells, text and attributes (whitespace between tags aside)."""

import re

import pytest
from django.template import Context, Template
from django.utils import translation

from issues import selectors
from issues.models import Issue
from tests.issues.factories import issue_made

pytestmark = pytest.mark.django_db

# templates/issues/_issue_table.html's rows and templates/issues/_light.html before issue 13
LIGHT = (
    '{% load i18n %}{% with due=issue.current_due %}{% if issue.light == "overdue" %}<span class="tag light-overdue" '
    'data-light="overdue">{% translate "超期" %} {{ due|date:"Y-m-d" }}</span>{% elif issue.light == "due_soon" %}'
    '<span class="tag light-duesoon" data-light="due_soon">{% translate "临期" %} {{ due|date:"Y-m-d" }}</span>'
    '{% elif issue.light == "on_time" %}<span class="tag light-ontime" data-light="on_time">{% translate "正常" %} '
    '{{ due|date:"Y-m-d" }}</span>{% else %}<span class="muted">—</span>{% endif %}{% endwith %}'
)
ROWS = (
    '{% load i18n portal_tags %}{% for issue in page %}<tr data-issue="{{ issue.pk }}">'
    "<td><a href=\"{% url 'issues:issue_detail' issue.pk %}\">{{ issue.reference }}</a></td>"
    '<td class="nowrap">' + LIGHT.replace("{% load i18n %}", "") + "</td>"
    '<td>{{ issue.title }}{% if issue.with_supervisor %} <span class="tag tag-red">{% translate "转督办" %}</span>'
    '{% endif %}{% if issue.escalation_count %} <span class="tag tag-blue">{% translate "已提级" %}</span>{% endif %}'
    '{% if issue.reopen_count %} <span class="tag tag-yellow">{% translate "重办" %}</span>{% endif %}</td>'
    "{% if not hide_enterprise %}<td>{{ issue.enterprise.name }}</td><td>{{ issue.contact_name|mask_name }} "
    "{{ issue.contact_phone|mask_phone }}</td>{% endif %}"
    "<td>{{ issue.category|localized_name }}</td><td>{{ issue.channel|localized_name }}</td>"
    '<td>{{ issue.get_level_display }}</td><td><span class="tag">{{ issue.get_status_display }}</span></td>'
    '<td>{{ issue.lead_department|localized_name|default:"—" }}</td></tr>'
    '{% empty %}<tr><td colspan="10" class="muted">{% translate "暂无问题。" %}</td></tr>{% endfor %}'
)


def _squeeze(html: str) -> str:
    return re.sub(r">\s+<", "><", html.strip())


@pytest.mark.parametrize("hide_enterprise", [False, True])
@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_the_rows_say_what_the_template_said(people, supervisor, hide_enterprise, language):
    # given problems in every kind of state (dispatched, replied, reopened, with the supervisor…) and <escapes>
    roles = {"member": people["member"], "clerk": people["clerk"], "handler": people["handler"]}
    for i, status in enumerate(["submitted", "dispatched", "accepted", "replied", "reopened", "closed"]):
        issue_made(status, **roles, supervisor=supervisor, title=f"<问题> & {i}")
    Issue.objects.filter(status="submitted").update(with_supervisor=True, escalation_count=1)
    page = selectors.attach_lights(Issue.objects.select_related(*selectors.LIST_RELATED).order_by("pk"))
    assert {issue.light for issue in page} >= {"on_time", "none"}
    with translation.override(language):
        context = {"page": page, "hide_enterprise": hide_enterprise}
        old = Template(ROWS).render(Context(context))
        new = Template("{% load issue_tags %}{% issue_rows page hide_enterprise %}").render(Context(context))
        # then the rows are the same, and so is the light of the detail page
        assert _squeeze(new) == _squeeze(old)
        for issue in page:
            light = Template("{% load issue_tags %}{% issue_light issue %}").render(Context({"issue": issue}))
            assert light == Template(LIGHT).render(Context({"issue": issue}))
        for issue in page:
            issue.light = "overdue" if issue.pk % 2 else "due_soon"
            if issue.current_due() is not None:
                light = Template("{% load issue_tags %}{% issue_light issue %}").render(Context({"issue": issue}))
                assert light == Template(LIGHT).render(Context({"issue": issue}))
        empty = Template("{% load issue_tags %}{% issue_rows page %}").render(Context({"page": []}))
        assert empty == Template(ROWS).render(Context({"page": []}))
