"""Name analysis: casing classes, the §3.3 normaliser, near-duplicates, dynamic names."""

from __future__ import annotations

import re
from typing import NamedTuple

CASE_RES = {
    "title": re.compile(
        r"[A-Z][a-z0-9]*(?: (?:[A-Z][a-z0-9]*|a|an|and|as|at|by|for|from|in|of"
        r"|on|or|the|to|with))*"
    ),
    "snake": re.compile(r"[a-z][a-z0-9]*(?:_[a-z0-9]+)*"),
    "camel": re.compile(r"[a-z][a-z0-9]*(?:[A-Z][a-z0-9]*)+"),
    "pascal": re.compile(r"(?:[A-Z][a-z0-9]*){2,}"),
    "kebab": re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)+"),
    "screaming": re.compile(r"[A-Z0-9]+(?:_[A-Z0-9]+)*"),
    "lower words": re.compile(r"[a-z0-9]+(?: [a-z0-9]+)+"),
}
CASE_NAMES = {
    "title": "Title Case",
    "snake": "snake_case",
    "camel": "camelCase",
    "pascal": "PascalCase",
    "kebab": "kebab-case",
    "screaming": "SCREAMING_CASE",
    "lower words": "lower case words",
}


def casing(name: str) -> str:
    """The first casing class the name fits, or 'mixed'."""
    for cls, rx in CASE_RES.items():
        if rx.fullmatch(name):
            return cls
    return "mixed"


_FITS = {**CASE_RES, "camel": re.compile(r"[a-z][a-z0-9]*(?:[A-Z][a-z0-9]*)*")}


def fits(name: str, convention: str) -> bool:
    """Whether ``name`` follows ``convention`` (one lower-case word is also camelCase)."""
    rx = _FITS.get(convention)
    return rx is None or rx.fullmatch(name) is not None


_CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])")
_SEPS = re.compile(r"[\s_\-.:/]+")


def norm_key(name: str) -> str:
    """``lower(trim(replace(splitCamel(n), /[\\s_\\-.:/]+/, " ")))`` (reference §3.3)."""
    return _SEPS.sub(" ", _CAMEL.sub(" ", name)).strip().lower()


def compact_key(name: str) -> str:
    """Case- and separator-blind key for property names (orderId ~ order_id ~ Order-ID)."""
    return name.lower().replace("_", "").replace("-", "").replace(" ", "").replace(".", "")


def _stem(word: str) -> str:
    if len(word) > 4 and word.endswith("ed"):
        return word[:-1] if word[-3:-2] == "e" else word[:-2]
    if len(word) > 3 and word.endswith("d") and word[-2] == "e":
        return word[:-1]
    return word


def tense_key(key: str) -> str:
    return " ".join(_stem(w) for w in key.split())


def damerau(a: str, b: str, limit: int) -> int:
    """Optimal-string-alignment distance if it is at most ``limit``, else ``limit + 1``.

    Only the band of cells within ``limit`` of the diagonal is computed (a cell outside it
    is more than ``limit`` already), so the cost is ~len * (2 * limit + 1), not len²."""
    la, lb = len(a), len(b)
    over = limit + 1
    if abs(la - lb) > limit:
        return over
    prev2: list[int] = []
    prev = [j if j <= limit else over for j in range(lb + 1)]
    for i in range(1, la + 1):
        cur = [over] * (lb + 1)
        if i <= limit:
            cur[0] = i
        best = cur[0]
        ai = a[i - 1]
        for j in range(max(1, i - limit), min(lb, i + limit) + 1):
            v = prev[j - 1] if ai == b[j - 1] else prev[j - 1] + 1
            if prev[j] + 1 < v:
                v = prev[j] + 1
            if cur[j - 1] + 1 < v:
                v = cur[j - 1] + 1
            if i > 1 and j > 1 and ai == b[j - 2] and a[i - 2] == b[j - 1] and prev2[j - 2] + 1 < v:
                v = prev2[j - 2] + 1
            if v > over:
                v = over
            cur[j] = v
            if v < best:
                best = v
        if best > limit:
            return over
        prev2, prev = prev, cur
    return min(prev[lb], over)


