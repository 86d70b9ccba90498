"""The similar-problem engine: index pre-tokenised text, find the nearest problems, fast at 1M rows.

How a search runs (``search``):

1. The query text is tokenised (``insights.text``) and the document frequency of each query term is
   read from ``TermStat``, with the number of documents (one query).
2. **Candidates** come from the database using only the informative terms: the rarest ones, while
   their document frequencies add up to at most ``MATCH_BUDGET`` rows (a term found in more than
   ``COMMON_SHARE`` of all problems is never used unless it is the rarest one), so the database
   ranks a bounded number of rows whatever the table size:
   - PostgreSQL: ``search_vector @@ to_tsquery('simple', 't1 | t2 | …')`` against a stored, generated
     ``tsvector`` column with a GIN index, ordered by ``ts_rank`` and limited to ``CANDIDATES`` rows;
   - other databases (SQLite): the ``SearchTerm`` inverted index (term → problem), grouped by
     problem and ordered by the number of matching terms.
   Either way the caller may pass ``within`` (a queryset of problem ids the user may see), which is
   applied inside the same SQL, so an enterprise's search never leaks other problems.
   On PostgreSQL the same query also returns the document frequency of every term the candidates hold
   (their tokens split in SQL, each looked up in ``TermStat`` and the pending changes); elsewhere one
   more query reads them.
3. **Re-ranking** in Python: TF-IDF cosine similarity (sub-linear tf, smoothed idf from ``TermStat``)
   between the query and each candidate's stored tokens. The score is in [0, 1]; results below
   ``min_score`` are dropped.

That is two queries per search on PostgreSQL (three or four on SQLite) whatever the table size.

Indexing runs on the worker after the problem's transaction commits (``insights.signals`` →
``insights.tasks.index_issue`` → :func:`index_document`), so saving a problem never waits on the
tokeniser. Document frequencies are never bumped in place by an indexing: it appends ``TermStatChange``
rows (+1 for a term the problem gains, −1 for one it loses); the scheduled :func:`fold_term_changes`
adds them into ``TermStat`` in one statement, and a search adds the changes still pending to what it
reads, so the frequencies are exact at every moment and no two indexings contend on a common term's row.
"""

import math
from collections import Counter
from dataclasses import dataclass

from django.db import connection, transaction
from django.db.models import BooleanField, Count, FloatField, QuerySet
from django.db.models.expressions import RawSQL

from insights.text import tokenize

CANDIDATES = 60
MAX_QUERY_TERMS = 16
COMMON_SHARE = 0.05
MIN_COMMON_DF = 50
# The candidate query uses the rarest terms while their document frequencies add up to at most this
# many rows, so the database ranks a bounded set whatever the table size (the rarest term is always
# used). Rare terms are also the ones that tell one difficulty from another.
MATCH_BUDGET = 4000
INDEX_LOCK_SPACE = 7301  # the advisory-lock namespace of index_document (PostgreSQL)


@dataclass(frozen=True)
class Hit:
    issue_id: int
    score: float


def is_postgres() -> bool:
    return connection.vendor == "postgresql"


def _models():
    from insights.models import IssueSearchDoc, SearchTerm, TermStat

    return IssueSearchDoc, SearchTerm, TermStat


# ----------------------------------------------------------------------------------------- indexing


def _bump(tokens: list[str], delta: int) -> None:
    """Record that ``delta`` is to be added to the document frequency of each token (appended rows)."""
    from insights.models import TermStatChange

    TermStatChange.objects.bulk_create([TermStatChange(token=token, delta=delta) for token in tokens])


