"""The 晾晒 rankings page: opens on the last complete month and says so, the period stays selectable,
and every chart is readable server-rendered SVG (labelled, named, no inline style) with a table of the
same figures."""

import datetime as dt
import html as html_lib
import re

import pytest
from django.urls import reverse

from insights import rankings
from insights.templatetags.insights_tags import pct
from tests.insights.factories import seed_period

pytestmark = pytest.mark.django_db


@pytest.fixture
def april_second(monkeypatch):
    """Today is 2026-04-02: March is the last complete month."""
    monkeypatch.setattr(rankings, "local_today", lambda: dt.date(2026, 4, 2))


@pytest.fixture
def march(member, other_member, clerk, handler, other_handler, supervisor):
    seed_period(
        12, members=[member, other_member], clerk=clerk, handlers=[handler, other_handler], supervisor=supervisor
    )


@pytest.mark.parametrize(
    ("today", "label"),
    [
        (dt.date(2026, 12, 3), "2026-11"),
        (dt.date(2026, 12, 1), "2026-11"),
        (dt.date(2026, 11, 30), "2026-10"),
        (dt.date(2027, 1, 1), "2026-12"),
        (dt.date(2024, 3, 1), "2024-02"),
    ],
)
def test_the_default_period_is_the_last_complete_month(monkeypatch, today, label):
    assert rankings.parse_period("", today=today).label == label
    monkeypatch.setattr(rankings, "local_today", lambda: today)
    period = rankings.parse_period(None)
    assert period.label == label and period.end == today.replace(day=1)


def test_the_page_opens_on_the_last_complete_month_and_says_so(client, client_for, supervisor, april_second, march):
    html = client.get(reverse("insights:rankings")).content.decode()
    assert re.search(r'<h2 data-testid="ranking-period">2026-03（上期 2026-02）</h2>', html)
    note = re.search(r'data-testid="ranking-period-note">([^<]*)<', html)[1]
    assert "2026-03-01 至 2026-03-31" in note and "默认显示最近一个完整月份" in note
    assert re.search(r'<input[^>]*name="period"[^>]*value="2026-03"', html)  # the box holds the month
    assert "period=2026-03" in html  # the open-data link counts the month shown
    staff = client_for(supervisor).get(reverse("insights:rankings_staff")).content.decode()
    drill = re.findall(r'href="/insights/rankings/problems/\?([^"]*)"', staff)
    assert drill and all("period=2026-03" in link for link in drill)
    export = re.search(r'href="/insights/rankings/export\.xlsx\?([^"]*)"', staff)[1]
    assert "period=2026-03" in export


def test_the_period_stays_selectable(client, april_second, march):
    html = client.get(reverse("insights:rankings"), {"period": "2026-02"}).content.decode()
    assert 'data-testid="ranking-period">2026-02（上期 2026-01）' in html
    note = re.search(r'data-testid="ranking-period-note">([^<]*)<', html)[1]
    assert "2026-02-01 至 2026-02-28" in note and "默认" not in note
    quarter = client.get(reverse("insights:rankings"), {"period": "2026-Q1"}).content.decode()
    assert 'data-testid="ranking-period">2026-Q1' in quarter
    assert 'data-testid="chart"' in quarter  # March is in the first quarter


def test_the_default_page_costs_the_queries_of_an_explicit_month(
    client_for, supervisor, april_second, march, num_queries
):
    staff = client_for(supervisor)
    for url in (reverse("insights:rankings"), reverse("insights:rankings_staff")):
        assert num_queries.get(staff, url) == num_queries.get(staff, url, {"period": "2026-03"}) == 16


