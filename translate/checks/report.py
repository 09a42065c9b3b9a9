"""What the checks found in a run, summed per target language, for the user to see.

Flags travel with each translation (JSON, the corpus, the page); text and markdown have no
place for them, so a run also reports them on stderr: one line per language, such as
"en: 3 of 28 segments flagged (numbers 2, length 1)", and with ``--verbose`` each flag.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from translate.article import Article, Sentence


@dataclass(frozen=True)
class Issue:
    """One flag, or one failure (``check`` "failed"), of one segment in one language."""

    source: str  # the input's name
    segment: str  # "p3.s2", or "line 7" in --lines mode
    lang: str
    check: str
    message: str

    def line(self) -> str:
        what = "not translated" if self.check == "failed" else self.check
        return f"{self.source} {self.segment} ({self.lang}) {what}: {self.message}"


@dataclass
class FlagTally:
    segments: Counter[str] = field(default_factory=Counter)  # language → segments translated
    issues: list[Issue] = field(default_factory=list)

    def add(self, article: Article, langs: list[str], *, lines: bool = False) -> None:
        for block in article.blocks:
            for s in block.sentences:
                for lang in langs:
                    if lang in s.translations:
                        self.segments[lang] += 1
                        self.issues.extend(_issues(article.source, s, lang, lines))

    def failures(self) -> list[Issue]:
        return [i for i in self.issues if i.check == "failed"]

    def flags(self) -> list[Issue]:
        return [i for i in self.issues if i.check != "failed"]

    def summary(self, *, lines: bool = False) -> list[str]:
        """One line per language; in --lines mode it names the flagged lines too."""
        unit = "lines" if lines else "segments"
        out = []
        for lang, total in self.segments.items():
            flags = [i for i in self.flags() if i.lang == lang]
            flagged = list(dict.fromkeys((i.source, i.segment) for i in flags))
            per_check = Counter(c for c, _ in dict.fromkeys((i.check, (i.source, i.segment))
                                                            for i in flags))
            text = f"{lang}: {len(flagged)} of {total} {unit} flagged"
            if per_check:
                text += " (" + ", ".join(f"{c} {n}" for c, n in per_check.items()) + ")"
            failed = sum(1 for i in self.failures() if i.lang == lang)
            if failed:
                text += f", {failed} not translated"
            if lines and flagged:
                numbers = ", ".join(seg.removeprefix("line ") for _, seg in flagged)
                text += f": line{'s' if len(flagged) > 1 else ''} {numbers}"
            out.append(text)
        return out


def _issues(source: str, s: Sentence, lang: str, lines: bool) -> list[Issue]:
    t = s.translations[lang]
    where = f"line {s.id[1:]}" if lines else s.id
    if t.error is not None:
        return [Issue(source, where, lang, "failed", t.error)]
    return [Issue(source, where, lang, f.check, f.message) for f in t.flags]