def fold_term_changes() -> int:
    """Add the pending ``TermStatChange`` rows into ``TermStat`` and delete them (scheduled every
    minute). The rows are claimed with ``DELETE … RETURNING``, so two folds at once never count a
    change twice; the sums are written in token order (no deadlock). Returns the rows folded."""
    from insights.models import TermStatChange

    _, _, term_stat = _models()
    changes = connection.ops.quote_name(TermStatChange._meta.db_table)
    table = connection.ops.quote_name(term_stat._meta.db_table)
    greatest = "GREATEST" if is_postgres() else "MAX"  # SQLite's two-argument MAX is PostgreSQL's GREATEST
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {changes} RETURNING token, delta")  # noqa: S608 - table name is ours
        claimed = cursor.fetchall()
        sums: Counter = Counter()
        for token, delta in claimed:
            sums[token] += delta
        rows = sorted((token, df) for token, df in sums.items() if df)
        for start in range(0, len(rows), 500):
            chunk = rows[start : start + 500]
            values = ", ".join(["(%s, %s)"] * len(chunk))
            cursor.execute(
                f"INSERT INTO {table} (token, df) VALUES {values} "  # noqa: S608 - table name is ours
                f"ON CONFLICT (token) DO UPDATE SET df = {greatest}({table}.df + excluded.df, 0)",
                [value for row in chunk for value in row],
            )
    return len(claimed)


def document_frequencies(tokens) -> dict[str, int]:
    """The document frequency of each of ``tokens`` (folded + still pending), in one query."""
    return _frequencies(tokens, with_count=False)[0]


def _frequencies_sql(tokens: str) -> str:
    """The one spelling of a term's document frequency, folded + pending: (token, df) of each token in
    ``tokens`` — placeholders (their parameters given twice) or a sub-select of tokens."""
    from insights.models import TermStatChange

    _, _, term_stat = _models()
    table = connection.ops.quote_name(term_stat._meta.db_table)
    changes = connection.ops.quote_name(TermStatChange._meta.db_table)
    return (
        f"SELECT token, SUM(df) FROM (SELECT token, df FROM {table} WHERE token IN ({tokens}) "  # noqa: S608
        f"UNION ALL SELECT token, delta FROM {changes} WHERE token IN ({tokens})) AS d GROUP BY token"
    )


def _count_sql() -> tuple[str, list]:
    """:func:`document_count`'s SELECT (one row, one value)."""
    doc_model, _, _ = _models()
    table = connection.ops.quote_name(doc_model._meta.db_table)
    if is_postgres():
        return (
            "SELECT CASE WHEN reltuples > 0 THEN reltuples::bigint "  # noqa: S608 - table name is ours
            f"ELSE (SELECT count(*) FROM {table}) END FROM pg_class WHERE oid = %s::regclass",
            [doc_model._meta.db_table],
        )
    return f"SELECT COUNT(*) FROM {table}", []  # noqa: S608 - table name is ours


def _frequencies(tokens, *, with_count: bool) -> tuple[dict[str, int], int | None]:
    """The document frequencies of ``tokens`` and, if asked, :func:`document_count` — one query for both
    (the count is the row whose token is NULL)."""
    tokens = list(tokens)
    parts, params = [], []
    if tokens:
        parts.append(_frequencies_sql(", ".join(["%s"] * len(tokens))))
        params += tokens + tokens
    if with_count:
        sql, count_params = _count_sql()
        parts.append(f"SELECT NULL, ({sql})")
        params += count_params
    if not parts:
        return {}, None
    dfs, count = {}, None
    with connection.cursor() as cursor:
        cursor.execute(" UNION ALL ".join(parts), params)
        for token, value in cursor.fetchall():
            if token is None:
                count = int(value)
            else:
                dfs[token] = int(value)
    return dfs, count


def _lock(issue_id: int) -> None:
    """One indexing of a problem at a time (a task delivered twice must not count its terms twice):
    a transaction-scoped advisory lock on PostgreSQL (the problem's own row stays free for its
    editors); SQLite has one writer anyway."""
    if is_postgres():
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [INDEX_LOCK_SPACE, issue_id])


