"""Test sets for ``tarjama bench``: named sets (ntrex128, flores200, seed) and files of your own.

A ``TestSet`` is Arabic sources with references in one target language. Line-level sets are
scored line by line (sacrebleu's corpus scores over the lines); a document-level set (the seed
article) is scored as one segment: its hand-written references were written paragraph by
paragraph, not sentence by sentence, so the article's translation is compared with the whole
reference (see ``load_seed``).

Where the data comes from, per name:
- ``ntrex128``: ``--data-dir`` (or ``$TARJAMA_DATA``) holding ``ntrex128/`` or the NTREX files
  themselves; else the user cache, filled once from the NTREX GitHub repository (with its
  licence). Offline, a UsageError names ``--data-dir``.
- ``flores200``: only local (its licence asks for a download by the user): ``devtest`` files
  ``ara_Arab`` (or FLORES+'s ``arb_Arab``), ``eng_Latn``, ``rus_Cyrl`` under the data dir.
- ``seed``: ``seeds/lavrov-sahel-2025-04-03.{ar,en,ru}.txt`` of a checkout.
- a path: ``SRC.ar,REF.en`` (line-parallel), a ``source<TAB>reference`` TSV, or a directory
  holding an NTREX or FLORES layout or ``NAME.ar`` + ``NAME.en`` / ``NAME.ru`` files.
"""

from __future__ import annotations

import os
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from translate.bench.environment import repo_root
from translate.errors import InputError, UsageError
from translate.fsio import atomic_write, read_lines, read_text

TARGETS = ("en", "ru")
NTREX_FILES = {"ar": "newstest2019-ref.arb.txt", "en": "newstest2019-src.eng.txt",
               "ru": "newstest2019-ref.rus.txt"}
NTREX_RAW = "https://raw.githubusercontent.com/MicrosoftTranslator/NTREX/main/NTREX-128/"
NTREX_ROOT_RAW = "https://raw.githubusercontent.com/MicrosoftTranslator/NTREX/main/"
NTREX_ATTRIBUTION = ("NTREX-128 (Federmann, Kocmi, Xin, 2022, SUMEval), Microsoft Translator; "
                     "CC BY-SA 4.0")
FLORES_CODES = {"ar": ("ara_Arab", "arb_Arab"), "en": ("eng_Latn",), "ru": ("rus_Cyrl",)}
FLORES_ATTRIBUTION = "FLORES-200 (NLLB Team et al., 2022); CC BY-SA 4.0"
SEED_STEM = "lavrov-sahel-2025-04-03"
# Reference-language suffixes seen on file names: "ref.en", "newstest.eng", "x.ru.txt".
_LANG_SUFFIX = {"en": "en", "eng": "en", "ru": "ru", "rus": "ru"}


@dataclass
class TestSet:
    """Arabic sources and one target language's references, line-parallel."""

    name: str  # how it is reported: "ntrex128", "seed", "pairs.ar-en"
    tgt: str  # "en" or "ru"
    sources: list[str]
    references: list[str]
    level: str = "line"  # "line" or "document" (one segment: the whole article)
    origin: str = ""  # where it was read from
    attribution: str = ""  # licence / citation to keep with the numbers
    info: dict[str, Any] = field(default_factory=dict)

    __test__ = False  # not a pytest class despite the name

    @property
    def pair(self) -> str:
        return f"ar-{self.tgt}"

    def describe(self) -> dict[str, Any]:
        return {"name": self.name, "pair": self.pair, "segments": len(self.sources),
                "level": self.level, "origin": self.origin, "attribution": self.attribution,
                **self.info}


def user_data_dir() -> Path:
    cache = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(cache) / "tarjama" / "data"


