"""Every `tarjama …` example in README.md's code blocks runs, or says here why it cannot.

Each example runs through the real console command (`tarjama` on PATH, a shell for pipes,
globs and redirections) in one working folder, in README order, so an example may use what an
earlier one made (`corpus export` reads what `corpus add` stored). What the README names is
made offline:

- models: the overfit fixtures are put in the tarjama store under the default hub ids (an NLLB
  fixture under NLLB-200's), as
  README's "copy the store over" says, so `Helsinki-NLP/opus-mt-ar-en` and the commands that
  use the default models run; placeholders (`en=DIR`, `/models/ar-en`, `en=A`) are the
  fixtures' folders (SUBSTITUTIONS);
- files: INPUTS writes every file the examples read (article.ar.txt, hyp.en, ar.txt, news/...),
  from the repository's test data and seed article;
- training: tests/data/pairs.*.tsv in the folder hold 3 pairs each, so `models fixture overfit`
  converges in seconds.

An example that cannot run here is in SKIPS with the reason; one of a command another branch is
reworking that fails today is in XFAILS (the integrator removes those marks). A new README
example runs by default: add a SKIPS entry only with a reason a reader accepts.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import stat
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow  # every example is a process of its own: minutes on 2 cores

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "README.md"
SHARED_DATA = ROOT.parent / "shared" / "data"

# An example: a line of a fenced block that runs `tarjama` (continuation lines joined), at its
# start (after VAR=value settings) or after a pipe or &&; not output such as "tarjama: error".
TARJAMA = re.compile(r"^(?:[A-Z_]+=\S+\s+)*(?:\S*/)?tarjama\s+[a-z]|(?:\||&&)\s*(?:\S*/)?tarjama\s")


def examples() -> list[tuple[int, str]]:
    """(code block number, example) for every example, in README order."""
    found = []
    blocks = re.findall(r"^```[^\n]*\n(.*?)^```", README.read_text(encoding="utf-8"), re.M | re.S)
    for number, block in enumerate(blocks):
        for line in re.sub(r"\\\n\s*", " ", block).splitlines():
            line = re.sub(r"\s{2,}#.*$", "", line).strip()  # an aligned comment
            if line and not line.startswith("#") and TARJAMA.search(line):
                found.append((number, line))
    return found


# --- why an example does not run here (matched as a substring of the example) ------------
SKIPS: dict[str, str] = {
    "python3 -m venv": "creates a virtualenv and installs tarjama from the package index "
                       "(network); the README test runs the checkout instead",
    "models pull": "downloads from the Hugging Face hub (no hub here)",
    "opus-mt-leaderboard.toml": "needs the real opus-mt models (hub) and the FLORES-200 and "
                                "NTREX data under ~/data",
    "families.toml --data-dir": "needs the real models of four families (hub) and the "
                                "FLORES-200 and NTREX data under ~/data "
                                "(tests/test_families_e2e.py runs the suite on fixtures)",
    "--engine ray": "needs a Ray cluster (--ray-address auto) and shared storage",
    "corpus import /shared/shards/": "imports the shards of the Ray cluster example",
    "tarjama serve --": "a server runs until it is stopped; tests/test_serve.py and "
                        "test_serve_faults.py start it on a free port and talk HTTP to it",
}
NEEDS_NTREX = "needs NTREX-128 in ../shared/data (a plain clone has none)"
# Commands being reworked in another branch that fail today: the integrator removes these.
XFAILS: dict[str, str] = {}

# --- placeholders → what stands for them here: (examples containing, placeholder, value),
# applied in order. The overfit fixtures translate the test article and pairs exactly and fast;
# the seed models (trained on the seed article) do the same for the corpus examples, which read
# the seed article. NTREX-128 is news no fixture has seen: every line decodes to the length cap,
# so bench examples score its first 50 lines (the same path, in seconds).
SUBSTITUTIONS: list[tuple[str, str, str]] = [
    ("", ".venv/bin/tarjama", "tarjama"),
    ("", "/tmp/", "{work}/tmp/"),
    ("corpus ", "en=DIR", "en={seed_en}"), ("corpus ", "ru=DIR", "ru={seed_ru}"),
    ("", "en=DIR", "en={fx_en}"), ("", "ru=DIR", "ru={fx_ru}"),
    ("", "en=/models/ar-en", "en={fx_en}"),
    ("", "en=A", "en={fx_en}"), ("", "ru=B", "ru={fx_ru}"), ("", "en-ru=C", "en-ru={fx_pivot}"),
    ("", "./my-marian-ct2", "my-marian-ct2"), ("", "./my-marian", "{fx_en}"),
    ("", "-o DIR", "-o made-model-{n}"),
    ("bench ", "--testset ntrex128", "--testset ntrex128 --limit 50"),
]


def prepare(work: Path, fixtures: dict[str, Path]) -> None:
    """Write every input the examples read; put the fixtures in the store as the hub ids."""
    data = ROOT / "tests" / "data"
    shutil.copytree(ROOT / "seeds", work / "seeds")
    (work / "tests" / "data").mkdir(parents=True)
    shutil.copy(data / "article.ar.txt", work / "tests" / "data")
    pairs = {}
    for lang in ("en", "ru"):
        rows = (data / f"pairs.ar-{lang}.tsv").read_text(encoding="utf-8").splitlines()
        pairs[lang] = [r.split("\t") for r in rows]
        (work / "tests" / "data" / f"pairs.ar-{lang}.tsv").write_text(
            "\n".join(rows[:3]) + "\n", encoding="utf-8")
    (work / "pairs.tsv").write_text((work / "tests/data/pairs.ar-en.tsv").read_text("utf-8"),
                                    encoding="utf-8")
    ar = [a for a, _ in pairs["en"]]
    en = [e for _, e in pairs["en"]]
    ru = [r for _, r in pairs["ru"]]
    lines = {"src.ar": ar, "ar.txt": ar, "ref.en": en, "en.txt": en, "ref.ru": ru, "ru.txt": ru,
             "hyp.en": [e.replace("the ", "") for e in en], "base.en": en,
             "new.en": [e.replace(".", "") for e in en],
             # the de-fr example's files: any two languages align the same way; gold.jsonl
             # (one bead a line, in order) fits both pairs of files
             "de.txt": ar, "fr.txt": en, "de.mt.fr.txt": en}
    for name, rows in lines.items():
        (work / name).write_text("\n".join(rows) + "\n", encoding="utf-8")
    (work / "news.ar-ru.tsv").write_text("".join(f"{a}\t{r}\n" for a, r in pairs["ru"]),
                                         encoding="utf-8")
    (work / "gold.jsonl").write_text("".join(json.dumps({"src": [i], "tgt": [i]}) + "\n"
                                             for i in range(len(ar))), encoding="utf-8")
    article = (data / "article.ar.txt").read_text(encoding="utf-8")
    (work / "article.ar.txt").write_text(article, encoding="utf-8")
    # the article line by line in English: its MT and, here, its "published" translation
    sentences = dict(zip(ar, en, strict=True))
    english = [" ".join(sentences.get(s, s) for s in re.split(r"(?<=[.؟?])\s+", line) if s)
               for line in article.splitlines()]
    for name in ("article.en.txt", "article.mt.en.txt"):
        (work / name).write_text("\n".join(english) + "\n", encoding="utf-8")
    legacy = [a for a in ar if a.encode("windows-1256", "replace").decode("windows-1256") == a]
    page = f"<html><head><meta charset=windows-1256><title>{legacy[0]}</title></head><body>" + \
        "".join(f"<p>{a}</p>" for a in legacy[:4]) + "</body></html>"
    (work / "saved-page.html").write_bytes(page.encode("windows-1256"))
    (work / "archive" / "2024-01").mkdir(parents=True)
    for i in range(2):
        (work / "archive" / f"a{i}.ar.txt").write_text(f"{ar[2 * i]}\n\n{ar[2 * i + 1]}\n",
                                                       encoding="utf-8")
    seed = work / "seeds" / "lavrov-sahel-2025-04-03"
    (work / "news").mkdir()
    for lang in ("ar", "en", "ru"):
        shutil.copy(f"{seed}.{lang}.txt", work / "news" / f"lavrov.{lang}.txt")
    for lang, rows in (("ar", ar), ("en", en), ("ru", ru)):
        (work / "archive" / "2024-01" / f"x.{lang}.html").write_text(
            "<html><body>" + "".join(f"<p>{r}</p>" for r in rows[:8]) + "</body></html>",
            encoding="utf-8")
    (work / "more.jsonl").write_text(json.dumps(
        {"id": "more", "ar": "archive/a0.ar.txt", "en": "ref.en"}) + "\n", encoding="utf-8")
    store = work / "store"
    for hub_id, key in (("Helsinki-NLP/opus-mt-ar-en", "en"), ("Helsinki-NLP/opus-mt-ar-ru", "ru"),
                        ("Helsinki-NLP/opus-mt-en-ru", "pivot"),
                        ("facebook/nllb-200-distilled-600M", "nllb"),
                        ("facebook/nllb-200-distilled-1.3B", "nllb")):
        shutil.copytree(fixtures[key], store / hub_id.replace("/", "--") / "hf")
    (work / "tmp").mkdir()
    bin_dir = work / "bin"
    bin_dir.mkdir()
    shim = bin_dir / "tarjama"
    shim.write_text(f'#!/bin/sh\nexec "{sys.executable}" -m translate "$@"\n', encoding="utf-8")
    shim.chmod(shim.stat().st_mode | stat.S_IXUSR)


# --- what a few examples must have produced, beyond exit 0 and some output ----------------
CHECKS: dict[str, Callable[[Path, subprocess.CompletedProcess[str]], bool]] = {
    "--lines - --to en | tarjama score - ref.en":
        lambda w, r: r.stdout.startswith("BLEU = 100.00 100.0/100.0/100.0/100.0"),
    "--to en -o english.txt": lambda w, r: (w / "english.txt").is_file(),
    "translate --lines src.ar -o hyps/":
        lambda w, r: all(len((w / "hyps" / f"src.{x}").read_text("utf-8").splitlines()) == 22
                         for x in ("en", "ru")),
    "models list -f json": lambda w, r: "Helsinki-NLP/opus-mt-ar-en" in json.loads(r.stdout)[0]
                                        ["model_id"],
    "--model en=/tmp/fx-en --model ru=/tmp/fx-ru -o out/":
        lambda w, r: (w / "out" / "article.en.txt").is_file(),
    # the source is the path relative to the database's folder, never an absolute path
    "corpus list --db corpus.sqlite":
        lambda w, r: " seeds/lavrov-sahel-2025-04-03.ar.txt" in r.stdout and str(w) not in r.stdout,
}

EXAMPLES = examples()


def _param(block: int, example: str) -> object:
    marks = []
    for key, reason in SKIPS.items():
        if key in example:
            marks.append(pytest.mark.skip(reason=reason))
    if "ntrex128" in example and not (SHARED_DATA / "ntrex128").is_dir():
        marks.append(pytest.mark.skip(reason=NEEDS_NTREX))
    if "bench compare latest~1" in example and not (SHARED_DATA / "ntrex128").is_dir():
        # it compares the block's last two runs; without NTREX only one of them ran
        marks.append(pytest.mark.skip(reason=NEEDS_NTREX + "; the second run it compares "
                                      "scores NTREX"))
    for key, reason in XFAILS.items():
        if key in example:
            marks.append(pytest.mark.xfail(reason=reason, strict=False))
    return pytest.param(block, example, marks=marks, id=example[:90])


@pytest.fixture(scope="module")
def template(tmp_path_factory, fixture_models, fixture_pivot_model, family_models,
             seed_models) -> Path:
    folder = tmp_path_factory.mktemp("readme") / "inputs"
    prepare(folder, {**fixture_models, "pivot": fixture_pivot_model,
                     "nllb": family_models["nllb"]})
    for lang, model in seed_models.items():
        shutil.copytree(model, folder / "seed-models" / lang)
    return folder


@pytest.fixture(scope="module")
def folders(template) -> dict[int, Path]:
    """One working folder per code block, made from the template when the block starts: the
    examples of a block may build on each other (corpus add, then export); those of different
    blocks are alternatives and must not see each other's outputs."""
    return {}


