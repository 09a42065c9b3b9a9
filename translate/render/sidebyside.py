"""The editor's side-by-side view: each Arabic paragraph next to its English and Russian units.

The units are the corpus's one model (``translate.corpus.model``): an ``Alignment`` of ``Unit``
objects whose Arabic side names the article's sentence ids, whose other sides carry the
reference text, and whose pairs carry the scores (``align_score``: the probability that the
bead is right; ``bleu`` / ``chrf``: the MT of the unit against its reference, 0-100). The
corpus page passes the stored units as they are; ``render_page(..., alignment=...)`` also takes
the same thing written as JSON (``parse_alignment``)::

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

Any score may be missing. Arabic sentences no unit names get a unit of their own (no
reference), so nothing of the source disappears from the view. The machine translation shown
under a reference is the MT attached to the unit's Arabic sentences (the corpus page attaches
each unit's stored MT and QA flags to its first sentence).

Without an alignment the machine translations line up 1:1 with the Arabic sentences: one unit
per sentence, id = the sentence id. Every unit's pieces carry ``data-unit`` so the page's script
highlights the counterparts of whatever the reader hovers or focuses.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from html import escape
from typing import Any

from translate.article import Article, Block, Flag, Sentence, Translation
from translate.corpus.model import SOURCE_LANG, Alignment, PairScore, Side, Unit
from translate.errors import UsageError

NAMES = {"ar": "العربية", "en": "English", "ru": "Русский"}
SCORE_KEYS = {"align", "bleu", "chrf"}

#: A unit of the view: the corpus unit and its Arabic sentences, resolved in the article.
Row = tuple[Unit, list[Sentence]]


def build_rows(article: Article, langs: Sequence[str], alignment: Alignment | None = None
               ) -> list[tuple[Block, list[Row]]]:
    """The rows of the view: each translatable block with the units that start in it."""
    blocks = article.translatable_blocks
    if alignment is None:
        return [(b, [(_sentence_unit(s.id, s), [s]) for s in b.sentences]) for b in blocks]
    units = resolve(article, alignment)
    order = {s.id: i for i, s in enumerate(article.sentences())}
    covered = {s.id for _, ar in units for s in ar}
    keyed: list[tuple[tuple[int, int, int], Row]] = []
    last = 0
    for n, (u, ar) in enumerate(units):
        # A unit with no Arabic (a reference sentence with no source) stays where it came.
        last = order[ar[0].id] if ar else last
        keyed.append(((last, 0 if ar else 1, n), (u, ar)))
    keyed += [((order[s.id], 0, -1), (_sentence_unit(f"ar:{s.id}", s), [s]))
              for s in article.sentences() if s.id not in covered]
    block_at = [b.id for b in blocks for _ in b.sentences]
    rows: dict[str, list[Row]] = {b.id: [] for b in blocks}
    for (idx, _, _), row in sorted(keyed, key=lambda k: k[0]):
        if block_at:
            rows[block_at[min(idx, len(block_at) - 1)]].append(row)
    return [(b, rows[b.id]) for b in blocks]


def _sentence_unit(uid: str, s: Sentence) -> Unit:
    return Unit(0, {SOURCE_LANG: Side([s.id], s.text)}, {}, id=uid)


def resolve(article: Article, alignment: Alignment) -> list[Row]:
    """Each unit with its Arabic sentences; a unit naming a sentence that is not there, or one
    that another unit has, is an error that names the unit."""
    sentences = {s.id: s for s in article.sentences()}
    blocks = {b.id: b for b in article.translatable_blocks}
    seen: set[str] = set()
    used: dict[str, str] = {}  # sentence id -> the unit that has it
    out: list[Row] = []
    for n, u in enumerate(alignment.units, 1):
        uid = u.id or f"u{n}"
        if uid in seen:
            raise UsageError(f"alignment unit {uid!r}: duplicate id")
        seen.add(uid)
        ar: list[Sentence] = []
        side = u.sides.get(SOURCE_LANG)
        for sid in side.segment_ids if side else []:
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
        if uid != u.id:
            u = Unit(u.ordinal, u.sides, u.pairs, u.kind, uid, u.article, u.version)
        out.append((u, ar))
    return out


def parse_alignment(alignment: Any, langs: Sequence[str],
                    references: Mapping[str, Sequence[str]] | None = None) -> Alignment:
    """The JSON form documented above as an ``Alignment``; errors name the unit."""
    references = references or {}
    method = alignment.get("method") if isinstance(alignment, Mapping) else None
    raw = alignment.get("units") if isinstance(alignment, Mapping) else alignment
    if not isinstance(raw, Sequence) or isinstance(raw, str):
        raise UsageError("alignment must be a list of units or {'units': [...]}")
    units: list[Unit] = []
    for n, item in enumerate(raw, 1):
        if not isinstance(item, Mapping):
            raise UsageError(f"alignment unit {n}: expected an object, got {type(item).__name__}")
        uid = str(item.get("id") or f"u{n}")
        sides = {SOURCE_LANG: Side([str(x) for x in item.get(SOURCE_LANG) or []], "")}
        for lang in langs:
            texts = _texts(uid, lang, item.get(lang) or [], references) \
                if lang != SOURCE_LANG else []
            if texts:
                sides[lang] = Side([], " ".join(texts))
        units.append(Unit(n, sides, _scores(uid, item.get("scores") or {}), id=uid))
    return Alignment(units, str(method or ""))


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


def _scores(uid: str, raw: Any) -> dict[str, PairScore]:
    if not isinstance(raw, Mapping):
        raise UsageError(f"alignment unit {uid!r}: scores must map a language to its scores")
    out: dict[str, PairScore] = {}
    for lang, vals in raw.items():
        if not isinstance(vals, Mapping) or set(vals) - SCORE_KEYS:
            raise UsageError(f"alignment unit {uid!r}: scores[{lang!r}] must be an object with "
                             f"keys among {', '.join(sorted(SCORE_KEYS))}")
        got = {k: float(v) for k, v in vals.items() if v is not None}
        out[f"{SOURCE_LANG}-{lang}"] = PairScore(align_score=got.get("align"),
                                                 bleu=got.get("bleu"), chrf=got.get("chrf"))
    return out


def render_aligned(article: Article, langs: Sequence[str],
                   alignment: Alignment | None = None) -> str:
    """The ``<section id="aligned">`` of the page (hidden until chosen)."""
    rows = build_rows(article, langs, alignment)
    with_refs = alignment is not None
    cols = [SOURCE_LANG, *[lang for lang in langs if lang != SOURCE_LANG]]
    head = "".join(f'<div class="head" lang="{c}">{escape(NAMES.get(c, c))}</div>' for c in cols)
    cells: list[str] = [head]
    for block, units in rows:
        role = f"role-{block.role.value}"
        for lang in cols:
            attrs = f'class="cell {role}" lang="{lang}" dir="{"rtl" if lang == "ar" else "ltr"}"'
            inner = "".join(_piece(u, ar, lang, with_refs) for u, ar in units) or (
                '<span class="empty">—</span>')
            cells.append(f'<div {attrs} data-block="{escape(block.id)}">{inner}</div>')
    if alignment is not None:
        by = f" by {alignment.method}" if alignment.method else ""
        legend = (f"References aligned with the Arabic{by}; under each reference, the machine "
                  "translation (MT) with its sentence BLEU and chrF against the reference, and "
                  "the probability that the alignment is right.")
    else:
        legend = ("Machine translation, sentence by sentence. Badges mark segments the QA "
                  "checks flagged; hover over one for the reason.")
    legend += " Hover over or focus a segment to highlight its counterparts."
    return (f'<section class="aligned" id="aligned" lang="en" aria-labelledby="aligned-title">\n'
            f'<h2 class="view-title" id="aligned-title">Side by side</h2>\n'
            f'<p class="legend">{escape(legend)}</p>\n'
            f'<div class="grid" style="--cols: {len(cols)}">\n' + "\n".join(cells)
            + "\n</div>\n</section>")


def _piece(u: Unit, ar: list[Sentence], lang: str, with_refs: bool) -> str:
    uid = escape(u.id)
    if lang == SOURCE_LANG:
        if not ar:
            return ""
        text = " ".join(s.text for s in ar)
        return (f'<span class="unit" tabindex="0" data-unit="{uid}" '
                f'data-seg="{escape(" ".join(s.id for s in ar))}">{escape(text)}</span>')
    mts = [(s.id, s.translations[lang]) for s in ar if lang in s.translations]
    mt_html = " ".join(_mt_text(sid, t) for sid, t in mts)
    badges = _flag_badges([t for _, t in mts])
    if not with_refs:
        if not mts:
            return ""
        return (f'<span class="unit" tabindex="0" data-unit="{uid}">{mt_html}'
                f"{_wrap(badges)}</span>")
    ref = u.sides.get(lang)
    if ref is None and not mts:
        return ""
    pair = u.pairs.get(f"{SOURCE_LANG}-{lang}")
    scores = _score_badges(pair) if pair is not None else []
    ref_html = escape(ref.text) if ref is not None else '<span class="empty">no reference</span>'
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


def _score_badges(pair: PairScore) -> list[str]:
    out = []
    for key, label, value in (("bleu", "BLEU", pair.bleu), ("chrf", "chrF", pair.chrf)):
        if value is not None:
            low = " low" if value < 30 else ""
            out.append(f'<span class="badge score{low}" data-score="{key}">'
                       f"{label} {value:.1f}</span>")
    if pair.align_score is not None:
        out.append('<span class="badge score" data-score="align" title="probability that the '
                   f'alignment is right">align {pair.align_score:.2f}</span>')
    return out


def _wrap(badges: list[str]) -> str:
    return f' <span class="badges">{"".join(badges)}</span>' if badges else ""