class NameKeys(NamedTuple):
    """What :func:`near_duplicate` compares of a name, computed once."""

    key: str  # norm_key
    words: str  # its words, sorted
    tense: str  # tense_key
    numbers: str | None  # the key with each run of digits as '#' (None: no digit)
    chars: int  # which characters occur in the key (a bit per character, modulo 64)


_DIGITS = re.compile(r"\d+")


def name_keys(name: str) -> NameKeys:
    key = norm_key(name)
    numbers = _DIGITS.sub("#", key) if any(c.isdigit() for c in key) else None
    chars = 0
    for c in set(key):
        chars |= 1 << (ord(c) & 63)
    return NameKeys(key, " ".join(sorted(key.split())), tense_key(key), numbers, chars)


def near_duplicate(a: str, b: str) -> str | None:
    """Why two names are near-duplicates (reference §3.3), or None. Raw strings differ."""
    return near_duplicate_keys(a, name_keys(a), b, name_keys(b))


def near_duplicate_keys(a: str, ka: NameKeys, b: str, kb: NameKeys) -> str | None:
    """:func:`near_duplicate` on names whose keys are known."""
    if a == b:
        return None
    if ka.key == kb.key:
        return "same words"
    if ka.words == kb.words:
        return "same words in another order"
    if ka.tense == kb.tense:
        return "same words in another tense"
    limit = 1 if max(len(ka.key), len(kb.key)) <= 10 else 2
    if ka.numbers is not None and ka.numbers == kb.numbers:
        return None  # 'Step 1 Viewed' vs 'Step 2 Viewed' are different events, not typos
    # an edit adds or removes at most two characters from the set of those used
    if (ka.chars ^ kb.chars).bit_count() > 2 * limit:
        return None
    if damerau(ka.key, kb.key, limit) <= limit:
        return "nearly the same spelling"
    return None


