"""Rebuild the similar-problem index from the problems (after a bulk import, a restore, a change of
the user dictionary or synonyms, or to repair document frequencies). Safe to run at any time."""

from collections import Counter

from django.core.management.base import BaseCommand
from django.db import transaction

from insights import similarity
from insights.models import IssueSearchDoc, SearchTerm, TermStat, TermStatChange
from insights.text import tokenize
from issues.models import Issue


class Command(BaseCommand):
    help = "Rebuild IssueSearchDoc, SearchTerm and TermStat from all problems."

    def add_arguments(self, parser):
        parser.add_argument("--batch", type=int, default=2000)

    def handle(self, *args, batch: int, **options):
        postgres = similarity.is_postgres()
        counter: Counter = Counter()
        with transaction.atomic():
            IssueSearchDoc.objects.all().delete()
            SearchTerm.objects.all().delete()
            TermStat.objects.all().delete()
            TermStatChange.objects.all().delete()
            docs, terms, total = [], [], 0
            for issue_id, title, description in Issue.objects.values_list("pk", "title", "description").iterator(
                chunk_size=batch
            ):
                tokens = tokenize(f"{title}\n{description}")
                distinct = sorted(set(tokens))
                counter.update(distinct)
                docs.append(IssueSearchDoc(issue_id=issue_id, tokens=" ".join(tokens), length=len(tokens)))
                if not postgres:
                    terms.extend(SearchTerm(issue_id=issue_id, token=token) for token in distinct)
                if len(docs) >= batch:
                    IssueSearchDoc.objects.bulk_create(docs)
                    SearchTerm.objects.bulk_create(terms)
                    total += len(docs)
                    docs, terms = [], []
            IssueSearchDoc.objects.bulk_create(docs)
            SearchTerm.objects.bulk_create(terms)
            total += len(docs)
            TermStat.objects.bulk_create(
                [TermStat(token=token, df=df) for token, df in counter.items()], batch_size=batch
            )
        self.stdout.write(f"indexed {total} problems, {len(counter)} terms")
