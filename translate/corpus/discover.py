"""Finding the articles of a ``corpus build``: files, directories, globs and JSONL manifests.

- ``NAME.ar.txt`` (or ``.html``, ``.htm``, ``.md``) is an article; its references are the files
  beside it named ``NAME.en.*`` and ``NAME.ru.*`` (the same suffix preferred).
- A directory is searched recursively for such articles.
- A glob (``news/2024-*/*.ar.html``) is expanded; each match is a file or a directory.
- A ``.jsonl`` file is a manifest: one ``{"id", "ar", "en", "ru", "url"}`` object a line;
  ``ar``/``en``/``ru`` are paths (relative to the manifest's folder), ``en`` or ``ru`` may be
  missing, ``url`` (optional) is the article's identity across versions. A path must stay
  inside the manifest's folder (``allow_outside`` lifts that): a manifest from elsewhere must
  not be able to pour ``/etc/passwd`` into a corpus as an "English reference". A line whose
  text is not valid Unicode (a lone surrogate such as ``\\ud800`` in JSON) is reported, not fatal.

An article's identity (the corpus ``source``) is its URL when the manifest gives one, else the
manifest id, else the Arabic file's path relative to ``root`` (the database's folder, or the
shard directory), as for ``corpus add``: the same from any working directory, and no absolute
path of this machine in an export. Articles come back sorted by identity, so every run walks
them in the same order.

Example::

    found = discover(["news/", "extra.jsonl"], root=Path("."))
    for spec in found.articles:
        texts = read_spec(spec)
"""

from __future__ import annotations

import glob
import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from translate.errors import UsageError
from translate.fsio import printable

if TYPE_CHECKING:
    from translate.readers import SourceText

REF_LANGS = ("en", "ru")
SUFFIXES = (".txt", ".html", ".htm", ".md")
_GLOB_CHARS = set("*?[")


@dataclass(frozen=True)
class ArticleSpec:
    """Where one article and its references are."""

    key: str  # identity across versions: URL, manifest id or absolute path
    ar: Path
    refs: dict[str, Path]
    origin: str = ""  # the manifest line or the path it was found under (for messages)


@dataclass
class Discovered:
    articles: list[ArticleSpec]
    skipped: list[str] = field(default_factory=list)  # one reason a line, for the report
    invalid: list[tuple[str, str]] = field(default_factory=list)  # (where, why): failures


@dataclass
class ArticleTexts:
    """An article and its references as ``translate.readers`` read them."""

    key: str
    ar: SourceText
    refs: dict[str, SourceText]

    @property
    def pages(self) -> dict[str, SourceText]:
        return {"ar": self.ar, **self.refs}

    @property
    def markup(self) -> bool:
        """Some page was read from HTML or Markdown (part of the article's identity)."""
        return any(p.format != "text" for p in self.pages.values())

    def read(self) -> dict[str, dict[str, str]]:
        """How each page was read: {lang: {"format", "encoding"}} (stored with the run)."""
        return {lang: {"format": p.format, "encoding": p.encoding}
                for lang, p in self.pages.items()}


def _article_name(path: Path) -> tuple[str, str] | None:
    """``a/b/NAME.ar.txt`` → ("NAME", ".txt"); None when the name is not NAME.ar.SUFFIX."""
    suffix = path.suffix.lower()
    if suffix not in SUFFIXES:
        return None
    stem = path.name[: -len(path.suffix)]
    if not stem.endswith(".ar") or len(stem) <= 3:
        return None
    return stem[:-3], path.suffix


def _refs_beside(ar: Path, name: str, suffix: str) -> dict[str, Path]:
    refs: dict[str, Path] = {}
    for lang in REF_LANGS:
        candidates = [ar.with_name(f"{name}.{lang}{suffix}")] + [
            ar.with_name(f"{name}.{lang}{s}") for s in SUFFIXES if s != suffix.lower()]
        hit = next((c for c in candidates if c.is_file()), None)
        if hit is not None:
            refs[lang] = hit
    return refs


def article_key(path: str | Path, root: str | Path | None) -> str:
    """A file's identity in a corpus: its path relative to ``root`` (None: absolute)."""
    resolved = Path(path).resolve()
    return printable(resolved if root is None else os.path.relpath(resolved,
                                                                   Path(root).resolve()))


def _from_file(path: Path, out: Discovered, origin: str, root: Path | None) -> None:
    named = _article_name(path)
    if named is None:
        raise UsageError(f"{path}: not an article (expected NAME.ar.txt, NAME.ar.html or a "
                         ".jsonl manifest)")
    refs = _refs_beside(path, *named)
    if not refs:
        out.skipped.append(f"{path}: no reference beside it ({named[0]}.en.* or "
                           f"{named[0]}.ru.*)")
        return
    out.articles.append(ArticleSpec(article_key(path, root), path, refs, origin))


