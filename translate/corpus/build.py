"""An article and its published translations → three-way (ar, en, ru) units.

Steps (``build_units``):

1. The Arabic article and every reference are segmented by the same segmenter (each page's
   chrome, e.g. the "Ru En" switcher, is dropped; the languages it offers are recorded).
2. The Arabic sentences are translated into every reference language (the MT of the source).
3. Per reference language, **paragraphs first**: the translatable blocks are aligned (the MT
   of a block is its sentences' MT joined), so a paragraph split or merged by the translator is
   found where the text is long and distinctive; **then sentences** inside each aligned group
   of paragraphs, never across groups (the article-wide sentence beads are used where they
   fit inside the group, for their better-normalised scores; see ``align_pair``).
4. The ar-en and ar-ru sentence beads are merged into three-way units by Arabic-side overlap:
   connected components over Arabic sentence indices. A unit may lack a side (a 1-0 bead is
   kept and its pair marked ``1-0``); a reference sentence that matches nothing becomes a unit
   of its own (``0-1``), unless it lies inside a unit's span, which then absorbs it.
5. Each (unit, pair) gets the alignment score (the lowest of its beads: a merged or absorbed
   bead is only as sure as its weakest part), the MT of the source side, and sentence BLEU
   (effective order) and chrF of that MT against the reference side (sacrebleu).

Example::

    from translate.segment import segment_text
    ar = segment_text(ar_text)
    refs = {"en": segment_text(en_text), "ru": segment_text(ru_text)}
    attach_mt(ar, ["en", "ru"])            # any function that fills sentence.translations
    units = build_units(ar, refs, get_aligner("bleu"))
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from translate.align.base import Bead
from translate.article import Article, Block, Sentence
from translate.corpus.store import PairScore, SegmentRow, Side, Unit
from translate.errors import UsageError

SOURCE_LANG = "ar"


def translatable_sentences(article: Article) -> list[tuple[Block, Sentence]]:
    """The sentences that take part in alignment: chrome and empty blocks are left out."""
    return [(b, s) for b in article.translatable_blocks for s in b.sentences]


def _block_groups(article: Article) -> list[list[int]]:
    """For each translatable block with sentences, the article-wide indices of its sentences."""
    groups: list[list[int]] = []
    k = 0
    for b in article.translatable_blocks:
        if b.sentences:
            groups.append(list(range(k, k + len(b.sentences))))
            k += len(b.sentences)
    return groups


def _mt(sentence: Sentence, lang: str) -> str:
    t = sentence.translations.get(lang)
    if t is None:
        raise UsageError(f"sentence {sentence.id} has no {lang} translation to align with")
    return t.text if t.error is None else ""


def align_pair(ar: Article, ref: Article, lang: str, aligner: Any) -> list[Bead]:
    """Paragraphs first, then sentences inside each aligned group of paragraphs.

    The paragraph beads decide which sentences may pair. Inside a group, the sentence beads
    of a whole-article sentence alignment are taken when they stay inside the group and cover
    it: the aligner normalises its costs and scores against unrelated pairs of the same
    document, and a group of two or three sentences has too few of them (a perfect pair
    scores about 0.55 there, and 1-1 + 1-1 may lose to one 2-2). Only where the article-wide
    beads cross the group's edge is the group aligned on its own.

    Returns beads over article-wide sentence indices; every Arabic and every reference
    sentence is in exactly one bead, in order.
    """
    src = [s for _, s in translatable_sentences(ar)]
    tgt = [s for _, s in translatable_sentences(ref)]
    src_groups, tgt_groups = _block_groups(ar), _block_groups(ref)
    src_mt = [_mt(s, lang) for s in src]

    def text(group: list[int], sents: list[Sentence]) -> str:
        return " ".join(sents[i].text for i in group)

    para_beads = aligner.align(
        [text(g, src) for g in src_groups], [text(g, tgt) for g in tgt_groups],
        src_mt=[" ".join(src_mt[i] for i in g) for g in src_groups],
    )
    whole = aligner.align([s.text for s in src], [t.text for t in tgt], src_mt=src_mt)
    out: list[Bead] = []
    for pb in para_beads:
        si = [i for p in pb.src for i in src_groups[p]]
        ti = [j for q in pb.tgt for j in tgt_groups[q]]
        if not si or not ti:
            out += [Bead((i,), (), 0.0, pb.method) for i in si]
            out += [Bead((), (j,), 0.0, pb.method) for j in ti]
            continue
        inside = [b for b in whole if set(b.src) <= set(si) and set(b.tgt) <= set(ti)]
        if sorted(i for b in inside for i in b.src) == si and \
                sorted(j for b in inside for j in b.tgt) == ti:
            out += inside
        elif len(si) == 1 and len(ti) == 1:
            # The paragraph bead IS the sentence bead, scored against the whole article.
            out.append(Bead((si[0],), (ti[0],), float(pb.score), pb.method))
        else:
            beads = aligner.align([src[i].text for i in si], [tgt[j].text for j in ti],
                                  src_mt=[src_mt[i] for i in si])
            out += [Bead(tuple(si[i] for i in b.src), tuple(ti[j] for j in b.tgt),
                             float(b.score), b.method) for b in beads]
    return out


def merge_three_way(n_src: int, pair_beads: dict[str, list[Bead]]) -> list[dict[str, Any]]:
    """Group beads of several pairs into units: connected components over source indices.

    Returns, in reading order, one dict per unit: ``src`` (sorted source indices) and, per
    language, ``tgt`` indices and the ``beads`` that went into it.
    """
    parent = list(range(n_src))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for beads in pair_beads.values():
        for b in beads:
            for a, c in zip(b.src, b.src[1:], strict=False):
                parent[find(c)] = find(a)
    comps: dict[int, dict[str, Any]] = {}
    for i in range(n_src):
        comp = comps.setdefault(find(i), {"src": [], "pos": i, "langs": {}})
        comp["src"].append(i)
    extra: list[dict[str, Any]] = []  # reference-only units
    for li, (lang, beads) in enumerate(pair_beads.items()):
        roots = [find(b.src[0]) if b.src else None for b in beads]
        for k, b in enumerate(beads):
            root = roots[k]
            if root is None:
                # A reference sentence with no source: inside one unit's span it belongs to
                # that unit; between two units it stands alone, placed after the previous one.
                prev = next((roots[p] for p in range(k - 1, -1, -1) if roots[p] is not None),
                            None)
                nxt = next((roots[p] for p in range(k + 1, len(beads)) if roots[p] is not None),
                           None)
                if prev is not None and prev == nxt:
                    root = prev
                else:
                    after = max(comps[prev]["src"]) if prev is not None else -1
                    extra.append({"src": [], "pos": after + 0.5, "order": (li, b.tgt[0]),
                                  "langs": {lang: {"tgt": list(b.tgt), "beads": [b]}}})
                    continue
            side = comps[root]["langs"].setdefault(lang, {"tgt": [], "beads": []})
            side["tgt"] += list(b.tgt)
            side["beads"].append(b)
    units = list(comps.values()) + extra
    units.sort(key=lambda u: (u["pos"], u.get("order", (-1, -1))))
    for u in units:
        for side in u["langs"].values():
            side["tgt"].sort()
    return units


class Scorer:
    """Sentence BLEU (effective order, as sacrebleu recommends for sentences) and chrF."""

    def __init__(self) -> None:
        from sacrebleu.metrics import BLEU, CHRF

        self.bleu = BLEU(effective_order=True)
        self.chrf = CHRF()

    def signatures(self) -> dict[str, str]:
        return {"bleu": str(self.bleu.get_signature()), "chrf": str(self.chrf.get_signature())}

    def __call__(self, hyp: str, ref: str) -> tuple[float, float]:
        return (round(self.bleu.sentence_score(hyp, [ref]).score, 2),
                round(self.chrf.sentence_score(hyp, [ref]).score, 2))


def build_units(ar: Article, refs: dict[str, Article], aligner: Any, *,
                scorer: Scorer | None = None) -> list[Unit]:
    """Three-way units for one article; ``ar``'s sentences must carry translations into every
    language of ``refs`` (``sentence.translations[lang]``)."""
    scorer = scorer or Scorer()
    src = translatable_sentences(ar)
    tgt = {lang: translatable_sentences(a) for lang, a in refs.items()}
    pair_beads = {lang: align_pair(ar, a, lang, aligner) for lang, a in refs.items()}
    units: list[Unit] = []
    for ordinal, g in enumerate(merge_three_way(len(src), pair_beads), 1):
        sides: dict[str, Side] = {}
        if g["src"]:
            sides[SOURCE_LANG] = _side([src[i][1] for i in g["src"]])
        pairs: dict[str, PairScore] = {}
        for lang in refs:
            part = g["langs"].get(lang)
            tgt_idx = part["tgt"] if part else []
            if tgt_idx:
                sides[lang] = _side([tgt[lang][j][1] for j in tgt_idx])
            if not g["src"] and not tgt_idx:
                continue
            beads = part["beads"] if part else []
            mt = " ".join(_mt(src[i][1], lang) for i in g["src"]) if g["src"] else None
            bleu = chrf = None
            if mt is not None and tgt_idx:
                bleu, chrf = scorer(mt, sides[lang].text)
            aligned = bool(g["src"]) and bool(tgt_idx)
            pairs[f"{SOURCE_LANG}-{lang}"] = PairScore(
                bead=f"{len(g['src'])}-{len(tgt_idx)}",
                method=beads[0].method if beads else "",
                align_score=round(min(b.score for b in beads), 4) if beads and aligned else 0.0,
                mt=mt, bleu=bleu, chrf=chrf,
                flags=[f.to_dict() for i in g["src"]
                       if (t := src[i][1].translations.get(lang)) is not None for f in t.flags],
            )
        units.append(Unit(ordinal, sides, pairs))
    return units


def _side(sentences: Sequence[Sentence]) -> Side:
    return Side([s.id for s in sentences], " ".join(s.text for s in sentences))


def segment_rows(articles: dict[str, Article]) -> list[SegmentRow]:
    """Every sentence of every page, chrome included (a chrome block without sentences is one
    row with its block id), so a stored article can be read back whole."""
    rows: list[SegmentRow] = []
    for lang, art in articles.items():
        k = 0
        for b in art.blocks:
            items = [(s.id, s.text) for s in b.sentences] or [(b.id, b.text)]
            for sid, text in items:
                rows.append(SegmentRow(lang, k, b.id, sid, b.role.value, text))
                k += 1
    return rows