def load_testsets(spec: str, targets: Sequence[str] = TARGETS, *,
                  data_dir: str | Path | None = None, download: bool = True,
                  limit: int = 0) -> list[TestSet]:
    """Every (test set, target) that ``spec`` names and has references for among ``targets``.

    ``limit`` keeps the first N segments of a line-level set (quick runs; 0 keeps all).
    """
    spec = spec.strip()
    if not spec:
        raise UsageError("--testset needs a name or a path")
    lang, path_part = _split_lang(spec)
    name = spec.lower()
    if name in ("ntrex128", "ntrex"):
        found = ntrex128(_ntrex_dir(data_dir, download), targets)
    elif name in ("flores200", "flores", "flores200-devtest"):
        found = flores200(_flores_dir(data_dir), targets)
    elif name == "seed":
        found = load_seed(repo_root() / "seeds", targets)
    else:
        found = _from_paths(path_part, lang, targets)
    if not found:
        raise UsageError(f"--testset {spec}: no references for {', '.join(targets)}")
    if limit > 0:
        for t in found:
            if t.level == "line" and len(t.sources) > limit:
                t.info["limit"] = limit
                t.sources, t.references = t.sources[:limit], t.references[:limit]
    return found


def _split_lang(spec: str) -> tuple[str | None, str]:
    """``en=path`` names the reference language explicitly."""
    m = re.match(r"^([a-z]{2,3})=(.+)$", spec)
    if m and m.group(1) in _LANG_SUFFIX:
        return _LANG_SUFFIX[m.group(1)], m.group(2)
    return None, spec


# -- named sets ---------------------------------------------------------------------------------
def ntrex128(directory: Path, targets: Sequence[str] = TARGETS) -> list[TestSet]:
    """NTREX-128's 1,997 lines; the Arabic and Russian sides are translations of the English."""
    src = _parallel(directory / NTREX_FILES["ar"])
    out = []
    for tgt in targets:
        ref = _parallel(directory / NTREX_FILES[tgt], against=(directory / NTREX_FILES["ar"], src))
        info: dict[str, Any] = {"source_is_translationese": True}
        ids = directory / "DOCUMENT_IDS.tsv"
        if ids.is_file():
            info["documents"] = len(set(read_lines(ids)))
        out.append(TestSet("ntrex128", tgt, src, ref, origin=str(directory),
                           attribution=NTREX_ATTRIBUTION, info=info))
    return out


def _ntrex_dir(data_dir: str | Path | None, download: bool) -> Path:
    candidates = [Path(d).expanduser() for d in (data_dir, os.environ.get("TARJAMA_DATA")) if d]
    looked = []
    for base in candidates:
        for d in (base / "ntrex128", base):
            looked.append(str(d))
            if all((d / f).is_file() for f in NTREX_FILES.values()):
                return d
    cached = user_data_dir() / "ntrex128"
    if all((cached / f).is_file() for f in NTREX_FILES.values()):
        return cached
    if not download:
        raise UsageError(f"ntrex128 not found (looked in: {'; '.join([*looked, str(cached)])}); "
                         "pass --data-dir DIR holding ntrex128/ or set TARJAMA_DATA")
    return download_ntrex(cached)


def download_ntrex(out: Path, timeout: float = 30.0) -> Path:
    """Fetch the three NTREX files and its licence into ``out`` (once; atomic per file)."""
    import urllib.error
    import urllib.request

    urls = {name: NTREX_RAW + name for name in NTREX_FILES.values()}
    for name in ("LICENSE.md", "DOCUMENT_IDS.tsv"):  # the licence travels with the data
        urls[name] = NTREX_ROOT_RAW + name
    for name, url in urls.items():
        if (out / name).is_file():
            continue
        try:
            with urllib.request.urlopen(url, timeout=timeout) as resp:
                data = resp.read()
        except (urllib.error.URLError, OSError) as e:
            reason = getattr(e, "reason", e)
            raise UsageError(
                f"ntrex128 is not available locally and could not be downloaded ({reason}); "
                f"on an offline machine pass --data-dir DIR holding the NTREX files "
                f"({', '.join(NTREX_FILES.values())}), or set TARJAMA_DATA"
            ) from None
        atomic_write(out / name, data, force=True)
    atomic_write(out / "README.md", f"Downloaded by tarjama from {NTREX_RAW}\n"
                 f"{NTREX_ATTRIBUTION}; see LICENSE.md.\n", force=True)
    return out