class NameIndex:
    """The names seen so far, indexed so that a new name is checked against the few that may
    nearly duplicate it, not against each of them (W032 on 10,000 new names).

    Two names are near-duplicates only if their keys (:func:`norm_key`) are equal, have the
    same words in another order or tense (exact lookups), or are at most 2 edits apart. For
    the edits, each key is cut into 5 parts: 2 edits (a transposition touches 2 neighbours)
    touch at most 4 of them, so one part of the indexed key appears unchanged in the new key,
    shifted by at most 2; parts are looked up by (key length, part number, text). Candidates
    are then checked with :func:`near_duplicate_keys`. A part that more than ``common``
    names share (``order``, ``event 1``: a family of dynamic names, which W036 reports) is not
    used to find candidates, so that no name costs more than a bounded number of checks; the
    exact lookups are always used."""

    PARTS = 5
    EDITS = 2

    def __init__(self, common: int | None = 32) -> None:
        self.common = common  # None: every part is used (a small, fixed list of names)
        self.order: dict[str, int] = {}
        self.keys: dict[str, NameKeys] = {}
        self._exact: dict[tuple[int, str], list[str]] = {}
        self._parts: dict[tuple[int, int, str], list[str]] = {}

    def __len__(self) -> int:
        return len(self.order)

    @classmethod
    def _cuts(cls, n: int) -> list[tuple[int, int]]:
        return [(i * n // cls.PARTS, (i + 1) * n // cls.PARTS) for i in range(cls.PARTS)]

    @staticmethod
    def _exact_keys(keys: NameKeys) -> list[tuple[int, str]]:
        return [(0, keys.key), (1, keys.words), (2, keys.tense)]

    def add(self, name: str, keys: NameKeys | None = None) -> None:
        if name in self.order:
            return
        self.order[name] = len(self.order)
        keys = self.keys[name] = keys or name_keys(name)
        for k in self._exact_keys(keys):
            self._exact.setdefault(k, []).append(name)
        key = keys.key
        n = len(key)
        for i, (a, b) in enumerate(self._cuts(n)):
            self._parts.setdefault((n, i, key[a:b]), []).append(name)

    def collisions(self, name: str, keys: NameKeys | None = None) -> list[tuple[str, str]]:
        """``(other, why)`` for the names added before that ``name`` nearly duplicates, in
        the order they were added."""
        keys = keys or name_keys(name)
        out = []
        for other in self.candidates(name, keys):
            why = near_duplicate_keys(name, keys, other, self.keys[other])
            if why is not None:
                out.append((other, why))
        return out

    def candidates(self, name: str, keys: NameKeys | None = None) -> list[str]:
        """Names added before that may be near-duplicates of ``name``, in the order added."""
        keys = keys or name_keys(name)
        found: set[str] = set()
        for k in self._exact_keys(keys):
            found.update(self._exact.get(k, ()))
        key = keys.key
        m = len(key)
        parts = self._parts
        for n in range(max(0, m - self.EDITS), m + self.EDITS + 1):
            for i, (a, b) in enumerate(self._cuts(n)):
                width = b - a
                for start in range(max(0, a - self.EDITS), min(m - width, a + self.EDITS) + 1):
                    hit = parts.get((n, i, key[start : start + width]))
                    if hit and (self.common is None or len(hit) <= self.common):
                        found.update(hit)
        found.discard(name)
        return sorted(found, key=self.order.__getitem__)


# -- dynamic names -----------------------------------------------------------------------------
_DYNAMIC = [
    (re.compile(r"\d{1,4}[-/.]\d{1,2}[-/.]\d{1,4}"), "a date"),
    (re.compile(r"\d{4,}"), "a run of digits"),
    (re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-"), "a uuid"),
    (re.compile(r"(?=[0-9a-fA-F]*\d)(?=[0-9a-fA-F]*[a-fA-F])[0-9a-fA-F]{8,}"), "a hex id"),
    (re.compile(r"[^\s@]+@[^\s@]+\.[^\s@]+"), "an email address"),
    (re.compile(r"(?:https?://|www\.)\S+|\S+\.(?:com|org|net|io)\b"), "a URL"),
    (re.compile(r"\(\s*[^)]*\d[^)]*\)"), "a value in parentheses"),
]


def dynamic_reason(name: str) -> str | None:
    if not any(c.isdigit() or c in "@/." for c in name):
        return None
    for rx, why in _DYNAMIC:
        if rx.search(name):
            return why
    return None


_NUM_SUFFIX = re.compile(r"(.*?[A-Za-z])[_\-]?(\d+)")


def numbered_stem(key: str) -> str | None:
    """``feature_1`` -> ``feature``: the stem of a key with a numeric suffix."""
    if not key[-1:].isdigit():
        return None
    m = _NUM_SUFFIX.fullmatch(key)
    return m.group(1) if m else None


# -- object + action ---------------------------------------------------------------------------
_IRREGULAR_PAST = frozenset(
    [
        "sent",
        "read",
        "won",
        "lost",
        "made",
        "bought",
        "paid",
        "seen",
        "shown",
        "built",
        "begun",
        "done",
        "given",
        "taken",
        "written",
        "sold",
        "left",
        "set",
        "put",
        "cut",
        "hit",
        "quit",
        "reset",
        "upgraded",
        "met",
        "found",
        "kept",
        "held",
        "brought",
        "chose",
        "chosen",
        "drawn",
        "got",
        "gotten",
        "heard",
        "led",
        "shut",
        "split",
        "spent",
        "spun",
        "struck",
        "swept",
        "told",
        "thought",
        "understood",
        "woken",
        "undone",
        "redone",
        "withdrawn",
        "forgot",
        "forgotten",
        "logged",
        "signed",
        "opened",
        "joined",
        "began",
        "ran",
    ]
)


def has_past_tense(key: str) -> bool:
    return any((len(w) > 3 and w.endswith("ed")) or w in _IRREGULAR_PAST for w in key.split())
