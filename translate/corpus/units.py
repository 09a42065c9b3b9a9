"""An article and its published translations → three-way (ar, en, ru) units.

Steps (``build_units``):

1. The Arabic article and every reference are segmented by the same segmenter (each page's
   chrome, e.g. the "Ru En" switcher, is dropped; the languages it offers are recorded).
2. The Arabic sentences are translated into every reference language (the MT of the source).
3. Per reference language, **paragraphs first**: the translatable blocks are aligned (the MT
   of a block is its sentences' MT joined), so a paragraph split or merged by the translator is
   found where the text is long and distinctive; **then sentences** inside each aligned group
   of paragraphs, never across groups. Where one side merged paragraphs, each block of the
   merged side gets its own part of the other side's sentences; a sentence left unpaired inside
   a group joins its neighbour's bead; only a paragraph with no counterpart gives a 1-0 / 0-1
   (see ``align_pair``).
4. The ar-en and ar-ru sentence beads are merged into three-way units by Arabic-side overlap:
   connected components over Arabic sentence indices, so where English and Russian divide the
   text differently a unit takes the union on each side (``ar2-en1-ru2``). A unit lacks a side
   only where a whole paragraph has no counterpart (its pair is marked ``1-0``); a reference
   sentence that matches nothing becomes a unit of its own (``0-1``), unless it lies inside a
   unit's span, which then absorbs it.
5. Each (unit, pair) gets the alignment score (the lowest of its beads: a merged or absorbed
   bead is only as sure as its weakest part; calibrated into the probability that the bead is
   right, ``translate.align.calibration``), the MT of the source side and its QA flags, and
   sentence BLEU (effective order) and chrF of that MT against the reference side (sacrebleu).
   The result is the corpus model, ``translate.corpus.model.Unit``.

Example::

    from translate.segment import segment_text
    ar = segment_text(ar_text)
    refs = {"en": segment_text(en_text), "ru": segment_text(ru_text)}
    attach_mt(ar, ["en", "ru"])            # any function that fills sentence.translations
    units = build_units(ar, refs, get_aligner("bleu"))
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from itertools import accumulate
from typing import TYPE_CHECKING

from translate.align.base import Bead
from translate.article import Article, Block, Sentence
from translate.corpus.model import SOURCE_LANG, PairScore, Side, Unit
from translate.corpus.store import SegmentRow
from translate.errors import UsageError

if TYPE_CHECKING:
    from translate.align.base import Aligner


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


def align_pair(ar: Article, ref: Article, lang: str, aligner: Aligner) -> list[Bead]:
    """Paragraphs first, then sentences inside each aligned group of paragraphs.

    The paragraph beads decide which sentences may pair; a paragraph without counterpart
    (a 1-0 / 0-1 paragraph bead with nothing unpaired on the other side in the same place,
    ``_pair_gaps``) is the only source of null beads. Inside a group:
    - where one side merged paragraphs (Arabic p9 + p10 against one English paragraph), each
      block of the merged side gets its own contiguous part of the other side's sentences
      (``_split_group``), so no Arabic block is left out of a pair because the translator
      joined it to its neighbour;
    - the sentence beads are those of a whole-article sentence alignment where they stay inside
      the part and cover it: the aligner normalises its costs against unrelated pairs of the
      same document, and a part of two or three sentences has too few of them (a perfect pair
      scores about 0.55 there, and 1-1 + 1-1 may lose to one 2-2); only where the whole-article
      beads cross the part's edge is the part aligned on its own;
    - a sentence the aligner leaves unpaired inside a part joins its neighbouring bead: its
      paragraph has a counterpart, so its content does (a dropped sentence is more often
      merged into a neighbour's translation than missing).

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
    for pb in _pair_gaps(para_beads):
        si = [i for p in pb.src for i in src_groups[p]]
        ti = [j for q in pb.tgt for j in tgt_groups[q]]
        if not si or not ti:
            out += [Bead((i,), (), 0.0, pb.method) for i in si]
            out += [Bead((), (j,), 0.0, pb.method) for j in ti]
            continue
        src_blocks = [src_groups[p] for p in pb.src]
        tgt_blocks = [tgt_groups[q] for q in pb.tgt]
        for part_s, part_t in _split_group(src_blocks, tgt_blocks, whole, src, tgt):
            beads = _part_beads(part_s, part_t, pb, whole, aligner, src, tgt, src_mt)
            out += _attach_nulls(beads)
    return out


def _pair_gaps(beads: list[Bead]) -> list[Bead]:
    """Paragraphs left unpaired on BOTH sides between the same two paired paragraphs become
    one group: in a monotone alignment they can only correspond to each other, and an omission
    next to an addition is far rarer than a pair the signals scored poorly (a title, or a
    dateline under a weak MT). Paragraphs unpaired on one side only stay unpaired: whether a
    neighbouring group should take them in is what the aligner already weighed."""
    out: list[Bead] = []
    run: list[Bead] = []
    for b in [*beads, None]:
        if b is not None and not (b.src and b.tgt):
            run.append(b)
            continue
        if any(x.src for x in run) and any(x.tgt for x in run):
            out.append(_union(run))
        else:
            out += run
        run = []
        if b is not None:
            out.append(b)
    return out


def _union(beads: list[Bead]) -> Bead:
    return Bead(tuple(i for x in beads for i in x.src), tuple(j for x in beads for j in x.tgt),
                min((x.score for x in beads if x.src and x.tgt), default=0.0), beads[0].method)


def _split_group(src_blocks: list[list[int]], tgt_blocks: list[list[int]],
                 whole: list[Bead], src: list[Sentence], tgt: list[Sentence]
                 ) -> list[tuple[list[int], list[int]]]:
    """The parts of a paragraph group: (source sentences, target sentences) per block of the
    side that has several blocks (the source's when both have), in order."""
    if len(src_blocks) == 1 and len(tgt_blocks) == 1:
        return [(src_blocks[0], tgt_blocks[0])]
    by_src = len(src_blocks) > 1
    blocks = src_blocks if by_src else tgt_blocks
    items = [j for b in (tgt_blocks if by_src else src_blocks) for j in b]
    block_of = {i: k for k, b in enumerate(blocks) for i in b}
    # the block the whole-article alignment pairs each item with (its bead's first sentence)
    owner: dict[int, int] = {}
    for b in whole:
        mine, theirs = (b.src, b.tgt) if by_src else (b.tgt, b.src)
        if mine and mine[0] in block_of:
            owner.update({j: block_of[mine[0]] for j in theirs})
    own_len = [sum(len((src if by_src else tgt)[i].text) for i in b) for b in blocks]
    item_len = [len((tgt if by_src else src)[j].text) for j in items]
    parts = partition(len(blocks), items, owner, own_len, item_len)
    out: list[tuple[list[int], list[int]]] = []
    for (b0, b1), (k0, k1) in parts:
        own = [i for b in blocks[b0:b1] for i in b]
        other = items[k0:k1]
        out.append((own, other) if by_src else (other, own))
    return out


def partition(n_blocks: int, items: list[int], owner: dict[int, int], block_len: list[int],
              item_len: list[int]) -> list[tuple[tuple[int, int], tuple[int, int]]]:
    """Cut ``items`` (the other side's sentences, in order) into contiguous parts, one per
    block, every part non-empty; with fewer items than blocks, neighbouring blocks share one
    item. Returns ((first block, end), (first item, end)) per part. The cut agrees with the
    aligner's sentence beads as far as they go (``owner``: item -> block), then with the
    blocks' share of the text's length (Gale-Church's observation: a translation's parts are
    about as long as the parts they translate)."""
    n_items = len(items)
    total_b, total_i = max(sum(block_len), 1), max(sum(item_len), 1)
    cum_b = [0, *accumulate(block_len)]
    cum_i = [0, *accumulate(item_len)]

    def score(b0: int, b1: int, k0: int, k1: int) -> float:
        agree = sum(1 for k in range(k0, k1) if owner.get(items[k], -1) in range(b0, b1))
        share_b = (cum_b[b1] - cum_b[b0]) / total_b
        share_i = (cum_i[k1] - cum_i[k0]) / total_i
        return agree - abs(share_b - share_i)  # length only breaks ties (it is below 1)

    # one block takes one or more items; blocks share an item only when items are too few
    steps = [(1, r) for r in range(1, n_items + 1)]
    if n_items < n_blocks:
        steps += [(g, 1) for g in range(2, n_blocks + 1)]
    best: dict[tuple[int, int], tuple[float, tuple[int, int]]] = {(0, 0): (0.0, (0, 0))}
    for b in range(n_blocks + 1):
        for k in range(n_items + 1):
            if (b, k) not in best:
                continue
            for db, dk in steps:
                nb, nk = b + db, k + dk
                # both sides used up together: no block without items, no item left over
                if nb > n_blocks or nk > n_items or (nb == n_blocks) != (nk == n_items):
                    continue
                cand = best[(b, k)][0] + score(b, nb, k, nk)
                if (nb, nk) not in best or cand > best[(nb, nk)][0]:
                    best[(nb, nk)] = (cand, (b, k))
    out = []
    b, k = n_blocks, n_items
    while (b, k) != (0, 0):
        pb, pk = best[(b, k)][1]
        out.append(((pb, b), (pk, k)))
        b, k = pb, pk
    return out[::-1]


def _part_beads(part_s: list[int], part_t: list[int], pb: Bead, whole: list[Bead],
                aligner: Aligner, src: list[Sentence], tgt: list[Sentence],
                src_mt: list[str]) -> list[Bead]:
    """Sentence beads of one part (both sides non-empty), article-wide indices."""
    if not part_s or not part_t:  # a block that shares its neighbour's only sentence
        return [Bead(tuple(part_s), tuple(part_t), 0.0, pb.method)]
    ss, ts = set(part_s), set(part_t)
    inside = [b for b in whole if set(b.src) <= ss and set(b.tgt) <= ts]
    if sorted(i for b in inside for i in b.src) == part_s and \
            sorted(j for b in inside for j in b.tgt) == part_t:
        return inside
    if len(part_s) == 1 or len(part_t) == 1:
        # One sentence on a side: the part IS the bead, scored as its paragraph bead.
        return [Bead(tuple(part_s), tuple(part_t), float(pb.score), pb.method)]
    beads = aligner.align([src[i].text for i in part_s], [tgt[j].text for j in part_t],
                          src_mt=[src_mt[i] for i in part_s])
    return [Bead(tuple(part_s[i] for i in b.src), tuple(part_t[j] for j in b.tgt),
                 float(b.score), b.method) for b in beads]


def _attach_nulls(beads: list[Bead]) -> list[Bead]:
    """A null bead inside a part joins the bead before it (the first one, the bead after)."""
    full = [k for k, b in enumerate(beads) if b.src and b.tgt]
    if len(full) == len(beads):
        return beads
    if not full:  # nothing paired: the part (both sides non-empty) is one bead
        return [Bead(tuple(i for b in beads for i in b.src), tuple(j for b in beads
                                                                   for j in b.tgt),
                     0.0, beads[0].method)]
    out: list[Bead] = []
    pending: list[Bead] = []  # nulls before the first full bead
    for b in beads:
        if b.src and b.tgt:
            out.append(_merge([*pending, b]))
            pending = []
        elif out:
            out[-1] = _merge([out[-1], b])
        else:
            pending.append(b)
    return out


def _merge(beads: list[Bead]) -> Bead:
    full = [b for b in beads if b.src and b.tgt]
    return Bead(tuple(i for b in beads for i in b.src), tuple(j for b in beads for j in b.tgt),
                min(b.score for b in full), full[0].method)


@dataclass
class BeadGroup:
    """The beads of several pairs that share source sentences: one future unit."""

    src: list[int]  # source sentence indices, sorted
    tgt: dict[str, list[int]] = field(default_factory=dict)  # per language, sorted
    beads: dict[str, list[Bead]] = field(default_factory=dict)  # per language, in order
    pos: float = 0.0  # where it goes in reading order
    order: tuple[int, int] = (-1, -1)  # a reference-only group: (language, first target)

    def add(self, lang: str, bead: Bead) -> None:
        self.tgt.setdefault(lang, []).extend(bead.tgt)
        self.beads.setdefault(lang, []).append(bead)


def merge_three_way(n_src: int, pair_beads: dict[str, list[Bead]]) -> list[BeadGroup]:
    """Group beads of several pairs into units: connected components over source indices.

    Returns, in reading order, one group per unit: its sorted source indices and, per language,
    its target indices and the beads that went into it.
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
    comps: dict[int, BeadGroup] = {}
    for i in range(n_src):
        comps.setdefault(find(i), BeadGroup([], pos=i)).src.append(i)
    extra: list[BeadGroup] = []  # reference-only units
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
                    after = max(comps[prev].src) if prev is not None else -1
                    group = BeadGroup([], pos=after + 0.5, order=(li, b.tgt[0]))
                    group.add(lang, b)
                    extra.append(group)
                    continue
            comps[root].add(lang, b)
    groups = list(comps.values()) + extra
    groups.sort(key=lambda g: (g.pos, g.order))
    for g in groups:
        for tgt in g.tgt.values():
            tgt.sort()
    return groups


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


def build_units(ar: Article, refs: dict[str, Article], aligner: Aligner, *,
                scorer: Scorer | None = None) -> list[Unit]:
    """Three-way units for one article; ``ar``'s sentences must carry translations into every
    language of ``refs`` (``sentence.translations[lang]``)."""
    from translate.align.calibration import calibrated

    scorer = scorer or Scorer()
    langs = [SOURCE_LANG, *refs]
    src = translatable_sentences(ar)
    tgt = {lang: translatable_sentences(a) for lang, a in refs.items()}
    pair_beads = {lang: align_pair(ar, a, lang, aligner) for lang, a in refs.items()}
    units: list[Unit] = []
    for ordinal, g in enumerate(merge_three_way(len(src), pair_beads), 1):
        sides: dict[str, Side] = {}
        if g.src:
            sides[SOURCE_LANG] = _side([src[i][1] for i in g.src])
        pairs: dict[str, PairScore] = {}
        for lang in refs:
            tgt_idx = g.tgt.get(lang, [])
            if tgt_idx:
                sides[lang] = _side([tgt[lang][j][1] for j in tgt_idx])
            if not g.src and not tgt_idx:
                continue
            beads = g.beads.get(lang, [])
            mt = " ".join(_mt(src[i][1], lang) for i in g.src) if g.src else None
            bleu = chrf = None
            if mt is not None and tgt_idx:
                bleu, chrf = scorer(mt, sides[lang].text)
            method = beads[0].method if beads else ""
            # a merged or absorbed bead is only as sure as its weakest part
            raw = min(b.score for b in beads) if beads and g.src and tgt_idx else 0.0
            pairs[f"{SOURCE_LANG}-{lang}"] = PairScore(
                bead=f"{len(g.src)}-{len(tgt_idx)}", method=method,
                align_score=calibrated(raw, method),
                mt=mt, bleu=bleu, chrf=chrf,
                flags=[f for i in g.src
                       if (t := src[i][1].translations.get(lang)) is not None for f in t.flags],
            )
        units.append(Unit(ordinal, sides, pairs, kind=Unit.kind_of(sides, langs)))
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
