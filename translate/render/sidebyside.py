"""The editor's side-by-side view: each Arabic paragraph next to its English and Russian units.

Alignment input (what ``render_page(..., alignment=...)`` and ``article.meta["alignment"]``
accept; the corpus export builds it from its three-way units)::

    {
      "method": "auto",                     # optional: named in the view's legend
      "units": [                            # in reading order; a bare list of units also works
        {"id": "u1",                        # optional: defaults to u1, u2, ... by position
         "ar": ["p3.s1", "p3.s2"],          # Article sentence ids (a block id means all of it)
         "en": ["Lavrov will hold ..."],    # reference texts, or ints indexing references["en"]
         "ru": [0],                         # [] on a side: a 1-0 bead (nothing there)
         "scores": {"en": {"align": 0.93, "bleu": 41.2, "chrf": 63.0},
                    "ru": {"align": 0.88, "bleu": 35.0, "chrf": 58.1}}},
      ]
    }

``scores`` per language: ``align`` is the aligner's confidence (0..1); ``bleu`` / ``chrf`` are
the sentence scores of the machine translation of the unit against its reference (0..100); any
of them may be missing. Arabic sentences no unit names get a unit of their own (no reference),
so nothing of the source disappears from the view.

Without an alignment the machine translations line up 1:1 with the Arabic sentences: one unit
per sentence, id = the sentence id. Every unit's pieces carry ``data-unit`` so the page's script
highlights the counterparts of whatever the reader hovers or focuses.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from html import escape
from typing import Any

from translate.article import Article, Block, Flag, Sentence, Translation
from translate.errors import UsageError

NAMES = {"ar": "العربية", "en": "English", "ru": "Русский"}
SCORE_KEYS = {"align", "bleu", "chrf"}


@dataclass
class Unit:
    id: str
    ar: list[Sentence]
    refs: dict[str, list[str]] = field(default_factory=dict)  # lang -> reference texts
    scores: dict[str, dict[str, float]] = field(default_factory=dict)


def build_units(article: Article, langs: Sequence[str], alignment: Any = None,
                references: Mapping[str, Sequence[str]] | None = None
                ) -> list[tuple[Block, list[Unit]]]:
    """The rows of the view: each translatable block with the units that start in it."""
    blocks = article.translatable_blocks
    if alignment is None:
        if references:
            raise UsageError("references need an alignment saying which Arabic sentences "
                             "each reference sentence translates")
        return [(b, [Unit(s.id, [s]) for s in b.sentences]) for b in blocks]
    units = parse_alignment(article, alignment, langs, references or {})
    order = {s.id: i for i, s in enumerate(article.sentences())}
    covered = {s.id for u in units for s in u.ar}
    keyed: list[tuple[tuple[int, int, int], Unit]] = []
    last = 0
    for n, u in enumerate(units):
        # A unit with no Arabic (a reference sentence with no source) stays where it came.
        last = order[u.ar[0].id] if u.ar else last
        keyed.append(((last, 0 if u.ar else 1, n), u))
    keyed += [((order[s.id], 0, -1), Unit(f"ar:{s.id}", [s]))
              for s in article.sentences() if s.id not in covered]
    block_at = [b.id for b in blocks for _ in b.sentences]
    rows: dict[str, list[Unit]] = {b.id: [] for b in blocks}
    for (idx, _, _), u in sorted(keyed, key=lambda k: k[0]):
        if block_at:
            rows[block_at[min(idx, len(block_at) - 1)]].append(u)
    return [(b, rows[b.id]) for b in blocks]


def parse_alignment(article: Article, alignment: Any, langs: Sequence[str],
                    references: Mapping[str, Sequence[str]]) -> list[Unit]:
    """Check and resolve the alignment structure documented above; errors name the unit."""
    raw = alignment.get("units") if isinstance(alignment, Mapping) else alignment
    if not isinstance(raw, Sequence) or isinstance(raw, str):
        raise UsageError("alignment must be a list of units or {'units': [...]}")
    sentences = {s.id: s for s in article.sentences()}
    blocks = {b.id: b for b in article.translatable_blocks}
    seen: set[str] = set()
    used: dict[str, str] = {}  # sentence id -> the unit that has it
    units: list[Unit] = []
    for n, item in enumerate(raw, 1):
        if not isinstance(item, Mapping):
            raise UsageError(f"alignment unit {n}: expected an object, got {type(item).__name__}")
        uid = str(item.get("id") or f"u{n}")
        if uid in seen:
            raise UsageError(f"alignment unit {uid!r}: duplicate id")
        seen.add(uid)
        ar: list[Sentence] = []
        for sid in item.get("ar") or []:
            if sid in sentences:
                ar.append(sentences[sid])
            elif sid in blocks:
                ar.extend(blocks[sid].sentences)
            else:
                raise UsageError(f"alignment unit {uid!r}: no Arabic sentence or block {sid!r}")
        for s in ar:
            if s.id in used:
                raise UsageError(f"alignment unit {uid!r}: sentence {s.id} is already in unit "
                                 f"{used[s.id]!r}")
            used[s.id] = uid
        refs = {lang: _texts(uid, lang, item.get(lang) or [], references) for lang in langs
                if lang != "ar"}
        units.append(Unit(uid, ar, refs, _scores(uid, item.get("scores") or {})))
    return units


def _texts(uid: str, lang: str, items: Sequence[Any], refs: Mapping[str, Sequence[str]]
           ) -> list[str]:
    out = []
    for x in items:
        if isinstance(x, str):
            out.append(x)
        elif isinstance(x, int) and not isinstance(x, bool) and 0 <= x < len(refs.get(lang, ())):
            out.append(refs[lang][x])
        else:
            have = len(refs.get(lang, ()))
            raise UsageError(f"alignment unit {uid!r}: {lang} item {x!r} is neither a text nor "
                             f"an index into the {have} {lang} reference sentence(s)")
    return out


def _scores(uid: str, raw: Any) -> dict[str, dict[str, float]]:
    if not isinstance(raw, Mapping):
        raise UsageError(f"alignment unit {uid!r}: scores must map a language to its scores")
    out: dict[str, dict[str, float]] = {}
    for lang, vals in raw.items():
        if not isinstance(vals, Mapping) or set(vals) - SCORE_KEYS:
            raise UsageError(f"alignment unit {uid!r}: scores[{lang!r}] must be an object with "
                             f"keys among {', '.join(sorted(SCORE_KEYS))}")
        out[str(lang)] = {k: float(v) for k, v in vals.items() if v is not None}
    return out


def render_aligned(article: Article, langs: Sequence[str], alignment: Any = None,
                   references: Mapping[str, Sequence[str]] | None = None) -> str:
    """The ``<section id="aligned">`` of the page (hidden until chosen)."""
    rows = build_units(article, langs, alignment, references)
    with_refs = alignment is not None
    cols = ["ar", *[lang for lang in langs if lang != "ar"]]
    head = "".join(f'<div class="head" lang="{c}">{escape(NAMES.get(c, c))}</div>' for c in cols)
    cells: list[str] = [head]
    for block, units in rows:
        role = f"role-{block.role.value}"
        for lang in cols:
            attrs = f'class="cell {role}" lang="{lang}" dir="{"rtl" if lang == "ar" else "ltr"}"'
            inner = "".join(_piece(u, lang, with_refs) for u in units) or (
                '<span class="empty">—</span>')
            cells.append(f'<div {attrs} data-block="{escape(block.id)}">{inner}</div>')
    method = alignment.get("method") if isinstance(alignment, Mapping) else None
    if with_refs:
        legend = ("References aligned with the Arabic" + (f" by {method}" if method else "")
                  + "; under each reference, the machine translation (MT) with its sentence "
                  "BLEU and chrF against the reference.")
    else:
        legend = ("Machine translation, sentence by sentence. Badges mark segments the QA "
                  "checks flagged; hover over one for the reason.")
    legend += " Hover over or focus a segment to highlight its counterparts."
    return (f'<section class="aligned" id="aligned" lang="en" aria-labelledby="aligned-title">\n'
            f'<h2 class="view-title" id="aligned-title">Side by side</h2>\n'
            f'<p class="legend">{escape(legend)}</p>\n'
            f'<div class="grid" style="--cols: {len(cols)}">\n' + "\n".join(cells)
            + "\n</div>\n</section>")


def _piece(u: Unit, lang: str, with_refs: bool) -> str:
    uid = escape(u.id)
    if lang == "ar":
        if not u.ar:
            return ""
        text = " ".join(s.text for s in u.ar)
        return (f'<span class="unit" tabindex="0" data-unit="{uid}" '
                f'data-seg="{escape(" ".join(s.id for s in u.ar))}">{escape(text)}</span>')
    mts = [(s.id, s.translations[lang]) for s in u.ar if lang in s.translations]
    mt_html = " ".join(_mt_text(sid, t) for sid, t in mts)
    badges = _flag_badges([t for _, t in mts])
    if not with_refs:
        if not mts:
            return ""
        return (f'<span class="unit" tabindex="0" data-unit="{uid}">{mt_html}'
                f"{_wrap(badges)}</span>")
    refs = u.refs.get(lang, [])
    if not refs and not mts:
        return ""
    scores = _score_badges(u.scores.get(lang, {}))
    ref_html = escape(" ".join(refs)) if refs else '<span class="empty">no reference</span>'
    mt_line = (f'<span class="mt"><b>MT</b> {mt_html}{_wrap(badges + scores)}</span>'
               if mts or scores else "")
    return f'<span class="unit" tabindex="0" data-unit="{uid}">{ref_html}{mt_line}</span>'


def _mt_text(sid: str, t: Translation) -> str:
    if t.error is not None:
        return f'<span class="untranslated">[untranslated {escape(sid)}: {escape(t.error)}]</span>'
    return escape(t.text)


def _flag_badges(translations: Sequence[Translation]) -> list[str]:
    out: list[str] = []
    for t in translations:
        flags: list[Flag] = list(t.flags)
        if t.error is not None:
            flags.append(Flag("error", t.error, "error"))
        if t.hit_limit and not any(f.check == "truncation" for f in flags):
            flags.append(Flag("truncation", "the output reached the decoding limit"))
        for f in flags:
            cls = "badge error" if f.severity == "error" else "badge"
            out.append(f'<span class="{cls}" data-check="{escape(f.check)}" '
                       f'title="{escape(f.message)}">{escape(f.check)}</span>')
    return out


def _score_badges(scores: Mapping[str, float]) -> list[str]:
    out = []
    for key, label in (("bleu", "BLEU"), ("chrf", "chrF")):
        if key in scores:
            low = " low" if scores[key] < 30 else ""
            out.append(f'<span class="badge score{low}" data-score="{key}">'
                       f"{label} {scores[key]:.1f}</span>")
    if "align" in scores:
        out.append(f'<span class="badge score" data-score="align" title="aligner confidence">'
                   f"align {scores['align']:.2f}</span>")
    return out


def _wrap(badges: list[str]) -> str:
    return f' <span class="badges">{"".join(badges)}</span>' if badges else ""
