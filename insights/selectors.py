"""Reads of the insights app (DESIGN.md rule 2): similar problems, hints, clusters, common problems."""

import math
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, Prefetch, Q

from issues.models import Issue
from issues.workflow import ISSUE
from portal.permissions import reads_all_cases
from services.models import Application

from . import similarity
from .models import CommonIssue, CommonIssueLink, CommonIssueReuse, IssueSearchDoc

SOLVED_STATUSES = ISSUE.group("solved")
OPEN_STATUSES = ISSUE.group("open")
HINT_MIN_SCORE = 0.15
API_MIN_SCORE = 0.05
CLUSTER_MIN_SCORE = 0.2
CLUSTER_NEIGHBOURS = 4


def sees_all_issues(user) -> bool:
    return reads_all_cases(user)


def _within(user, base=None):
    """The ids to search in for ``user`` (None = everything, no subquery needed)."""
    qs = base if base is not None else Issue.objects.all()
    if sees_all_issues(user) and base is None:
        return None
    if not sees_all_issues(user):
        qs = qs.filter(pk__in=Issue.objects.visible_to(user).values("pk"))
    return qs.values("pk")


def similar_issues(*, user, text: str, limit: int = 5, min_score: float = API_MIN_SCORE, exclude=()) -> list[dict]:
    """The problems ``user`` may see that are most similar to ``text``, best first:
    ``[{"issue": Issue, "score": float, "common_issue": CommonIssue | None}]``."""
    hits = similarity.search(text, limit=limit, min_score=min_score, within=_within(user), exclude=set(exclude))
    return _attach(hits)


def _attach(hits) -> list[dict]:
    if not hits:
        return []
    issues = Issue.objects.select_related("common_link__common_issue", "lead_department").in_bulk(
        [hit.issue_id for hit in hits]
    )
    rows = []
    for hit in hits:
        issue = issues.get(hit.issue_id)
        if issue is None:
            continue
        link = getattr(issue, "common_link", None)
        rows.append({"issue": issue, "score": hit.score, "common_issue": link.common_issue if link else None})
    return rows


@dataclass
class Hint:
    """What the similar-problem hint shows next to a problem being written or classified."""

    text: str = ""
    solved: list = field(default_factory=list)  # staff: similar problems already answered, with public replies
    library: list = field(default_factory=list)  # everyone: public common problems (经验库) that match
    own: list = field(default_factory=list)  # enterprise: its own similar problems
    duplicates: list = field(default_factory=list)  # classify page: open problems that may be the same

    @property
    def empty(self) -> bool:
        return not (self.solved or self.library or self.own or self.duplicates)


def hint_for(*, user, text: str, issue: Issue | None = None, limit: int = 3) -> Hint:
    """Similar problems already solved (with public replies), matching library entries and — on the
    classify page (``issue`` given) — possible duplicates among open problems. Never blocks anything."""
    hint = Hint(text=text)
    if len((text or "").strip()) < 4:
        return hint
    exclude = {issue.pk} if issue is not None else set()
    public_linked = Issue.objects.filter(common_link__common_issue__is_public=True)
    searches = {"library": (limit * 3, public_linked.values("pk"))}
    if sees_all_issues(user):
        solved = Issue.objects.filter(status__in=SOLVED_STATUSES).exclude(public_reply="")
        searches["solved"] = (limit, solved.values("pk"))
        if issue is not None:
            searches["duplicates"] = (5, Issue.objects.filter(status__in=OPEN_STATUSES).values("pk"))
    elif user.is_authenticated:
        searches["own"] = (limit, _within(user))
    # one search of the text's statistics for every list, one read of the problems they found
    found = similarity.search_many(text, searches, min_score=HINT_MIN_SCORE, exclude=exclude)
    rows = _attach([hit for hits in found.values() for hit in hits])
    by_id = {row["issue"].pk: row for row in rows}

    def attached(name: str) -> list[dict]:
        return [{**by_id[hit.issue_id], "score": hit.score} for hit in found.get(name, []) if hit.issue_id in by_id]

    seen = set()
    for row in attached("library"):
        common = row["common_issue"]
        if common is not None and common.pk not in seen and common.is_public:
            seen.add(common.pk)
            hint.library.append({"common_issue": common, "score": row["score"]})
    hint.library = hint.library[:limit]
    hint.solved = attached("solved")
    hint.duplicates = attached("duplicates")
    hint.own = attached("own")
    return hint


# ------------------------------------------------------------------------------------------ clusters


