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


def help_examples() -> list[tuple[str, str]]:
    """("help GROUP", example) for every example in every command's --help, as the help shows
    it (continuation lines joined, comments dropped): one working folder per command group,
    so `corpus export` reads what the `corpus add` example stored."""
    import typer

    from translate.cli import app
    from translate.cli.helptext import is_example_paragraph

    def walk(cmd: object, path: tuple[str, ...] = ()) -> list[tuple[tuple[str, ...], object]]:
        found = [(path, cmd)]
        for name, sub in sorted(getattr(cmd, "commands", {}).items()):
            found += walk(sub, (*path, name))
        return found

    found = []
    for path, cmd in walk(typer.main.get_command(app)):
        for paragraph in (getattr(cmd, "help", None) or "").split("\n\n"):
            if not is_example_paragraph(paragraph):
                continue
            for line in re.sub(r"\\\n\s*", " ", paragraph).splitlines():
                line = re.sub(r"\s{2,}#.*$", "", line).strip()
                if line and not line.startswith("#") and TARJAMA.search(line):  # not curl
                    found.append((f"help {path[0]}", " ".join(line.split())))
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
    "--encoder ./LaBSE": "needs a LaBSE sentence-transformers model directory (hub)",
    "shape --family nllb": "writes NLLB-600M's 2.5 GB of random weights (minutes); "
                           "test_fixture_models.py builds the nllb shape at tiny size",
    "bench speed -m en=/tmp/shape-ar-en -m ru=": "needs the two opus-mt-base shape models "
                                                "(the `models fixture shape` help runs one)",
    "bench compare eval/results/fixtures 2026": "compares a run of the project's history "
                                                "(eval/results), not one made here",
    "speed --shape tiny -e naive": "runs two engines in both directions, each in a process of its "
                                   "own: past the 10-minute limit on a loaded 2-core machine "
                                   "(tests/test_bench_speed.py runs bench speed on tiny shapes)",
    "bench compare latest~1 latest": "needs two earlier runs in the history; the README's bench "
                                     "block runs it after two runs",
    "tarjama serve --": "a server runs until it is stopped; tests/test_serve.py and "
                        "test_serve_faults.py start it on a free port and talk HTTP to it",
    "corpus split --db": "needs a corpus of several aligned articles (the examples here build "
                         "one); tests/test_corpus_split.py and tests/test_train_loop.py split "
                         "such corpora",
    "tarjama train --train split/": "needs a split and a base model; tests/test_train.py and "
                                    "tests/test_train_loop.py train fixture models",
    "--testset split/test": "benches the model the train example makes; "
                            "tests/test_train_loop.py runs split, train and bench end to end",
    "--vocab-from ar=news.ar": "needs a file of wider Arabic text; tests/test_train_loop.py "
                               "builds a --vocab-from base from shipped text",
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
    # a --help example converts the fixture that the help's `overfit` example builds later
    ("convert /tmp/fx-ar-en", "convert {work}/tmp/fx-ar-en ", "convert {fx_en} "),
    ("corpus ", "en=DIR", "en={seed_en}"), ("corpus ", "ru=DIR", "ru={seed_ru}"),
    ("", "en=DIR", "en={fx_en}"), ("", "ru=DIR", "ru={fx_ru}"),
    ("", "en=/models/ar-en", "en={fx_en}"),
    ("", "en=A", "en={fx_en}"), ("", "ru=B", "ru={fx_ru}"), ("", "en-ru=C", "en-ru={fx_pivot}"),
    ("", "./my-marian-ct2", "my-marian-ct2"), ("", "./my-marian", "{fx_en}"),
    ("", "-o DIR", "-o made-model-{n}"),
    ("bench ", "--testset ntrex128", "--testset ntrex128 --limit 50"),
    # --help examples: a model path that stands for a model, a conversion of the fixture
    ("segment ", "en=models/opus-mt-ar-en", "en={fx_en}"),
    # the default models are the overfit fixtures, which know the pairs and not the seed
    # article: the corpus examples that translate it use the seed models
    ("corpus ", "--ref ru=lavrov.ru.txt", "--ref ru=lavrov.ru.txt -m en={seed_en} -m ru={seed_ru}"),
    ("corpus ", "-r ru=a.ru.txt", "-r ru=a.ru.txt -m ru={seed_ru}"),
    ("corpus ", "build news/ -o shards/", "build news/ -o shards/ -m en={seed_en} "
                                          "-m ru={seed_ru}"),
    ("corpus ", "build news/ --db news.sqlite", "build news/ --db news.sqlite -m en={seed_en} "
                                                "-m ru={seed_ru}"),
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
             "hyp.ru": [r.replace(",", "") for r in ru],
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
    _help_inputs(work, data, ar, en, ru, fixtures)
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