def flores200(directory: Path | None, targets: Sequence[str] = TARGETS) -> list[TestSet]:
    if directory is None:
        raise UsageError("flores200 is read from your local copy only: pass --data-dir DIR "
                         "(or set TARJAMA_DATA) holding flores200_dataset/devtest/"
                         "ara_Arab.devtest, eng_Latn.devtest and rus_Cyrl.devtest")
    src_path = _flores_file(directory, "ar")
    src = _parallel(src_path)
    return [TestSet("flores200", tgt, src, _parallel(_flores_file(directory, tgt),
                                                     against=(src_path, src)),
                    origin=str(directory), attribution=FLORES_ATTRIBUTION,
                    info={"split": "devtest"}) for tgt in targets]


def _flores_dir(data_dir: str | Path | None) -> Path | None:
    for base in (data_dir, os.environ.get("TARJAMA_DATA")):
        if not base:
            continue
        root = Path(base).expanduser()
        for d in (root / "flores200_dataset" / "devtest", root / "flores200" / "devtest",
                  root / "devtest", root):
            if any((d / f"{c}.devtest").is_file() for c in FLORES_CODES["ar"]):
                return d
    return None


def _flores_file(directory: Path, lang: str) -> Path:
    for code in FLORES_CODES[lang]:
        for name in (f"{code}.devtest", f"devtest.{code}"):
            if (directory / name).is_file():
                return directory / name
    raise UsageError(f"flores200: no {'/'.join(FLORES_CODES[lang])}.devtest in {directory}")


def load_seed(directory: Path, targets: Sequence[str] = TARGETS) -> list[TestSet]:
    """The seed article against its references, as one document-level segment each.

    The references were translated paragraph by paragraph, and their sentences do not map 1:1
    onto the Arabic ones, so no line alignment is assumed: the article goes through the same
    path as ``tarjama translate`` and its whole translation is scored against the whole
    reference. BLEU over one long segment is still corpus BLEU (n-gram counts over the
    document); only the bootstrap CI is meaningless with one segment, so none is reported.
    """
    src_path = directory / f"{SEED_STEM}.ar.txt"
    if not src_path.is_file():
        raise UsageError(f"seed: {src_path} not found (the seed test set needs a checkout "
                         "with seeds/)")
    source = read_text(src_path)
    out = []
    for tgt in targets:
        ref_path = directory / f"{SEED_STEM}.{tgt}.txt"
        if ref_path.is_file():
            out.append(TestSet("seed", tgt, [source], [document_text(read_text(ref_path))],
                               level="document", origin=str(ref_path.parent),
                               info={"article": src_path.name}))
    return out


def document_text(text: str) -> str:
    """An article's translatable text as one line: chrome (language switchers) dropped,
    blocks joined by a space, as the document-level hypothesis is."""
    from translate.segment import segment_text

    art = segment_text(text)
    return " ".join(" ".join(s.text for s in b.sentences) for b in art.blocks if b.translatable
                    and b.sentences).strip()


# -- files of your own --------------------------------------------------------------------------
def _from_paths(spec: str, lang: str | None, targets: Sequence[str]) -> list[TestSet]:
    parts = [p for p in spec.split(",") if p]
    if len(parts) == 2:
        return _keep(_line_parallel(Path(parts[0]), Path(parts[1]), lang), targets)
    if len(parts) != 1:
        raise UsageError(f"--testset {spec}: expected NAME, FILE.tsv, SRC,REF or a directory")
    path = Path(parts[0]).expanduser()
    if path.is_dir():
        return _from_directory(path, targets)
    if not path.exists():
        raise UsageError(f"--testset {spec}: no such file or directory, and not a known test set "
                         "(ntrex128, flores200, seed)")
    return _keep([_tsv(path, lang)], targets)


