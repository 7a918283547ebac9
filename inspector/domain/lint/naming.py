"""Name analysis: casing classes, the §3.3 normaliser, near-duplicates, dynamic names."""

from __future__ import annotations

import re

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
    """Optimal-string-alignment distance, giving up (returning limit+1) past ``limit``."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    prev2: list[int] = []
    prev = list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        cur = [i] + [0] * len(b)
        best = cur[0]
        for j in range(1, len(b) + 1):
            cost = 0 if a[i - 1] == b[j - 1] else 1
            v = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                v = min(v, prev2[j - 2] + 1)
            cur[j] = v
            best = min(best, v)
        if best > limit:
            return limit + 1
        prev2, prev = prev, cur
    return prev[-1]


def near_duplicate(a: str, b: str) -> str | None:
    """Why two names are near-duplicates (reference §3.3), or None. Raw strings differ."""
    if a == b:
        return None
    ka, kb = norm_key(a), norm_key(b)
    if ka == kb:
        return "same words"
    wa, wb = ka.split(), kb.split()
    if sorted(wa) == sorted(wb):
        return "same words in another order"
    if tense_key(ka) == tense_key(kb):
        return "same words in another tense"
    limit = 1 if max(len(ka), len(kb)) <= 10 else 2
    if damerau(ka, kb, limit) <= limit and not _differs_in_number_only(ka, kb):
        return "nearly the same spelling"
    return None


def _differs_in_number_only(a: str, b: str) -> bool:
    """'Step 1 Viewed' vs 'Step 2 Viewed' are different events, not typos."""
    return any(c.isdigit() for c in a) and re.sub(r"\d+", "#", a) == re.sub(r"\d+", "#", b)


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