def test_the_charts_are_labelled_named_svg_with_a_table_of_the_same_figures(client, april_second, march):
    html = client.get(reverse("insights:rankings")).content.decode()
    result = rankings.ranking(period=rankings.month_period(2026, 3))
    figures = re.findall(r'<figure class="chart" data-testid="chart">.*?</figure>', html, re.S)
    assert len(figures) == 2
    assert " style=" not in html.split("<main", 1)[1]  # the CSP forbids inline style
    for figure, attribute, title in zip(
        figures,
        ("on_time_reply_rate", "satisfaction_rate"),
        ("按时答复率（按部门）", "满意率（按部门）"),
        strict=True,
    ):
        svg = re.search(r"<svg.*?</svg>", figure, re.S)[0]
        assert f'role="img" aria-label="{title}"' in svg and f"<title>{title}</title>" in svg
        assert "viewBox" not in svg  # never scaled down: the text keeps its size
        sizes = [int(size) for size in re.findall(r'font-size="(\d+)"', svg)]
        assert sizes and min(sizes) >= 12
        expected = [(row.name, pct(getattr(row, attribute))) for row in result.ranked]
        assert len(expected) == 2
        labels = [html_lib.unescape(text) for text in re.findall(r'class="chart-label"[^>]*>([^<]*)<', svg)]
        values = re.findall(r'class="chart-value"[^>]*>([^<]*)<', svg)
        assert list(zip(labels, values, strict=True)) == expected
        table = re.search(r"<table.*?</table>", figure, re.S)[0]
        cells = re.findall(r'<tr><th scope="row">([^<]*)</th><td>([^<]*)</td></tr>', table)
        assert [(html_lib.unescape(name), value) for name, value in cells] == expected


def test_the_period_note_and_the_chart_tables_are_in_english(client, april_second, march):
    from django.conf import settings

    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    html = client.get(reverse("insights:rankings")).content.decode()
    assert "Period: 2026-03-01 to 2026-03-31 (by default the last complete month" in html
    assert ": data</caption>" in html
    assert "统计周期" not in html.split('data-testid="ranking-period-note"', 1)[1].split("</p>", 1)[0]


def test_a_long_name_is_shortened_in_the_chart_and_whole_in_its_table():
    from types import SimpleNamespace

    from django.template.loader import render_to_string

    from insights.templatetags.insights_tags import bar_chart

    long_name = "浙江省湖州市南太湖新区管理委员会经济发展局"
    rows = [SimpleNamespace(name=long_name, rate=0.5), SimpleNamespace(name="税务局", rate=None)]
    context = bar_chart(rows, "rate", "图", label="率", name_label="部门")
    assert [bar["label"] for bar in context["bars"]] == ["浙江省湖州市南太湖新区管理委…"]  # no figure: left out
    html = render_to_string("insights/_bar_chart.html", context)
    assert ">浙江省湖州市南太湖新区管理委…</text>" in html
    assert f'<th scope="row">{long_name}</th><td>50.0%</td>' in html
    assert (
        bar_chart([], "rate")["bars"] == [] and not render_to_string("insights/_bar_chart.html", {"bars": []}).strip()
    )


@pytest.mark.parametrize(
    ("label", "following"),
    [("2026-03", "2026-04"), ("2026-12", "2027-01"), ("2026-Q4", "2027-Q1"), ("2026-Q2", "2026-Q3"), ("2026", "2027")],
)
def test_the_following_period_is_of_the_same_kind(label, following):
    period = rankings.parse_period(label)
    assert period.following().label == following
    assert period.following().start == period.end and period.following().previous() == period


def test_the_previous_and_the_next_complete_period_are_one_click_away(client, april_second):
    def links(params=None):
        html = client.get(reverse("insights:rankings"), params or {}).content.decode()
        found = re.findall(r'<a href="\?([^"]*)" data-testid="period-(previous|next)"', html)
        return {name: query for query, name in found}

    assert links() == {"previous": "period=2026-02"}  # March shown by default; April is not over
    assert links({"period": "2026-02", "by": "region"}) == {
        "previous": "period=2026-01&amp;by=region",
        "next": "period=2026-03&amp;by=region",
    }
    assert links({"period": "2025-Q4"}) == {"previous": "period=2025-Q3", "next": "period=2026-Q1"}
    assert links({"period": "2026-Q1"}) == {"previous": "period=2025-Q4"}
    assert links({"start": "2026-03-01", "end": "2026-03-15"}) == {}  # a custom range has no neighbours