def _help_inputs(work: Path, data: Path, ar: list[str], en: list[str], ru: list[str],
                 fixtures: dict[str, Path]) -> None:
    """What the --help examples read beyond the README's: a test set, systems to score,
    the seed article under short names (as HTML too), a manifest, the fixtures suite."""
    lines = {"test.ar": ar, "test.en": en, "out.en.txt": en, "ref.en.txt": en, "out.ru.txt": ru,
             "ref.ru.txt": ru, "base.en.txt": en, "ct2.en.txt": en[::-1],
             "b1.en.txt": [e.lower() for e in en], "article.ref.en.txt": en}
    for name, rows in lines.items():
        (work / name).write_text("\n".join(rows) + "\n", encoding="utf-8")
    for name, rows in (("en.tsv", zip(ar, en, strict=True)), ("ru.tsv", zip(ar, ru, strict=True))):
        (work / name).write_text("".join(f"{a}\t{b}\n" for a, b in list(rows)[:3]), "utf-8")
    shutil.copy(work / "tests" / "data" / "pairs.ar-en.tsv", work / "pairs.ar-en.tsv")
    seed = work / "seeds" / "lavrov-sahel-2025-04-03"
    for lang in ("ar", "en", "ru"):
        text = (seed.parent / f"{seed.name}.{lang}.txt").read_text(encoding="utf-8")
        (work / f"lavrov.{lang}.txt").write_text(text, encoding="utf-8")
        (work / f"a.{lang}.txt").write_text(text, encoding="utf-8")
        (work / f"a.{lang}.html").write_text(
            "<html><body>" + "".join(f"<p>{p}</p>" for p in text.split("\n\n")) +
            "</body></html>", encoding="utf-8")
    (work / "manifest.jsonl").write_text(json.dumps(
        {"id": "a1", "ar": "archive/a1.ar.txt", "en": "ref.en"}) + "\n", encoding="utf-8")
    (work / "eval" / "suites").mkdir(parents=True)
    shutil.copy(ROOT / "eval" / "suites" / "fixtures.toml", work / "eval" / "suites")
    for lang in ("en", "ru"):
        shutil.copytree(fixtures[lang], work / "models" / "fixtures" / f"overfit-ar-{lang}")


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

EXAMPLES: list[tuple[int | str, str]] = [*examples(), *help_examples()]


def _param(block: int | str, example: str) -> object:
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
    if "bench -m" in example and "--testset" not in example and \
            not (SHARED_DATA / "ntrex128").is_dir():
        marks.append(pytest.mark.skip(reason=NEEDS_NTREX + " (bench's default test set)"))
    label = f"{block}: " if isinstance(block, str) else ""
    return pytest.param(block, example, marks=marks, id=(label + example)[:90])


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
    commands = {m.group(1) for b, e in EXAMPLES if isinstance(b, int)
                for m in [re.search(r"tarjama (\w+)", e)] if m}
    assert {"translate", "segment", "models", "cache", "score", "align", "corpus",
            "bench"} <= commands
    assert len(EXAMPLES) >= 50


def test_every_command_with_help_examples_is_run():
    groups = {b for b, _ in EXAMPLES if isinstance(b, str)}
    assert {"help translate", "help corpus", "help models", "help score", "help align",
            "help bench", "help segment", "help cache"} <= groups


@pytest.mark.parametrize(("block", "example"), [_param(b, e) for b, e in EXAMPLES])
def test_readme_example_runs(block, example, template, folders):
    if block not in folders:
        folders[block] = template.parent / f"block-{block}".replace(" ", "-")
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
            command = command.replace(placeholder.format(**values), value.format(**values))
    env = {**os.environ, "PATH": f"{work / 'bin'}{os.pathsep}{os.environ['PATH']}",
           "PYTHONPATH": str(ROOT), "TARJAMA_MODELS": str(store),
           "TARJAMA_CACHE": str(template.parent / "cache.sqlite"), "HF_HUB_OFFLINE": "1",
           "TARJAMA_DATA": str(SHARED_DATA), "COLUMNS": "120"}
    done = subprocess.run(["bash", "-o", "pipefail", "-c", command], cwd=work, env=env,
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, f"$ {command}\n{done.stdout[-1500:]}\n{done.stderr[-3000:]}"
    assert (done.stdout + done.stderr).strip(), f"$ {command}: no output at all"
    for key, check in CHECKS.items():
        if key in example and isinstance(block, int):  # README's files, not the help's
            assert check(work, done), f"$ {command}\n{done.stdout[-1500:]}"