def test_the_readme_has_examples_of_every_command():
    commands = {m.group(1) for _, e in EXAMPLES for m in [re.search(r"tarjama (\w+)", e)] if m}
    assert {"translate", "segment", "models", "cache", "score", "align", "corpus",
            "bench"} <= commands
    assert len(EXAMPLES) >= 50


@pytest.mark.parametrize(("block", "example"), [_param(b, e) for b, e in EXAMPLES])
def test_readme_example_runs(block, example, template, folders):
    if block not in folders:
        folders[block] = template.parent / f"block-{block}"
        shutil.copytree(template, folders[block], symlinks=True)
    work = folders[block]
    store = work / "store"
    values = {"work": str(work), "n": str(EXAMPLES.index((block, example))),
              "fx_en": str(store / "Helsinki-NLP--opus-mt-ar-en" / "hf"),
              "fx_ru": str(store / "Helsinki-NLP--opus-mt-ar-ru" / "hf"),
              "fx_pivot": str(store / "Helsinki-NLP--opus-mt-en-ru" / "hf"),
              "seed_en": str(work / "seed-models" / "en"),
              "seed_ru": str(work / "seed-models" / "ru")}
    command = example
    for scope, placeholder, value in SUBSTITUTIONS:
        if scope in example:
            command = command.replace(placeholder, value.format(**values))
    env = {**os.environ, "PATH": f"{work / 'bin'}{os.pathsep}{os.environ['PATH']}",
           "PYTHONPATH": str(ROOT), "TARJAMA_MODELS": str(store),
           "TARJAMA_CACHE": str(template.parent / "cache.sqlite"), "HF_HUB_OFFLINE": "1",
           "TARJAMA_DATA": str(SHARED_DATA), "COLUMNS": "120"}
    done = subprocess.run(["bash", "-o", "pipefail", "-c", command], cwd=work, env=env,
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, f"$ {command}\n{done.stdout[-1500:]}\n{done.stderr[-3000:]}"
    assert (done.stdout + done.stderr).strip(), f"$ {command}: no output at all"
    for key, check in CHECKS.items():
        if key in example:
            assert check(work, done), f"$ {command}\n{done.stdout[-1500:]}"
