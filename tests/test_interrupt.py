"""Ctrl-C: exit 130 within seconds, even while two languages decode side by side on
CTranslate2 (it waited ~54 s for the whole translation), with journal and cache consistent
and a rerun that finishes the work and gives exactly an uninterrupted run's files."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from translate.cache import TranslationCache
from translate.journal import JOURNAL_NAME
from translate.models.convert import ensure_converted
from translate.models.store import resolve

REPO = Path(__file__).resolve().parents[1]
SENTENCES = ("ارتفعت أسعار النفط بنسبة {} في المئة يوم الاثنين.",
             "قال وزير الخارجية إن المحادثات ستستأنف في القاهرة الجولة رقم {}.",
             "أعلنت وزارة الصحة تسجيل {} إصابة جديدة خلال الساعات الماضية.")
# Generous against the 2 s target: the machine running the tests may be loaded.
EXIT_WITHIN_S = 4.0


def _long_article(paragraphs: int) -> str:
    """Distinct sentences (numbers vary), so nothing is de-duplicated away."""
    return "\n\n".join(" ".join(SENTENCES[(p + i) % 3].format(p * 10 + i) for i in range(8))
                       for p in range(paragraphs)) + "\n"


def _run(args: list[str], env: dict[str, str]) -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, "-m", "translate", "translate", *args], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


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
    big.write_text(_long_article(100), encoding="utf-8")
    out = tmp_path / "out"
    # A wide beam in small batches: b decodes for ~10 s (2 cores), each batch in a fraction
    # of a second, so an exit that waited for the decoding would miss the bound by far.
    args = [str(small), str(big), "--to", ",".join(langs), "--backend", "ctranslate2", "-q",
            "--beam", "12", "--batch-size", "4",
            *(f"--model={lang}={path}" for lang, path in converted.items())]
    env = {**os.environ, "PYTHONPATH": str(REPO), "TARJAMA_CACHE": str(tmp_path / "c.sqlite")}

    run = _run([*args, "-o", str(out)], env)
    deadline = time.monotonic() + 300
    while not all((out / f"a.{lang}.txt").exists() for lang in langs):  # b is decoding now
        assert run.poll() is None and time.monotonic() < deadline, run.communicate()
        time.sleep(0.05)
    time.sleep(0.5)
    sent = time.monotonic()
    run.send_signal(signal.SIGINT)
    _, err = run.communicate(timeout=60)
    waited = time.monotonic() - sent
    assert run.returncode == 130, err
    assert err.strip().splitlines() == ["tarjama: error: interrupted"]
    assert waited < EXIT_WITHIN_S, f"exit 130 took {waited:.1f} s after SIGINT"
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
