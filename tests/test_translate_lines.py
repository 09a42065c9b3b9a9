"""`tarjama translate --lines`: one segment a line in, exactly one line out per line in.

The overfit fixture models reproduce their training pairs exactly, so a translated line can be
compared with its reference; the pipe into `tarjama score` must give BLEU 100.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from translate.cli import app
from translate.segment import segment_lines

ROOT = Path(__file__).resolve().parents[1]
runner = CliRunner()
PAIRS = [line.split("\t") for line in
         (ROOT / "tests" / "data" / "pairs.ar-en.tsv").read_text(encoding="utf-8").splitlines()]
AR = [a for a, _ in PAIRS]
EN = [e for _, e in PAIRS]


def run(args: list[str], data: str, models: dict[str, Path], *langs: str) -> object:
    model_args = [f"--model={lang}={models[lang]}" for lang in langs or ("en",)]
    return runner.invoke(app, ["translate", "--lines", *args, *model_args, "--backend",
                               "transformers"], input=data)


@pytest.mark.parametrize(("lines", "expected"), [
    ([AR[0], AR[1], AR[2]], [EN[0], EN[1], EN[2]]),
    ([AR[0], "", AR[1], "   ", "", AR[2]], [EN[0], "", EN[1], "", "", EN[2]]),
    (["", "", AR[3]], ["", "", EN[3]]),
    ([AR[4] + "\r", AR[5] + "\r"], [EN[4], EN[5]]),
    ([f"\u200f{AR[6]}\u200e", f"  {AR[7]}  "], [EN[6], EN[7]]),
], ids=["plain", "blank-lines-kept", "leading-blank-lines", "crlf", "bidi-marks-and-spaces"])
def test_one_line_out_per_line_in(fixture_models, lines, expected):
    result = run(["-", "--to", "en", "-q"], "\n".join(lines) + "\n", fixture_models)
    assert result.exit_code == 0, result.output
    assert result.stdout.split("\n")[:-1] == expected


@pytest.mark.parametrize("inside", ["\u2028", "\u0085", "\f", "\v"],
                         ids=["line-separator", "nel", "form-feed", "vertical-tab"])
def test_a_line_break_inside_a_line_stays_one_line(fixture_models, inside):
    data = f"{AR[0]}{inside}{AR[1]}\n{AR[2]}\n"
    result = run(["-", "-q"], data, fixture_models)
    assert result.exit_code == 0, result.output
    out = result.stdout.split("\n")[:-1]
    assert len(out) == 2 and out[0] and out[1] == EN[2]


def test_no_trailing_newline_and_empty_input(fixture_models):
    result = run(["-", "-q"], f"{AR[0]}\n{AR[1]}", fixture_models)
    assert result.exit_code == 0 and result.stdout == f"{EN[0]}\n{EN[1]}\n"
    empty = run(["-", "-q"], "", fixture_models)
    assert empty.exit_code == 0 and empty.stdout == ""


def test_a_long_line_is_chunked_and_joined_never_truncated(fixture_models):
    line = f"{AR[0]} {AR[1]}"
    result = run(["-", "--max-tokens", "40", "-q"], line + "\n", fixture_models)
    assert result.exit_code == 0, result.output
    assert result.stdout == f"{EN[0]} {EN[1]}\n"
    words = len(AR[0].split()) + len(AR[1].split())
    article = segment_lines([line], max_tokens=words - 1, count_tokens=lambda s: len(s.split()))
    chunks = article.blocks[0].sentences[0].chunks
    assert [c.text for c in chunks] == [AR[0], AR[1]]  # cut at the sentence end


def test_a_failed_line_is_empty_and_reported_the_count_holds(fixture_models, monkeypatch):
    from translate.engines.hf import TransformersEngine

    generate = TransformersEngine._generate

    def failing(self, batch):
        if any("القاهرة" in text for text in batch):  # AR[0] names Cairo
            raise RuntimeError("decoder exploded")
        return generate(self, batch)

    monkeypatch.setattr(TransformersEngine, "_generate", failing)
    result = run(["-", "--no-cache"], f"{AR[1]}\n{AR[0]}\n{AR[2]}\n", fixture_models)
    assert result.exit_code == 0, result.output
    assert result.stdout == f"{EN[1]}\n\n{EN[2]}\n"
    assert "stdin line 2 (en) not translated: RuntimeError: decoder exploded" in result.stderr
    assert "en: 0 of 3 lines flagged, 1 not translated" in result.stderr
    strict = run(["-", "--no-cache", "--strict"], f"{AR[1]}\n{AR[0]}\n", fixture_models)
    assert strict.exit_code == 1 and "1 segment(s) failed (--strict)" in strict.stderr


def test_flagged_lines_are_named_on_stderr(fixture_models):
    result = run(["-"], "\n".join(AR) + "\n", fixture_models)
    assert result.exit_code == 0, result.output
    summary = [ln for ln in result.stderr.splitlines() if ln.startswith("tarjama: en:")]
    assert len(summary) == 1 and summary[0].startswith(f"tarjama: en: 1 of {len(AR)} lines")
    assert summary[0].endswith("(length 1): line 15")
    verbose = run(["-", "--verbose"], "\n".join(AR) + "\n", fixture_models)
    assert "stdin line 15 (en) length: translation too long" in verbose.stderr
    quiet = run(["-", "-q"], "\n".join(AR) + "\n", fixture_models)
    assert quiet.stderr == ""


def test_two_languages_go_to_a_folder(fixture_models, tmp_path):
    src = tmp_path / "test.ar"
    src.write_text(f"{AR[0]}\n\n{AR[1]}\n", encoding="utf-8")
    result = run([str(src), "-o", str(tmp_path / "hyps"), "-q"], "", fixture_models, "en", "ru")
    assert result.exit_code == 0, result.output
    en = (tmp_path / "hyps" / "test.en").read_text(encoding="utf-8")
    ru = (tmp_path / "hyps" / "test.ru").read_text(encoding="utf-8")
    assert en == f"{EN[0]}\n\n{EN[1]}\n" and ru.count("\n") == 3 and ru.split("\n")[1] == ""
    no_dir = run([str(src)], "", fixture_models, "en", "ru")
    assert no_dir.exit_code == 2 and "needs -o DIR" in no_dir.output


def test_json_lines_carry_flags_and_errors(fixture_models):
    result = run(["-", "-f", "json", "-q"], f"{AR[0]}\n\n{AR[14]}\n", fixture_models)
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert [r["line"] for r in rows] == [1, 2, 3]
    assert rows[0]["translations"]["en"] == {"text": EN[0]}
    assert rows[1]["translations"] == {}
    assert rows[2]["translations"]["en"]["flags"][0]["check"] == "length"


@pytest.mark.parametrize("fmt", ["markdown", "html"])
def test_lines_refuses_article_formats(fmt):
    result = runner.invoke(app, ["translate", "--lines", "-", "-f", fmt], input="x\n")
    assert result.exit_code == 2 and "--lines writes text or json" in result.output


def test_cat_translate_lines_into_score_gives_bleu_100(fixture_models, tmp_path):
    """The pipe of issue 13: cat src.ar | tarjama translate --lines --to en | tarjama score -"""
    (tmp_path / "src.ar").write_text("\n".join(AR) + "\n", encoding="utf-8")
    (tmp_path / "ref.en").write_text("\n".join(EN) + "\n", encoding="utf-8")
    tarjama = f"{sys.executable} -m translate"
    pipe = (f"cat src.ar | {tarjama} translate --lines - --to en --model en={fixture_models['en']}"
            f" --backend transformers -q | {tarjama} score - ref.en")
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run(["bash", "-o", "pipefail", "-c", pipe], cwd=tmp_path, env=env,
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("BLEU = 100.00 100.0/100.0/100.0/100.0 (BP = 1.000 ratio = "
                                  "1.000"), done.stdout


def test_piped_text_needs_no_dash(fixture_models):
    """`cat src.ar | tarjama translate --lines --to en | tarjama score - ref.en`: a filter, like
    marian-decoder, reads standard input when no file is given."""
    result = runner.invoke(app, ["translate", "--lines", "--to", "en", "-q",
                                 f"--model=en={fixture_models['en']}", "--backend",
                                 "transformers"], input="\n".join(AR[:3]) + "\n")
    assert result.exit_code == 0, result.output
    assert result.stdout.split("\n")[:-1] == EN[:3]


@pytest.mark.parametrize(("given", "tty", "expected"), [
    (["a.ar"], True, ["a.ar"]),
    (["a.ar", "-"], False, ["a.ar", "-"]),
    (None, False, ["-"]),
    ([], False, ["-"]),
], ids=["file-at-a-terminal", "files-given", "piped", "piped-empty-list"])
def test_inputs_or_stdin(monkeypatch, given, tty, expected):
    from translate.cli.options import inputs_or_stdin

    monkeypatch.setattr(sys, "stdin", type("In", (), {"isatty": lambda self: tty})())
    assert inputs_or_stdin(given, "an ARTICLE") == expected


def test_no_input_at_a_terminal_is_a_usage_error(monkeypatch):
    """Nothing given and nothing piped: waiting on a terminal would look like a hang."""
    from translate.cli.options import inputs_or_stdin
    from translate.errors import UsageError

    monkeypatch.setattr(sys, "stdin", type("In", (), {"isatty": lambda self: True})())
    with pytest.raises(UsageError, match="give an ARTICLE, or -"):
        inputs_or_stdin(None, "an ARTICLE")
