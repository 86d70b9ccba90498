"""The tokenizer, the index kept in step with problems, and the search with visibility."""

import io

import pytest
from django.test import TestCase

from insights import similarity, tasks
from insights.models import IssueSearchDoc, SearchTerm, TermStat, TermStatChange
from insights.selectors import similar_issues
from insights.text import tokenize
from tests.insights.factories import submit
from tests.issues.factories import submit as raw_submit

pytestmark = pytest.mark.django_db


def test_domain_terms_stay_whole_and_stop_words_go():
    # given a report with domain terms, a polite plea and stop words
    tokens = tokenize("我司储能集装箱的消防验收迟迟办不下来，恳请协调解决！")
    # then the user dictionary keeps the terms whole and the noise is gone
    assert "储能集装箱" in tokens
    assert "消防验收" in tokens
    assert not {"我司", "的", "恳请", "协调", "解决", "，"} & set(tokens)


def test_synonyms_fold_onto_one_term():
    # given two wordings of the same thing
    # then both map to the canonical term
    assert "厂房" in tokenize("生产用房层高不够")
    assert "路灯" in tokenize("门口的照明灯坏了")


def _df(token: str) -> int:
    return similarity.document_frequencies([token]).get(token, 0)


def test_a_new_problem_is_indexed_after_commit_on_the_worker(member, django_capture_on_commit_callbacks):
    # when a problem is submitted through the issues actions
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        issue = raw_submit(
            member, title="储能集装箱消防验收没有标准", description="住建部门说不属于建筑工程，无法受理。"
        )
        # then nothing is indexed inside its transaction
        assert not IssueSearchDoc.objects.filter(issue=issue).exists()
    # when the transaction commits and the worker runs the queued task (sync mode here)
    for callback in callbacks:
        callback()
    # then its search entry exists and the document frequencies count it
    doc = IssueSearchDoc.objects.get(issue=issue)
    assert "消防验收" in doc.tokens.split()
    assert _df("消防验收") == 1
    if not similarity.is_postgres():
        assert SearchTerm.objects.filter(issue_id=issue.pk, token="消防验收").exists()


def test_indexing_appends_frequency_changes_and_the_fold_adds_them(member, other_member):
    # given two problems sharing a term, indexed
    submit(member, title="厂区门口路灯不亮", description="夜班员工出行不安全。")
    submit(other_member, title="园区门口没有路灯", description="下班的工人骑电动车摔倒过。")
    # then no shared frequency row was written by either indexing: each appended its own changes
    assert not TermStat.objects.filter(token="路灯").exists()
    assert TermStatChange.objects.filter(token="路灯", delta=1).count() == 2
    assert _df("路灯") == 2
    # when the scheduled fold runs (twice: the second finds nothing)
    assert tasks.fold_term_changes() > 0
    assert tasks.fold_term_changes() == 0
    # then the sums are in TermStat and nothing is pending; the frequency is unchanged
    assert TermStat.objects.get(token="路灯").df == 2
    assert not TermStatChange.objects.exists()
    assert _df("路灯") == 2


def test_editing_the_text_reindexes_and_deleting_unindexes(member):
    # given an indexed problem
    issue = submit(member, title="厂区门口路灯不亮", description="夜班员工出行不安全。")
    assert _df("路灯") == 1
    # when its title changes
    issue.title = "园区污水纳管迟迟不批"
    with TestCase.captureOnCommitCallbacks(execute=True):
        issue.save()
    # then the old terms are gone and the new ones counted, before and after the fold
    assert _df("路灯") == 0
    assert _df("污水纳管") == 1
    similarity.fold_term_changes()
    assert _df("路灯") == 0
    assert _df("污水纳管") == 1
    # when it is deleted, its counts go too
    issue_id = issue.pk
    issue.events.all().delete()
    issue.delete()
    assert not IssueSearchDoc.objects.filter(issue_id=issue_id).exists()
    assert _df("污水纳管") == 0


def test_reindexing_the_same_text_changes_nothing(member):
    issue = submit(member, title="出口退税到账慢", description="退税款三个月没有到账。")
    before = list(TermStatChange.objects.values_list("token", "delta"))
    assert tasks.index_issue(issue.pk) == "indexed"
    similarity.index_document(issue_id=issue.pk, text=f"{issue.title}\n{issue.description}")
    assert list(TermStatChange.objects.values_list("token", "delta")) == before