def index_document(*, issue_id: int, text: str) -> None:
    """Create or refresh the index entry of one problem (idempotent: same text → nothing changes)."""
    doc_model, term_model, _ = _models()
    tokens = tokenize(text)
    joined = " ".join(tokens)
    with transaction.atomic():
        _lock(issue_id)
        existing = doc_model.objects.filter(issue_id=issue_id).values_list("tokens", flat=True).first()
        if existing is not None and existing == joined:
            return
        old_terms = set(existing.split()) if existing else set()
        new_terms = set(tokens)
        doc_model.objects.update_or_create(issue_id=issue_id, defaults={"tokens": joined, "length": len(tokens)})
        _bump(sorted(new_terms - old_terms), +1)
        _bump(sorted(old_terms - new_terms), -1)
        if not is_postgres():
            term_model.objects.filter(issue_id=issue_id, token__in=old_terms - new_terms).delete()
            term_model.objects.bulk_create(
                [term_model(issue_id=issue_id, token=token) for token in sorted(new_terms - old_terms)]
            )


def remove_document(*, issue_id: int) -> None:
    doc_model, term_model, _ = _models()
    with transaction.atomic():
        _lock(issue_id)
        existing = doc_model.objects.filter(issue_id=issue_id).values_list("tokens", flat=True).first()
        if existing is None:
            return
        _bump(sorted(set(existing.split())), -1)
        term_model.objects.filter(issue_id=issue_id).delete()
        doc_model.objects.filter(issue_id=issue_id).delete()


# ------------------------------------------------------------------------------------------ scoring


def _idf(df: int, total: int) -> float:
    return math.log(1 + (total + 1) / (df + 1))


def _weights(tokens, idf) -> dict[str, float]:
    counts = Counter(tokens)
    return {term: (1 + math.log(n)) * idf(term) for term, n in counts.items()}


def _norm(vector: dict[str, float]) -> float:
    return math.sqrt(sum(w * w for w in vector.values())) or 1.0


def document_count() -> int:
    """Number of indexed problems, in one query whatever the table's state (a page's query count must not
    depend on when autovacuum last ran). PostgreSQL: the planner's estimate, instant at any size, or the
    exact count while the table has never been analysed (the sub-select runs only then)."""
    sql, params = _count_sql()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return int(cursor.fetchone()[0])


def _candidates(
    terms: list[str], within: QuerySet | None, exclude: set[int]
) -> tuple[list[tuple[int, str]], dict[str, int] | None]:
    """The best ``CANDIDATES`` problems holding any of ``terms`` as (issue_id, tokens), and on PostgreSQL
    the document frequency of every term they hold, read by the same query (None elsewhere: the caller
    reads them)."""
    doc_model, term_model, _ = _models()
    if is_postgres():
        query = " | ".join(terms)
        docs = doc_model.objects.alias(
            hit=RawSQL("search_vector @@ to_tsquery('simple', %s)", [query], output_field=BooleanField())
        ).filter(hit=True)
        if within is not None:
            docs = docs.filter(issue_id__in=within)
        if exclude:
            docs = docs.exclude(issue_id__in=exclude)
        docs = docs.annotate(
            rank=RawSQL("ts_rank(search_vector, to_tsquery('simple', %s))", [query], output_field=FloatField())
        ).order_by("-rank")
        sql, params = docs.values_list("issue_id", "tokens")[:CANDIDATES].query.sql_with_params()
        rows, dfs = [], {}
        with connection.cursor() as cursor:
            cursor.execute(_candidates_with_frequencies_sql(sql), params)
            for issue_id, tokens, df in cursor.fetchall():
                if issue_id is None:
                    dfs[tokens] = int(df)
                else:
                    rows.append((issue_id, tokens))
        return rows, dfs
    rows = term_model.objects.filter(token__in=terms)
    if within is not None:
        rows = rows.filter(issue_id__in=within)
    if exclude:
        rows = rows.exclude(issue_id__in=exclude)
    ids = list(
        rows.values("issue_id")
        .annotate(n=Count("id"))
        .order_by("-n", "-issue_id")
        .values_list("issue_id", flat=True)[:CANDIDATES]
    )
    return list(doc_model.objects.filter(issue_id__in=ids).values_list("issue_id", "tokens")), None


