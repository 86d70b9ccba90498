"""A memoised ``gettext`` for the evaluator's wording.

Matching words a few hundred shortfalls per request, each from several translated fragments; Django's
``gettext`` walks its catalogue chain on every call. Translations do not change while a process runs, so
the result per (language, message) is memoised — immutable data, safe to share between requests.
"""

from functools import lru_cache

from django.utils import translation


@lru_cache(maxsize=2048)
def _translate(language: str | None, message: str) -> str:
    if language is None:
        return translation.gettext(message)
    with translation.override(language):
        return translation.gettext(message)


def gettext_cached(message: str) -> str:
    return _translate(translation.get_language(), message)
