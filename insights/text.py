"""Chinese tokenising for the similar-problem search.

jieba cuts the text (search mode: a long domain term also yields its parts, so "消防验收" still meets
"消防的验收"), a user dictionary of domain terms keeps 消防验收, 中试基地, 危险化学品经营许可 … whole, a
synonym table folds the different words enterprises use for the same thing onto one canonical term,
and stop words, punctuation, single characters and bare numbers are dropped.

The tokenizer is a private ``jieba.Tokenizer`` instance (never the global one, whose dictionary other
code could change); it is built once per process from files shipped in ``insights/data/`` and never
changed afterwards, so it is safe to share between threads and workers.
"""

import functools
import logging
import re
from pathlib import Path

DATA_DIR = Path(__file__).resolve().parent / "data"

_KEEP = re.compile(r"^[0-9a-z\u4e00-\u9fff]+$")
_DIGITS = re.compile(r"^\d+$")


@functools.cache
def _tokenizer():
    import jieba

    jieba.setLogLevel(logging.WARNING)
    tokenizer = jieba.Tokenizer()
    tokenizer.load_userdict(str(DATA_DIR / "userdict.txt"))
    for word in synonyms():  # a synonym must be cut as one word to be recognised
        tokenizer.add_word(word, 50000)
    return tokenizer


@functools.cache
def stop_words() -> frozenset[str]:
    lines = (DATA_DIR / "stopwords.txt").read_text(encoding="utf-8").splitlines()
    return frozenset(line.strip() for line in lines if line.strip() and not line.startswith("#"))


@functools.cache
def synonyms() -> dict[str, str]:
    """word → canonical word, from ``data/synonyms.txt`` (first word of a line is the canonical one)."""
    table: dict[str, str] = {}
    for line in (DATA_DIR / "synonyms.txt").read_text(encoding="utf-8").splitlines():
        words = line.split()
        if not words or words[0].startswith("#"):
            continue
        for word in words[1:]:
            table[word] = words[0]
    return table


def tokenize(text: str) -> list[str]:
    """The index terms of ``text``, in order, with repeats (term frequency matters)."""
    if not text:
        return []
    stops, table = stop_words(), synonyms()
    tokens: list[str] = []
    for raw in _tokenizer().cut_for_search(text.lower()):
        word = raw.strip()
        if len(word) < 2 or word in stops or not _KEEP.match(word) or _DIGITS.match(word):
            continue
        word = table.get(word, word)
        if word in stops:
            continue
        tokens.append(word)
    return tokens