def _candidates_with_frequencies_sql(candidates_sql: str) -> str:
    """PostgreSQL: the candidates' rows (issue_id, tokens, NULL), then one row (NULL, term, frequency) per
    distinct term they hold (:func:`_frequencies_sql`), in one round trip."""
    return (
        f"WITH c (issue_id, tokens) AS MATERIALIZED ({candidates_sql}), "  # noqa: S608 - our SQL and tables
        "t AS (SELECT DISTINCT unnest(string_to_array(tokens, ' ')) AS token FROM c) "
        "SELECT issue_id, tokens, NULL::bigint FROM c UNION ALL "
        f"SELECT NULL, f.* FROM ({_frequencies_sql('SELECT token FROM t')}) AS f"
    )


def search(
    text: str,
    *,
    limit: int = 5,
    min_score: float = 0.0,
    within: QuerySet | None = None,
    exclude: set[int] | frozenset[int] = frozenset(),
) -> list[Hit]:
    """The problems most similar to ``text``, best first.

    ``within``: a queryset of problem ids (``values("pk")``) to search in — the caller's visibility;
    ``exclude``: problem ids to leave out (the problem being looked at).
    """
    return search_many(text, {"hits": (limit, within)}, min_score=min_score, exclude=exclude)["hits"]


def search_many(
    text: str,
    searches: dict[str, tuple[int, QuerySet | None]],
    *,
    min_score: float = 0.0,
    exclude: set[int] | frozenset[int] = frozenset(),
) -> dict[str, list[Hit]]:
    """Several searches of the same text, each ``name: (limit, within)`` as in :func:`search`, with the
    same answers; the text's term statistics and the number of documents are read once for all, and the
    statistics of the candidates' terms in one query (the similar-problem hint searches three sets)."""
    found: dict[str, list[Hit]] = {name: [] for name in searches}
    query_tokens = tokenize(text)
    if not query_tokens:
        return found
    distinct = sorted(set(query_tokens))
    dfs, total = _frequencies(distinct, with_count=True)  # with the number of documents: one query
    known = [term for term in distinct if dfs.get(term, 0) > 0]
    if not known:
        return found
    total = max(total or 0, max(dfs.values()))
    cap = max(MIN_COMMON_DF, int(total * COMMON_SHARE))
    ordered = sorted(known, key=lambda t: (dfs[t], t))
    informative, budget = [], 0
    for term in ordered[:MAX_QUERY_TERMS]:
        if informative and (dfs[term] > cap or budget + dfs[term] > MATCH_BUDGET):
            break
        informative.append(term)
        budget += dfs[term]
    candidates, unread = {}, False
    for name, (_limit, within) in searches.items():
        candidates[name], term_dfs = _candidates(informative, within, set(exclude))
        if term_dfs is None:
            unread = True
        else:
            for term, df in term_dfs.items():  # the query terms keep the frequency the choice above used
                dfs.setdefault(term, df)
    if not any(candidates.values()):
        return found

    if unread:  # SQLite: the candidates' term statistics in one more query
        doc_terms = {term for rows in candidates.values() for _, tokens in rows for term in tokens.split()} - set(dfs)
        if doc_terms:
            dfs.update(document_frequencies(sorted(doc_terms)))

    def idf(term: str) -> float:
        return _idf(dfs.get(term, 0), total)

    query_vector = _weights(query_tokens, idf)
    query_norm = _norm(query_vector)
    for name, rows in candidates.items():
        hits = []
        for issue_id, tokens in rows:
            doc_vector = _weights(tokens.split(), idf)
            dot = sum(weight * doc_vector.get(term, 0.0) for term, weight in query_vector.items())
            score = dot / (query_norm * _norm(doc_vector))
            if score >= min_score:
                hits.append(Hit(issue_id=issue_id, score=round(score, 4)))
        hits.sort(key=lambda hit: (-hit.score, -hit.issue_id))
        found[name] = hits[: searches[name][0]]
    return found