@dataclass
class Cluster:
    """A group of open problems that look like the same difficulty."""

    issues: list
    terms: list[str]

    @property
    def enterprise_count(self) -> int:
        return len({issue.enterprise_id for issue in self.issues})

    @property
    def region_names(self) -> list[str]:
        return sorted({issue.enterprise.region.name for issue in self.issues})

    @property
    def channel_names(self) -> list[str]:
        return sorted({issue.channel.name for issue in self.issues})

    @property
    def ids(self) -> str:
        return ",".join(str(issue.pk) for issue in self.issues)

    @property
    def suggested_title(self) -> str:
        return self.issues[0].title

    @property
    def suggested_department(self):
        counts = Counter(issue.lead_department_id for issue in self.issues if issue.lead_department_id)
        if not counts:
            return None
        department_id = counts.most_common(1)[0][0]
        return next(issue.lead_department for issue in self.issues if issue.lead_department_id == department_id)


def clusters(
    *,
    since=None,
    until=None,
    min_size: int = 3,
    threshold: float = CLUSTER_MIN_SCORE,
    max_issues: int = 3000,
    statuses=OPEN_STATUSES,
) -> list[Cluster]:
    """Open problems (not yet in a common problem) registered in [since, until), grouped by similarity.

    Two problems are joined when each is among the other's ``CLUSTER_NEIGHBOURS`` most similar (TF-IDF
    cosine ≥ ``threshold``) — mutual nearest neighbours, which keeps unrelated groups from chaining
    together (on the labelled benchmark set: 0 mixed clusters, 361 of 370 problems clustered). Computed
    in Python over the stored tokens:
    three queries whatever the number of problems (problems, their tokens, document frequencies),
    the pairs found through an in-memory inverted index. ``max_issues`` bounds the work (newest first).
    """
    qs = Issue.objects.filter(status__in=statuses, common_link__isnull=True)
    if since:
        qs = qs.filter(registered_at__gte=since)
    if until:
        qs = qs.filter(registered_at__lt=until)
    issues = list(
        qs.select_related("enterprise__region", "channel", "lead_department", "category").order_by("-registered_at")[
            :max_issues
        ]
    )
    if len(issues) < min_size:
        return []
    tokens = dict(
        IssueSearchDoc.objects.filter(issue_id__in=[issue.pk for issue in issues]).values_list("issue_id", "tokens")
    )
    terms = sorted({term for text in tokens.values() for term in text.split()})
    dfs = similarity.document_frequencies(terms)
    total = max([similarity.document_count(), 1, *dfs.values()])

    vectors = {}
    postings = defaultdict(list)
    for issue_id, text in tokens.items():
        counts = Counter(text.split())
        vector = {t: (1 + math.log(n)) * similarity._idf(dfs.get(t, 0), total) for t, n in counts.items()}
        norm = math.sqrt(sum(w * w for w in vector.values())) or 1.0
        vectors[issue_id] = {t: w / norm for t, w in vector.items()}
        for term in vector:
            postings[term].append(issue_id)

    parent = {issue_id: issue_id for issue_id in vectors}

    def find(x):
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    common_cap = max(50, len(vectors) // 4)
    neighbours: dict[int, dict[int, float]] = {}
    for issue_id, vector in vectors.items():
        dots: dict[int, float] = defaultdict(float)
        for term, weight in vector.items():
            posting = postings[term]
            if len(posting) > common_cap:
                continue
            for other in posting:
                if other != issue_id:
                    dots[other] += weight * vectors[other][term]
        best = sorted(dots.items(), key=lambda item: (-item[1], item[0]))[:CLUSTER_NEIGHBOURS]
        neighbours[issue_id] = {other: dot for other, dot in best if dot >= threshold}
    for issue_id, near in neighbours.items():
        for other in near:
            if issue_id in neighbours.get(other, {}):  # mutual nearest neighbours only: no chaining
                parent[find(other)] = find(issue_id)

    groups = defaultdict(list)
    by_id = {issue.pk: issue for issue in issues}
    for issue_id in vectors:
        groups[find(issue_id)].append(by_id[issue_id])
    result = []
    for members in groups.values():
        if len(members) < min_size:
            continue
        members.sort(key=lambda issue: issue.registered_at)
        weight = Counter()
        for issue in members:
            for term, w in vectors[issue.pk].items():
                weight[term] += w
        result.append(Cluster(issues=members, terms=[term for term, _ in weight.most_common(5)]))
    result.sort(key=lambda cluster: (-cluster.enterprise_count, -len(cluster.issues)))
    return result


# ----------------------------------------------------------------------------------- common problems


def common_issue_list(*, user, filters=None):
    qs = (
        CommonIssue.objects.visible_to(user)
        .select_related("lead_department", "category")
        .annotate(
            issue_count=Count("links", distinct=True),
            enterprise_count=Count("links__issue__enterprise", distinct=True),
            reuse_count=Count("reuses", distinct=True),
        )
        .order_by("-created_at", "-id")
    )
    return qs


def common_issue_detail_queryset(*, user):
    return (
        CommonIssue.objects.visible_to(user)
        .select_related("lead_department", "category", "created_by")
        .prefetch_related(
            Prefetch(
                "links",
                queryset=CommonIssueLink.objects.select_related(
                    "issue__enterprise__region", "issue__lead_department", "issue__channel"
                ).order_by("issue__registered_at"),
            ),
            Prefetch("reuses", queryset=CommonIssueReuse.objects.select_related("region", "department")),
        )
    )


def library(*, user, q: str = "", public: bool = False):
    """The solved-case library (经验库): common problems with an answer or mechanism. ``public`` → only
    the published ones (the page anonymous visitors see; it renders public fields only)."""
    qs = CommonIssue.objects.public() if public else CommonIssue.objects.visible_to(user)
    qs = qs.exclude(solution="", mechanism="")
    if q:
        words = [word for word in q.split() if word][:5]
        for word in words:
            qs = qs.filter(
                Q(title__icontains=word)
                | Q(summary__icontains=word)
                | Q(solution__icontains=word)
                | Q(mechanism__icontains=word)
            )
    return (
        qs.select_related("lead_department", "category")
        .prefetch_related(Prefetch("reuses", queryset=CommonIssueReuse.objects.select_related("region")))
        .annotate(issue_count=Count("links", distinct=True))
        .order_by("-is_exemplary", "-answered_at", "-id")
    )


# ---------------------------------------------------------------------------------------- ledgers


def issue_ledger(*, user, period, department=None, region=None, metric: str = ""):
    """The problems of the 台账 that ``user`` may see: the period's cohort (first dispatched in it, not
    withdrawn), optionally only one lead department, the departments of one region or the problems
    behind one drill-down number (``metric``); in the order they were first dispatched.

    The cohort's conditions apply to the rows themselves (no ``pk IN (subquery)``) and the order is
    the cohort index's (``issues_issue_cohort``: first dispatch, id, covering the lead department and
    status): a page is an index range scan that stops after its rows, and the count reads the
    period's index entries only — never the table (docs/performance.md, 2026-12-03). The order by
    registration it had before made PostgreSQL walk the whole registration index to find a page."""
    from . import rankings

    qs = rankings.cohort(period).visible_to(user)
    if department:
        qs = qs.filter(lead_department=department)
    if region:
        qs = qs.filter(lead_department__region=region)
    metric_filters = rankings.metric_filters()
    if metric in metric_filters:
        qs = qs.filter(metric_filters[metric])
    return qs.order_by("first_dispatched_at", "id")


def application_ledger(*, user, period):
    """The 一类事 applications submitted in the period that ``user`` may see, oldest first."""
    return (
        Application.objects.visible_to(user)
        .filter(submitted_at__gte=period.start_at, submitted_at__lt=period.end_at)
        .order_by("submitted_at", "id")
    )


def ledger_queryset(*, ledger: str, user, period, department=None, region=None, metric: str = ""):
    """The rows of one ledger (``LedgerKind``) for ``user``: what an immediate download and a
    background export of the same filters both read. The applications ledger has only the period."""
    from .choices import LedgerKind

    if ledger == LedgerKind.ISSUES:
        return issue_ledger(user=user, period=period, department=department, region=region, metric=metric)
    return application_ledger(user=user, period=period)


def ledger_filters(*, period, department=None, region=None, metric: str = "") -> dict:
    """The filters of a ledger as data for an export job: the period as it was resolved when asked
    for (so a job run after midnight still exports the month the user saw), ids, the metric."""
    from . import rankings

    data = (
        {"start": period.start.isoformat(), "end": period.last_day.isoformat()}
        if period.kind == "custom"
        else {"period": period.label}
    )
    if department:
        data["department"] = department.pk
    if region:
        data["region"] = region.pk
    if metric in rankings.metric_filters():
        data["metric"] = metric
    return data


def ledger_filter_values(filters) -> dict:
    """The keyword arguments of :func:`ledger_queryset` back from :func:`ledger_filters`' data."""
    from portal.models import Department, Region

    from . import rankings

    return {
        "period": rankings.parse_period(filters.get("period"), start=filters.get("start"), end=filters.get("end")),
        "department": Department.objects.filter(pk=filters["department"]).first() if "department" in filters else None,
        "region": Region.objects.filter(pk=filters["region"]).first() if "region" in filters else None,
        "metric": filters.get("metric", ""),
    }


def ledger_export_list(*, user):
    """The background exports ``user`` asked for, newest first (nobody else's: ``visible_to``)."""
    from .models import LedgerExport

    return LedgerExport.objects.visible_to(user).order_by("-created_at", "-id")