def _from_dir(path: Path, out: Discovered, root: Path | None) -> None:
    for p in sorted(path.rglob("*")):
        if p.is_file() and _article_name(p) is not None:
            _from_file(p, out, str(path), root)


def read_manifest(path: Path, out: Discovered, *, allow_outside: bool = False) -> None:
    """The articles a JSONL manifest lists (paths relative to the manifest's folder)."""
    from translate.fsio import read_lines

    base = path.resolve().parent
    for n, line in enumerate(read_lines(path), 1):
        if not line.strip():
            continue
        where = f"{printable(path)}:{n}"
        try:
            row = json.loads(line)
        except ValueError as e:
            raise UsageError(f"{where}: not a JSON object ({e})") from None
        if not isinstance(row, dict) or not row.get("id") or not row.get("ar"):
            raise UsageError(f'{where}: each line needs at least "id" and "ar"')
        unknown = set(row) - {"id", "ar", "url", *REF_LANGS}
        if unknown:
            raise UsageError(f"{where}: unknown field(s) {', '.join(sorted(unknown))}")
        bad = next((k for k, v in row.items() if _surrogate(str(v))), None)
        if bad is not None:
            out.invalid.append((where, f'"{bad}" is not valid Unicode text (a lone surrogate '
                                       f"{_surrogate(str(row[bad]))})"))
            continue
        refs = {lang: _inside(base, str(row[lang]), where, lang, allow_outside)
                for lang in REF_LANGS if row.get(lang)}
        if not refs:
            raise UsageError(f'{where}: no reference ("en" or "ru")')
        key = str(row.get("url") or row["id"])
        out.articles.append(ArticleSpec(key, _inside(base, str(row["ar"]), where, "ar",
                                                     allow_outside), refs, where))


def _surrogate(text: str) -> str | None:
    """The first lone surrogate in ``text`` as U+XXXX (JSON escapes decode to these)."""
    found = next((c for c in text if "\ud800" <= c <= "\udfff"), None)
    return f"U+{ord(found):04X}" if found else None


def _inside(base: Path, value: str, where: str, field: str, allow_outside: bool) -> Path:
    path = base / value  # an absolute value stays absolute
    if not allow_outside and not path.resolve().is_relative_to(base):
        raise UsageError(f'{where}: "{field}" {value!r} is outside the manifest\'s folder '
                         f"{printable(base)}; pass --allow-outside-paths to allow it")
    return path


def discover(inputs: list[str], *, allow_outside: bool = False,
             root: Path | None = None) -> Discovered:
    """Every article ``inputs`` name, each once, sorted by identity (files: their path
    relative to ``root``; None: absolute)."""
    if not inputs:
        raise UsageError("no inputs: give files, directories, globs or a .jsonl manifest")
    out = Discovered([])
    for item in inputs:
        if _GLOB_CHARS & set(item) and not Path(item).exists():
            matches = sorted(glob.glob(item, recursive=True))
            if not matches:
                raise UsageError(f"{item}: the pattern matches nothing")
            paths = [Path(m) for m in matches]
        else:
            paths = [Path(item)]
        for p in paths:
            if p.is_dir():
                _from_dir(p, out, root)
            elif p.suffix.lower() == ".jsonl" and p.is_file():
                read_manifest(p, out, allow_outside=allow_outside)
            elif p.is_file():
                _from_file(p, out, item, root)
            elif len(paths) == 1:
                raise UsageError(f"{p}: no such file or directory")
    seen: dict[str, ArticleSpec] = {}
    for spec in out.articles:
        prior = seen.get(spec.key)
        if prior is not None and (prior.ar, prior.refs) != (spec.ar, spec.refs):
            raise UsageError(f"two different articles share the identity {spec.key!r} "
                             f"({prior.origin} and {spec.origin})")
        seen.setdefault(spec.key, spec)
    out.articles = [seen[k] for k in sorted(seen)]
    return out


def read_spec(spec: ArticleSpec) -> ArticleTexts:
    """Read an article and its references (any supported encoding; HTML and Markdown
    extracted). Raises ``InputError`` for an unusable file."""
    from translate.readers import read_article

    return ArticleTexts(spec.key, read_article(spec.ar, source_lang="ar"),
                        {lang: read_article(path, source_lang=lang)
                         for lang, path in spec.refs.items()})
