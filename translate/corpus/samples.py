"""Sample article sets in the ``corpus build`` layout (NAME.ar.txt, NAME.en.txt, NAME.ru.txt),
for tests and benchmarks.

- ``ntrex_articles``: real news documents from NTREX-128 (Arabic, English, Russian human
  translations of WMT19 news, line-parallel, with document ids): one article per document,
  paragraphs of a few sentences.
- ``pair_articles``: articles made of the sentences of the fixture pair files, so the overfit
  fixture models translate every sentence exactly.

Example::

    paths = ntrex_articles(Path("../shared/data/ntrex128"), Path("arts"), count=24)
"""

from __future__ import annotations

from pathlib import Path

from translate.errors import UsageError
from translate.fsio import read_lines

NTREX_FILES = {"ar": "newstest2019-ref.arb.txt", "en": "newstest2019-src.eng.txt",
               "ru": "newstest2019-ref.rus.txt"}


def _write(out: Path, name: str, pages: dict[str, list[list[str]]]) -> Path:
    out.mkdir(parents=True, exist_ok=True)
    for lang, paragraphs in pages.items():
        text = "\n\n".join(" ".join(p) for p in paragraphs) + "\n"
        (out / f"{name}.{lang}.txt").write_text(text, encoding="utf-8")
    return out / f"{name}.ar.txt"


def ntrex_articles(ntrex: Path, out: Path, *, count: int, max_sentences: int = 8,
                   per_paragraph: int = 2) -> list[Path]:
    """The first ``count`` NTREX documents as articles (at most ``max_sentences`` each)."""
    lines = {lang: read_lines(ntrex / f) for lang, f in NTREX_FILES.items()}
    ids = read_lines(ntrex / "DOCUMENT_IDS.tsv")
    if not all(len(v) == len(ids) for v in lines.values()):
        raise UsageError(f"{ntrex}: the NTREX files are not line-parallel")
    docs: dict[str, list[int]] = {}
    for i, doc in enumerate(ids):
        docs.setdefault(doc.split("\t")[0], []).append(i)
    paths = []
    for n, (doc, rows) in enumerate(list(docs.items())[:count]):
        rows = rows[:max_sentences]
        paras = [rows[k:k + per_paragraph] for k in range(0, len(rows), per_paragraph)]
        pages = {lang: [[lines[lang][i].strip() for i in p] for p in paras]
                 for lang in NTREX_FILES}
        paths.append(_write(out, f"{n:03d}-{doc.replace('/', '_')}", pages))
    return paths


def pair_articles(pairs: dict[str, list[tuple[str, str]]], out: Path, *, count: int,
                  sentences: int = 4, per_paragraph: int = 2) -> list[Path]:
    """``count`` articles, each ``sentences`` consecutive pairs (wrapping around), the same
    Arabic sentences for every language; article k starts at pair k."""
    arabic = [a for a, _ in pairs["en"]]
    table = {lang: dict(p) for lang, p in pairs.items()}
    paths = []
    for k in range(count):
        picked = [arabic[(k + j) % len(arabic)] for j in range(sentences)]
        paras = [picked[i:i + per_paragraph] for i in range(0, len(picked), per_paragraph)]
        pages = {"ar": paras, **{lang: [[table[lang][a] for a in p] for p in paras]
                                 for lang in pairs}}
        paths.append(_write(out, f"pairs-{k:03d}", pages))
    return paths
