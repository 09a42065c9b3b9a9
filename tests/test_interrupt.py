"""Ctrl-C: exit 130 at once, even while two languages decode side by side on CTranslate2 (it
waited ~54 s for the whole translation), with journal and cache consistent and a rerun that
finishes the work and gives exactly an uninterrupted run's files.

No clock: the child pauses one decoding thread for good in the middle of the second article
(tests/pause_kit.py), the other keeps decoding, and SIGINT goes out once the pause is reached.
An exit that waited for the decoding threads would never come (the test's hang guard fails)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pause_kit

from translate.cache import TranslationCache
from translate.journal import JOURNAL_NAME
from translate.models.convert import ensure_converted
from translate.models.store import resolve

REPO = Path(__file__).resolve().parents[1]
SENTENCES = ("ارتفعت أسعار النفط بنسبة {} في المئة يوم الاثنين.",
             "قال وزير الخارجية إن المحادثات ستستأنف في القاهرة الجولة رقم {}.",
             "أعلنت وزارة الصحة تسجيل {} إصابة جديدة خلال الساعات الماضية.")
PAUSE_AT = "translate.engines.ct2:CTranslate2Engine._generate"


def _long_article(paragraphs: int) -> str:
    """Distinct sentences (numbers vary), so nothing is de-duplicated away."""
    return "\n\n".join(" ".join(SENTENCES[(p + i) % 3].format(p * 10 + i) for i in range(8))
                       for p in range(paragraphs)) + "\n"


def _run(args: list[str], env: dict[str, str], marker: Path | None = None
         ) -> subprocess.Popen[str]:
    """`tarjama translate ARGS`; with ``marker``, paused in b's first batch (see above)."""
    argv = pause_kit.command(marker, PAUSE_AT, ["translate", *args],
                             needle=SENTENCES[1].format("")[:20]) if marker else \
        [sys.executable, "-m", "translate", "translate", *args]
    return subprocess.Popen(argv, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True)


def _files(directory: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(directory.iterdir())
            if not p.name.startswith(".")}


def test_ctrl_c_with_two_languages_exits_130_at_once_and_a_rerun_finishes(tmp_path,
                                                                           fixture_models):
    langs = ("en", "ru")  # decoded side by side, one thread each (pipeline._side_by_side)
    converted = {lang: ensure_converted(resolve(str(fixture_models[lang]))) for lang in langs}
    small, big = tmp_path / "in" / "a.ar.txt", tmp_path / "in" / "b.ar.txt"
    small.parent.mkdir()
    small.write_text(SENTENCES[0].format(1) + "\n", encoding="utf-8")
    big.write_text(_long_article(20), encoding="utf-8")
    out = tmp_path / "out"
    # Small batches: b is many of them, so the other leg is still decoding when SIGINT comes.
    args = [str(small), str(big), "--to", ",".join(langs), "--backend", "ctranslate2", "-q",
            "--batch-size", "4",
            *(f"--model={lang}={path}" for lang, path in converted.items())]
    env = {**os.environ, "PYTHONPATH": str(REPO), "TARJAMA_CACHE": str(tmp_path / "c.sqlite")}

    # Paused in b's first batch in one of the two decoding threads: a is written by then (one
    # article after the other), the other leg is decoding b, this one never returns.
    marker = tmp_path / "paused"
    run = _run([*args, "-o", str(out)], env, marker)
    pause_kit.wait_for(marker, run)
    run.send_signal(signal.SIGINT)
    _, err = run.communicate(timeout=120)  # a hang guard: an exit that waits never comes
    assert run.returncode == 130, err
    assert err.strip().splitlines() == ["tarjama: error: interrupted"]
    assert sorted(_files(out)) == [f"a.{lang}.txt" for lang in langs]  # b was cut short
    with TranslationCache(tmp_path / "c.sqlite"):  # opens and passes quick_check
        pass
    assert (out / JOURNAL_NAME).is_file()

    rerun = _run([*args, "-o", str(out)], env)
    _, err = rerun.communicate(timeout=600)
    assert rerun.returncode == 0 and "1 article(s) already done" in err, err
    reference = _run([*args, "-o", str(tmp_path / "ref"), "--no-cache"], env)
    _, err = reference.communicate(timeout=600)
    assert reference.returncode == 0, err
    assert _files(out) == _files(tmp_path / "ref")


def test_ctrl_c_that_lands_in_a_decoding_thread_still_ends_the_run(tmp_path, fixture_models):
    """The kernel may hand SIGINT to any thread; Python runs the handler in the main thread,
    but only once it runs again, and a main thread blocked on a leg's result never did: the run
    hung (a full test run once waited out this file's 120 s guard). Here the paused decoding
    thread sends the SIGINT to itself."""
    langs = ("en", "ru")
    converted = {lang: ensure_converted(resolve(str(fixture_models[lang]))) for lang in langs}
    article = tmp_path / "b.ar.txt"
    article.write_text(_long_article(4), encoding="utf-8")
    marker = tmp_path / "paused"
    argv = pause_kit.command(marker, PAUSE_AT, [
        "translate", str(article), "--to", "en,ru", "--backend", "ctranslate2", "-q",
        "--batch-size", "4", "-o", str(tmp_path / "out"),
        *(f"--model={lang}={path}" for lang, path in converted.items())],
        needle=SENTENCES[1].format("")[:20], sigint_here=True)
    env = {**os.environ, "PYTHONPATH": str(REPO), "TARJAMA_CACHE": str(tmp_path / "c.sqlite")}
    run = subprocess.Popen(argv, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                           text=True)
    _, err = run.communicate(timeout=120)  # a hang guard: the bug never exits
    assert run.returncode == 130, err
    assert err.strip().splitlines() == ["tarjama: error: interrupted"]
    assert marker.exists()
