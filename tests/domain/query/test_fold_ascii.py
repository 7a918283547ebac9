"""Free text with an ASCII needle is tested by LIKE alone when no character of
``textops.FOLDS_TO_ASCII`` can take part in a match (``blue``), else by LIKE or, for a message
with other characters, Python's case folding (``shirt``: ``ſhirt``). Both must count what
Python's ``needle in casefold(message JSON)`` counts: the list must be complete, the overlap
rule right, on adversarial texts (every such character, escapes, a needle across fields), the
count read as the session's id range, on one connection or two."""

from __future__ import annotations

import random
import string
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from inspector.domain import store_twin
from inspector.domain.query import compile_query, ftsindex
from inspector.domain.query.textops import FOLDS_TO_ASCII, fold, folds_into, json_escape
from inspector.domain.store import Store
from inspector.testing.events import event

_ASCII_LOWER = str.maketrans(string.ascii_uppercase, string.ascii_lowercase)


def _like(needle: str, text: str) -> bool:
    """What SQLite's LIKE '%needle%' answers: ASCII letters without case, the rest exact."""
    return needle in text.translate(_ASCII_LOWER)


def test_the_list_is_every_character_that_folds_to_ascii() -> None:
    found = "".join(
        chr(c)
        for c in range(0x80, 0x110000)
        if not 0xD800 <= c < 0xE000 and any(ord(x) < 0x80 for x in chr(c).casefold())
    )
    assert found == FOLDS_TO_ASCII


def test_which_needles_a_folding_can_complete() -> None:
    # ſ -> s, ß -> ss, ẗ -> t + diaeresis, K -> k, ﬂ -> fl, İ -> i + dot, ŉ -> ʼn
    for needle in ("shirt", "s", "ss", "list", "kit", "flue", "lue", "xf", "hi", "nine", "art"):
        assert folds_into(needle), needle
    for needle in ("blue", "order", "zzz", "e", "@example.com", "1234", '\\"hi\\"'):
        assert not folds_into(needle), needle


NEEDLE_LETTERS = "abfhiklnstuwy"  # the ASCII letters the foldings hold, and two others
TEXT_CHARS = [*NEEDLE_LETTERS, *"ABFHIKLNSTUWY", *FOLDS_TO_ASCII, "é", "ʼ", "\u0307", "Σ", " "]


@settings(max_examples=3000, deadline=None)
@given(
    needle=st.text(alphabet=NEEDLE_LETTERS, min_size=1, max_size=4),
    text=st.text(alphabet=TEXT_CHARS, max_size=24),
)
def test_like_alone_decides_where_no_folding_can_complete_the_needle(
    needle: str, text: str
) -> None:
    if not folds_into(needle):
        assert (needle in fold(text)) == _like(needle, text)
    elif needle in fold(text) and not _like(needle, text):
        assert not text.isascii()  # the length test in SQL lets Python see this one


def _messages(rng: random.Random, n: int) -> list[dict[str, Any]]:
    """Messages with the foldable characters (alone, doubled, upper case around them), escapes
    (quotes, backslashes, a newline, a control character), words split across two fields."""
    pieces = [
        *FOLDS_TO_ASCII,
        *"sShHiItTkKfFlL",
        "blue",
        "BLUE",
        "Blue Shirt",
        "ſhirt",
        "SHIRT",
        "shir",
        "t",
        "é",
        "ʼ",
        '"',
        "\\",
        "\n",
        "\x01",
        "%",
        "_",
    ]
    # each such character alone between two letters, and the needle only it completes
    out: list[dict[str, Any]] = [{"type": "track", "word": f"u{c}u"} for c in FOLDS_TO_ASCII]
    for i in range(n):
        a = "".join(rng.choice(pieces) for _ in range(rng.randrange(0, 6)))
        b = "".join(rng.choice(pieces) for _ in range(rng.randrange(0, 6)))
        out.append({"type": "track", "event": f"e{i % 3}", "properties": {"a": a, "b": b}})
    return out


NEEDLES = [
    "blue",
    "shirt",
    "blue shirt",
    '"blue shirt"',
    "s",
    "ss",
    "st",
    "ff",
    "ffi",
    "fl",
    "lue",
    "hi",
    "k",
    "kk",
    "t",
    "i",
    "ʼn",
    "ß",
    "ſ",
    "\u212a",
    r'"\""',  # a quote: \" in the message JSON
    r'"\\"',  # a backslash: \\ there
    "_",
    "%",
    "shir*t",
    "-blue",
    "blue or shirt",
    r'"shir\",\"b\":\"t"',  # across two fields: never (the quote is escaped in the needle)
]


def _completed(c: str) -> str:
    """A needle that the message ``u<c>u`` holds only once ``c`` is folded."""
    f = c.casefold()
    return f"u{f}u" if f.isascii() else f"u{f[0]}" if f[0].isascii() else f"{f[-1]}u"


NEEDLES += [_completed(c) for c in FOLDS_TO_ASCII]


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Store, int, list[Any]]]:
    path: Path = tmp_path_factory.mktemp("fold")
    s = Store(path)
    sid = s.open_session("fold").id
    evs = [event(m, session_id=sid) for m in _messages(random.Random(5), 400)]
    s.allocate(None, evs)
    s.write([], evs)
    s.index_all()
    yield s, sid, s.events(sid, limit=None)
    s.close()


@pytest.mark.parametrize("split", [False, True], ids=["one-connection", "two-connections"])
@pytest.mark.parametrize("text", NEEDLES)
def test_a_scanned_count_is_the_predicate_on_adversarial_texts(
    store: tuple[Store, int, list[Any]], text: str, split: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    s, sid, events = store
    monkeypatch.setattr(ftsindex, "RARE_BLOCKS", 0)  # no candidates: every row is tested
    monkeypatch.setattr(store_twin, "SPLIT_ROWS", 1 if split else 10**9)
    reader = s.reader()
    try:
        cq = compile_query(text, index=reader)
        expected = sum(1 for e in events if cq.matches(e))
        assert cq.count(reader, sid) == expected, (text, cq.where)
        assert reader.count(sid, cq.where, cq.params) == expected, (text, cq.where)
    finally:
        reader.close()


def test_the_adversarial_corpus_has_matches_that_only_folding_finds(
    store: tuple[Store, int, list[Any]],
) -> None:
    """The corpus is worth testing on: some messages hold ``shirt`` only once folded."""
    _, _, events = store
    texts = [json_escape(str(e.message)) for e in events]
    assert any("shirt" in fold(t) and not _like("shirt", t) for t in texts)
    assert any("blue" in fold(t) for t in texts)
    for c in FOLDS_TO_ASCII:
        assert folds_into(_completed(c)), c
        assert sum(_completed(c) in fold(t) and not _like(_completed(c), t) for t in texts), c