def test_a_lost_indexing_task_is_caught_up_and_a_broker_outage_does_not_fail_the_save(member, monkeypatch):
    # given a broker that refuses work
    def refuse(*args, **kwargs):
        raise ConnectionError("broker down")

    monkeypatch.setattr("django_q.tasks.async_task", refuse)
    # when a problem is submitted, the save succeeds all the same
    with TestCase.captureOnCommitCallbacks(execute=True):
        issue = raw_submit(member, title="厂房层高不够设备无法安装", description="标准厂房净高只有5米。")
    assert not IssueSearchDoc.objects.filter(issue=issue).exists()
    # when the scheduled catch-up runs, it is indexed
    assert tasks.index_missing() == 1
    assert IssueSearchDoc.objects.filter(issue=issue).exists()
    assert tasks.index_missing() == 0
    names = {spec["name"]: spec for spec in tasks.SCHEDULES}
    assert names["insights.fold_term_changes"]["minutes"] == 1
    assert names["insights.index_missing"]["minutes"] == 10


def test_search_finds_a_differently_worded_report_first(member, other_member):
    # given three problems on different subjects
    fire = submit(
        member, title="储能电站消防竣工验收找不到主管部门", description="储能项目预制舱式建设，验收各部门互相推诿。"
    )
    submit(member, title="出口退税审核时间太长", description="外贸企业退税款迟迟没有到账，资金周转困难。")
    submit(other_member, title="园区门口没有路灯", description="夜班工人下班出行不安全。")
    # when a clerk searches with other words for the same difficulty
    hits = similarity.search("储能集装箱消防验收没有标准，住建部门无法受理", limit=3)
    # then the fire-acceptance problem comes first with a clear score
    assert hits[0].issue_id == fire.pk
    assert 0 < hits[0].score <= 1
    assert all(hit.score < hits[0].score for hit in hits[1:])


def test_a_search_counts_pending_frequency_changes_as_folded_ones(member, other_member):
    # given problems indexed but not folded: every frequency the search reads is still pending
    submit(member, title="储能电站消防竣工验收找不到主管部门", description="储能项目预制舱式建设，验收各部门互相推诿。")
    submit(other_member, title="储能集装箱消防验收没有标准", description="住建部门说不属于建筑工程。")
    submit(member, title="园区门口没有路灯", description="夜班工人下班出行不安全。")
    text = "储能集装箱消防验收找不到部门，夜班出行不安全"
    assert not TermStat.objects.exists()
    pending = similarity.search(text, limit=5)
    # when they are folded, then a new problem adds pending changes on top of folded frequencies
    tasks.fold_term_changes()
    assert similarity.search(text, limit=5) == pending
    submit(other_member, title="消防验收部门互相推诿", description="储能项目无人受理，工人出行不安全。")
    assert TermStatChange.objects.exists()
    mixed = similarity.search(text, limit=5)
    # then the scores are those of the same frequencies folded (the query's terms and the terms only the
    # problems found hold alike)
    tasks.fold_term_changes()
    assert not TermStatChange.objects.exists()
    assert similarity.search(text, limit=5) == mixed
    assert len(mixed) == 4 and mixed != pending


def test_an_enterprise_finds_only_its_own_problems(member, other_member, clerk):
    # given the same difficulty reported by two enterprises
    own = submit(member, title="厂房层高不够设备无法安装", description="标准厂房净高只有5米。")
    other = submit(other_member, title="新建厂房层高不满足生产要求", description="层高偏低，设备装不下。")
    # when each searches
    member_ids = [row["issue"].pk for row in similar_issues(user=member, text="厂房层高不足")]
    clerk_ids = [row["issue"].pk for row in similar_issues(user=clerk, text="厂房层高不足")]
    # then the enterprise sees only its own; the clerk sees both
    assert member_ids == [own.pk]
    assert set(clerk_ids) == {own.pk, other.pk}


def test_empty_or_noise_text_finds_nothing(member):
    submit(member)
    assert similarity.search("") == []
    assert similarity.search("请问，谢谢！") == []


def test_reindex_rebuilds_the_same_index(member, other_member):
    from django.core.management import call_command

    submit(member, title="厂区门口路灯不亮", description="夜班员工出行不安全。")
    submit(other_member, title="园区门口没有路灯", description="下班的工人骑电动车摔倒过。")
    before_docs = sorted(IssueSearchDoc.objects.values_list("issue_id", "tokens"))
    similarity.fold_term_changes()
    before_stats = dict(TermStat.objects.filter(df__gt=0).values_list("token", "df"))
    call_command("insights_reindex", stdout=io.StringIO())
    assert sorted(IssueSearchDoc.objects.values_list("issue_id", "tokens")) == before_docs
    assert dict(TermStat.objects.values_list("token", "df")) == before_stats
