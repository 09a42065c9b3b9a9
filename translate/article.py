"""The one data model that travels through every stage.

An Article holds Blocks (paragraph-level units with a role), a Block holds Sentences, and a
Sentence that is too long for the model holds Chunks. Ids are stable and positional: ``p3``,
``p3.s2``, ``p3.s2.c1``. Translations are attached to the sentences they translate, so one
object carries the article from the segmenter to the renderers and the corpus store.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from enum import Enum
from typing import TYPE_CHECKING, Any

from translate.values import Candidate

if TYPE_CHECKING:  # the corpus model imports this module; this one needs its name only
    from translate.corpus.model import Alignment


class Role(str, Enum):
    """What a block is on the page; renderers use it (a heading stays a heading)."""

    CHROME = "chrome"  # page furniture (language switcher): kept, never translated
    TITLE = "title"
    DATELINE = "dateline"
    HEADING = "heading"
    LIST_ITEM = "list_item"
    PARAGRAPH = "paragraph"
    CREDIT = "credit"  # photo / source / site lines

    def __str__(self) -> str:
        return self.value


@dataclass
class Flag:
    """A problem found in one translated segment by a check (numbers, repetition, ...)."""

    check: str
    message: str
    severity: str = "warning"  # "warning" or "error"

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class Translation:
    """One segment's translation into one language.

    ``error`` is set instead of ``text`` when the segment could not be translated: nothing is
    silently dropped, the renderers show the marker and the JSON carries the message.
    """

    text: str = ""
    flags: list[Flag] = field(default_factory=list)
    error: str | None = None
    hit_limit: bool = False  # the hypothesis reached the decoding limit (may be incomplete)
    retry: str | None = None  # which --retry-flagged strategy replaced the first translation
    #: --n-best / --with-scores: the n best hypotheses, ``text`` first (empty: not asked)
    nbest: list[Candidate] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"text": self.text}
        if self.flags:
            out["flags"] = [f.to_dict() for f in self.flags]
        if self.error is not None:
            out["error"] = self.error
        if self.hit_limit:
            out["hit_limit"] = True
        if self.retry:
            out["retry"] = self.retry
        if self.nbest:
            if self.nbest[0].score is not None:
                out["score"] = round(self.nbest[0].score, 6)
            out["nbest"] = [c.to_dict() for c in self.nbest]
        return out


@dataclass
class Chunk:
    id: str
    text: str


@dataclass
class Sentence:
    id: str
    text: str
    chunks: list[Chunk] = field(default_factory=list)  # empty unless cut to fit the model
    translations: dict[str, Translation] = field(default_factory=dict)

    def units(self) -> list[str]:
        """The texts actually sent to a model: the chunks when cut, else the sentence."""
        return [c.text for c in self.chunks] if self.chunks else [self.text]

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"id": self.id, "text": self.text}
        if self.chunks:
            out["chunks"] = [{"id": c.id, "text": c.text} for c in self.chunks]
        if self.translations:
            out["translations"] = {k: v.to_dict() for k, v in self.translations.items()}
        return out


@dataclass
class Block:
    id: str
    role: Role
    text: str
    sentences: list[Sentence] = field(default_factory=list)
    languages: list[str] = field(default_factory=list)  # for chrome: languages it offers

    @property
    def translatable(self) -> bool:
        return self.role is not Role.CHROME

    def translation(self, lang: str) -> str:
        """The block's text in ``lang``: its sentences' translations joined in order."""
        parts = []
        for s in self.sentences:
            t = s.translations.get(lang)
            if t is None:
                continue
            parts.append(t.text if t.error is None else f"[untranslated {s.id}: {t.error}]")
        return " ".join(p for p in parts if p)

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"id": self.id, "role": self.role.value, "text": self.text}
        if self.languages:
            out["languages"] = list(self.languages)
        out["sentences"] = [s.to_dict() for s in self.sentences]
        return out


@dataclass
class Change:
    """One normalisation the reader made, so nothing changes silently."""

    kind: str  # e.g. "removed_bidi", "removed_tatweel", "nbsp_blank_line"
    count: int
    detail: str = ""

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class RunRecord:
    """How an article was translated: what the page's footer says and the JSON's ``meta``."""

    models: dict[str, str] = field(default_factory=dict)  # "ar-en" → model id or path
    backend: list[str] = field(default_factory=list)
    beam: int | None = None
    via: str | None = None  # the pivot language, if any
    translated_at: str | None = None  # ISO 8601, UTC
    timings: dict[str, Any] = field(default_factory=dict)
    retried_segments: int | None = None  # with --retry-flagged: segments decoded again
    note: str | None = None  # one line for the reader (the corpus page: version and method)

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"models": dict(self.models), "backend": list(self.backend),
                               "beam": self.beam, "via": self.via,
                               "translated_at": self.translated_at, "timings": self.timings}
        out.update({k: v for k, v in (("retried_segments", self.retried_segments),
                                      ("note", self.note)) if v is not None})
        return out


@dataclass
class Article:
    blocks: list[Block]
    source: str = "-"  # path or "-" for stdin; a name, not content
    lang: str = "ar"
    normalisation: list[Change] = field(default_factory=list)
    notes: dict[str, Any] = field(default_factory=dict)  # e.g. {"arabic_indic_digits": 3}
    run: RunRecord | None = None  # set by the translation (None: not machine-translated)
    #: references aligned with this article (the corpus page); the side-by-side view shows them
    alignment: Alignment | None = None
    meta: dict[str, Any] = field(default_factory=dict)  # extras for the JSON (e.g. tokenizer)

    @property
    def translatable_blocks(self) -> list[Block]:
        return [b for b in self.blocks if b.translatable]

    def sentences(self) -> list[Sentence]:
        return [s for b in self.translatable_blocks for s in b.sentences]

    @property
    def languages(self) -> list[str]:
        """Languages the page offers according to its chrome (e.g. the "Ru En" switcher)."""
        langs: list[str] = []
        for b in self.blocks:
            for lang in b.languages:
                if lang not in langs:
                    langs.append(lang)
        return langs

    def to_dict(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "lang": self.lang,
            "normalisation": [c.to_dict() for c in self.normalisation],
            "notes": dict(self.notes),
            "meta": {**(self.run.to_dict() if self.run else {}), **self.meta},
            "blocks": [b.to_dict() for b in self.blocks],
        }