def _keep(sets: list[TestSet], targets: Sequence[str]) -> list[TestSet]:
    return [t for t in sets if t.tgt in targets]


def _tsv(path: Path, lang: str | None) -> TestSet:
    tgt = lang or guess_lang(path)
    src, ref = [], []
    for n, line in enumerate(read_lines(path), 1):
        if not line.strip():
            continue
        fields = line.split("\t")
        if len(fields) != 2 or not fields[0].strip() or not fields[1].strip():
            raise InputError(f"{path}:{n}: expected 'source<TAB>reference'")
        src.append(fields[0].strip())
        ref.append(fields[1].strip())
    if not src:
        raise InputError(f"{path}: empty test set")
    return TestSet(_stem(path), tgt, src, ref, origin=str(path))


def _line_parallel(src_path: Path, ref_path: Path, lang: str | None) -> list[TestSet]:
    src = _parallel(src_path)
    ref = _parallel(ref_path, against=(src_path, src))
    return [TestSet(_stem(ref_path), lang or guess_lang(ref_path), src, ref,
                    origin=f"{src_path},{ref_path}")]


def _from_directory(d: Path, targets: Sequence[str]) -> list[TestSet]:
    if all((d / f).is_file() for f in NTREX_FILES.values()):
        return ntrex128(d, targets)
    flores = _flores_dir(d)
    if flores is not None:
        return flores200(flores, targets)
    out: list[TestSet] = []
    for src in sorted(d.glob("*.ar")) + sorted(d.glob("*.ar.txt")):
        stem = src.name.removesuffix(".txt").removesuffix(".ar")
        for tgt in targets:
            for ref in (d / f"{stem}.{tgt}", d / f"{stem}.{tgt}.txt"):
                if ref.is_file():
                    t = _line_parallel(src, ref, tgt)[0]
                    t.name = f"{d.name}/{stem}"
                    out.append(t)
    for tsv in sorted(d.glob("*.tsv")):
        try:
            t = _tsv(tsv, None)
        except UsageError:
            continue  # a TSV without a language in its name is not a test set we can place
        if t.tgt in targets:
            t.name = f"{d.name}/{t.name}"
            out.append(t)
    if not out:
        raise UsageError(f"--testset {d}: no test set found in the directory (expected NTREX or "
                         "FLORES files, NAME.ar + NAME.en/NAME.ru, or NAME.ar-en.tsv)")
    return out


def guess_lang(path: Path) -> str:
    """The reference language from a file name: ``ref.en``, ``x.ar-ru.tsv``, ``y.rus.txt``."""
    tokens = re.split(r"[.\-_]", path.name.lower())
    for tok in reversed(tokens):
        if tok in _LANG_SUFFIX:
            return _LANG_SUFFIX[tok]
    raise UsageError(f"{path}: cannot tell the reference language from the name; name it "
                     "like ref.en / pairs.ar-ru.tsv, or pass --testset en=PATH")


def _stem(path: Path) -> str:
    name = path.name
    for suffix in (".tsv", ".txt"):
        name = name.removesuffix(suffix)
    return name


def _parallel(path: Path, against: tuple[Path, list[str]] | None = None) -> list[str]:
    """A line-parallel side; blank lines are kept (they are segments too) but an empty file
    and a count that differs from the other side are errors (sacrebleu would zip them)."""
    if not path.is_file():
        raise UsageError(f"{path}: no such file")
    lines = read_lines(path)
    if not any(x.strip() for x in lines):
        raise InputError(f"{path}: empty file")
    if against is not None and len(lines) != len(against[1]):
        raise UsageError(f"line counts differ: {len(against[1])} in {against[0]} but "
                         f"{len(lines)} in {path}; test set sides must be line-parallel")
    return lines
