"""Configuration data in the reader's language (issue 15): one helper, a template filter, the models' str."""

import pytest
from django.apps import apps
from django.template import Context, Template
from django.utils import translation

from portal.i18n import localized_name
from tests.portal.factories import DepartmentFactory

pytestmark = pytest.mark.django_db


def test_localized_name_is_english_in_english_and_falls_back_to_chinese():
    from issues.models import Category

    # given a category with an English name and a department without one
    category = Category.objects.create(code="t-labour", name="用工测试", name_en="Labour (test)")
    department = DepartmentFactory(name="湖州市测试局", name_en="")
    # then Chinese readers see Chinese, English readers the English name, or the Chinese when there is none
    with translation.override("zh-hans"):
        assert localized_name(category) == "用工测试" and str(category) == "用工测试"
    with translation.override("en"):
        assert localized_name(category) == "Labour (test)" and str(category) == "Labour (test)"
        assert localized_name(department) == "湖州市测试局"
    assert localized_name(None) == ""


def test_template_filter_is_built_in():
    department = DepartmentFactory(name="湖州市测试局", name_en="Huzhou Test Bureau")
    template = Template("{{ d|localized_name }}")
    with translation.override("en"):
        assert template.render(Context({"d": department})) == "Huzhou Test Bureau"
    with translation.override("zh-hans"):
        assert template.render(Context({"d": department})) == "湖州市测试局"


def test_seeded_lists_have_english_names():
    from issues.models import Category, Channel, OwnerlessKind

    # the migration fills the English names of the seeded channels, categories and 三不管 kinds
    for model in (Channel, Category, OwnerlessKind):
        assert model.objects.exists()
        assert not model.objects.filter(name_en="").exists(), model


def test_demo_departments_have_english_names():
    from portal.demo import DEPARTMENT_NAMES_EN, DEPARTMENTS

    assert {row[0] for row in DEPARTMENTS} == set(DEPARTMENT_NAMES_EN)


def test_django_filter_empty_choice_is_translated():
    import django_filters

    from portal.models import Department

    class F(django_filters.FilterSet):
        status = django_filters.ChoiceFilter(choices=[("a", "A")])

        class Meta:
            model = Department
            fields = []

    with translation.override("zh-hans"):
        assert str(F().form.fields["status"].choices[0][1]) == "全部"
    with translation.override("en"):
        assert str(F().form.fields["status"].choices[0][1]) == "All"


def test_every_app_heading_is_translated():
    # the admin's headings come from the apps' verbose_name (ISSUES used to be the bare label)
    from django.conf import settings

    ours = [
        c for c in apps.get_app_configs() if c.path.startswith(str(settings.BASE_DIR)) and "site-packages" not in c.path
    ]
    assert {"issues", "services", "portal"} <= {c.label for c in ours}
    with translation.override("zh-hans"):
        chinese = {c.label: str(c.verbose_name) for c in ours}
    with translation.override("en"):
        english = {c.label: str(c.verbose_name) for c in ours}
    for label in chinese:
        assert chinese[label] != label.title(), label
        assert english[label] != chinese[label] or label == "open311", label


def test_attachment_help_follows_the_language():
    from issues.forms import IssueReportForm

    with translation.override("en"):
        assert str(IssueReportForm().fields["attachments"].help_text).startswith("Up to")
    with translation.override("zh-hans"):
        assert str(IssueReportForm().fields["attachments"].help_text).startswith("最多")


def test_djangos_empty_choice_is_chinese_on_chinese_pages():
    # Django 6's "- Select an option -" has no zh_Hans translation of its own (locale/zh_Hans holds it)
    from django.db.models.fields import BLANK_CHOICE_LABEL

    with translation.override("zh-hans"):
        assert str(BLANK_CHOICE_LABEL) == "- 请选择 -"
    with translation.override("en"):
        assert str(BLANK_CHOICE_LABEL) == "- Select an option -"
