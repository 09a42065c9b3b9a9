"""Cutting a sentence that is too long for the model into pieces that fit, losing nothing.

A Marian model silently truncates its input at its length limit (512 positions for opus-mt),
so a 20,000-word paragraph without punctuation would lose almost everything. Pieces are cut at
clause boundaries (``،`` ``,`` ``؛`` ``;`` ``:``) when possible, else at spaces, and as a last
resort inside a "word" longer than the limit (a URL, a run of letters with no spaces). Joined
with single spaces the pieces give back the text, whitespace at the cut points aside.

``count`` is the model's tokenizer in practice, so it is called once per distinct word (cached)
plus once per piece, never on growing prefixes: the work is linear in the text.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from pathlib import Path

from translate.errors import ModelNotFoundError, UsageError

Counter = Callable[[str], int]

_CLAUSE_MARKS = "،,؛;:"
_WORD = re.compile(r"\S+")
# Inside a word, a clause mark not between two digits ("كذا،وكذا" but not 1,000 or 12:30).
_INNER_CLAUSE = re.compile(rf"(?<!\d)[{_CLAUSE_MARKS}](?=\S)|[{_CLAUSE_MARKS}](?=[^\d\s])")
_CLAUSE_END = re.compile(rf"[{_CLAUSE_MARKS}][\"'”’»›)\]}}]*$")
_SUBWORD = 4  # characters per piece of a word that alone exceeds the limit

# The estimate: letters (with their marks) at two characters a token, digits at one, any other
# visible character one, plus end-of-sentence. opus-mt's SentencePiece models take a common
# Arabic word as one or two pieces (about 3-5 letters a piece), so this overestimates by about
# 1.5-2x: sentences are cut a little early rather than truncated by the model.
_MARK_CLASS = "\u0300-\u036f\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed"
_LETTERS = re.compile(f"(?:[^\\W\\d_]|[{_MARK_CLASS}])+")
_DIGITS = re.compile(r"\d+")
_SPACE = re.compile(r"\s+")


def estimate_tokens(text: str) -> int:
    """A conservative subword count for ``text`` when no tokenizer is at hand (EOS included)."""
    letters = sum((len(m.group()) + 1) // 2 for m in _LETTERS.finditer(text))
    rest = _LETTERS.sub("", text)
    digits = sum(len(m.group()) for m in _DIGITS.finditer(rest))
    other = len(_SPACE.sub("", _DIGITS.sub("", rest)))
    return letters + digits + other + 1


def chunk_text(text: str, limit: int, count: Counter) -> list[str]:
    """Cut ``text`` into pieces of at most ``limit`` tokens by ``count``, as large as allowed.

    Order and every non-space character are kept: ``" ".join(pieces)`` equals ``text`` up to
    whitespace at the cut points. A single character that alone counts more than ``limit``
    (possible only with a tiny limit) is returned as its own piece rather than dropped.
    """
    if limit < 1:
        raise UsageError(f"the token limit must be at least 1, got {limit}")
    units, seps = _units(text)
    if not units:
        return []
    cache: dict[str, int] = {}

    def cost_of(u: str) -> int:
        c = cache.get(u)
        if c is None:
            c = cache[u] = count(u)
        return c

    try:
        overhead = max(0, count(""))  # e.g. the end-of-sentence token every call adds
    except (ValueError, RuntimeError):  # a counter refusing empty input: no overhead to learn
        overhead = 0
    units, seps, costs = _fit_units(units, seps, limit, cost_of, overhead)
    ends = _clause_ends(units, seps)
    prefix = [0]
    for c in costs:
        prefix.append(prefix[-1] + c)

    pieces: list[str] = []
    a, n = 0, len(units)
    while a < n:
        b = _greedy_end(a, costs, prefix, ends, limit, overhead)
        piece = _join(units, seps, a, b)
        if b - a > 1 and count(piece) > limit:
            # The counter is not additive over words here; find the longest prefix that fits.
            lo, hi = a + 1, b - 1
            while lo < hi:
                mid = (lo + hi + 1) // 2
                if count(_join(units, seps, a, mid)) <= limit:
                    lo = mid
                else:
                    hi = mid - 1
            b = lo
            piece = _join(units, seps, a, b)
        pieces.append(piece)
        a = b
    return pieces


def _units(text: str) -> tuple[list[str], list[str]]:
    """Words (split after inner clause marks) and the whitespace before each ("" inside)."""
    units: list[str] = []
    seps: list[str] = []
    for m in _WORD.finditer(text):
        word, sep = m.group(), (" " if units else "")
        start = 0
        for cm in _INNER_CLAUSE.finditer(word):
            units.append(word[start:cm.end()])
            seps.append(sep)
            sep, start = "", cm.end()
        units.append(word[start:])
        seps.append(sep)
    return units, seps


def _fit_units(units: list[str], seps: list[str], limit: int, cost_of: Counter,
               overhead: int) -> tuple[list[str], list[str], list[int]]:
    """Per-unit costs; a unit that alone exceeds the limit becomes a run of small sub-units."""
    out_u: list[str] = []
    out_s: list[str] = []
    costs: list[int] = []
    for u, s in zip(units, seps, strict=True):
        c = cost_of(u)
        if c <= limit:
            out_u.append(u)
            out_s.append(s)
            costs.append(max(0, c - overhead))
            continue
        for k, part in enumerate(_subunits(u, _SUBWORD)):
            pc = cost_of(part)
            parts = [part] if pc <= limit else _subunits(part, 1)
            for j, p in enumerate(parts):
                out_u.append(p)
                out_s.append(s if k == 0 and j == 0 else "")
                costs.append(max(0, (pc if len(parts) == 1 else cost_of(p)) - overhead))
    return out_u, out_s, costs


def _subunits(word: str, size: int) -> list[str]:
    """``word`` in pieces of about ``size`` characters, never parting a mark from its letter."""
    parts: list[str] = []
    start, n = 0, len(word)
    while start < n:
        end = min(start + size, n)
        while end < n and unicodedata.combining(word[end]):
            end += 1
        parts.append(word[start:end])
        start = end
    return parts


def _clause_ends(units: list[str], seps: list[str]) -> list[int]:
    """For each unit, the index just after the end of the clause it belongs to."""
    n = len(units)
    ends = [n] * n
    nxt = n
    for i in range(n - 1, -1, -1):
        if _CLAUSE_END.search(units[i]):
            nxt = i + 1
        ends[i] = nxt
    return ends


def _greedy_end(a: int, costs: list[int], prefix: list[int], ends: list[int], limit: int,
                overhead: int) -> int:
    """End of the piece starting at unit ``a``: whole clauses while they fit, else words."""
    total, b, n = overhead, a, len(costs)
    while b < n:
        j = ends[b]
        clause = prefix[j] - prefix[b]
        if total + clause <= limit:
            total, b = total + clause, j
            continue
        if b > a:
            break  # cut at the clause boundary rather than inside the next clause
        while b < j and (b == a or total + costs[b] <= limit):
            total += costs[b]
            b += 1
        break
    return b


def _join(units: list[str], seps: list[str], a: int, b: int) -> str:
    return units[a] + "".join(seps[i] + units[i] for i in range(a + 1, b))


def model_counter(spec: str, src_lang: str = "ar") -> Counter:
    """A token counter for ``src_lang`` text as the model given by ``spec`` reads it, through
    its family's adapter (Marian's source.spm, NLLB's tokenizer.json, ...).

    ``spec`` is a model directory (converted or not), a hub id already on disk (no download:
    segmenting never reaches the network), or a bare SentencePiece model: a ``.spm`` file or a
    directory holding only ``source.spm``, counted as Marian counts (pieces + end-of-sentence).
    """
    path = Path(spec).expanduser()
    bare = path if path.is_file() else path / "source.spm"
    if bare.is_file() and not (path / "config.json").is_file():
        from translate.models.adapters.marian import MarianTokenizer

        return MarianTokenizer.from_spm(bare).count
    if path.is_dir() and not (path / "config.json").is_file():
        raise UsageError(f"{path} is neither a model directory (no config.json) nor has a "
                         "source.spm; pass a model directory")
    from translate.models.store import resolve

    try:
        return resolve(spec, download=False).adapter.source_counter(src_lang)
    except ModelNotFoundError as e:
        raise ModelNotFoundError(spec, e.looked_in, "not on disk; segmenting never downloads",
                                 f"run `tarjama models pull {spec}` first, or pass a model "
                                 "directory") from None
