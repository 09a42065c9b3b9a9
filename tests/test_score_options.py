"""`tarjama score` speaks sacrebleu's CLI: -tok, -lc, -l SRC-TGT, --chrf-*, --ter-*, -b, -w,
and the REF... -i HYP order. Every case is scored by sacrebleu's own command line too, and the
numbers must be the same."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from translate.cli import app

runner = CliRunner()

HYPS = {
    "en": ["The Minister said the talks would resume next week in Cairo .",
           "Russia Supports the alliance", "Lavrov met the ministers in Moscow."],
    "ru": ["Министр сказал, что переговоры возобновятся на следующей неделе в Каире.",
           "Россия Поддерживает союз", "Лавров встретился с министрами в Москве ."],
    "zh": ["部长说会谈将于下周在开罗恢复。", "俄罗斯支持联盟", "拉夫罗夫在莫斯科会见了部长们。"],
    "ar": ["قال الوزير إن المحادثات ستستأنف الأسبوع المقبل.", "روسيا تدعم التحالف",
           "التقى لافروف بالوزراء في موسكو"],
}
REFS = {
    "en": ["the minister said talks would resume next week in Cairo.",
           "Russia supports the alliance.", "Lavrov met ministers in Moscow."],
    "ru": ["министр сказал, что переговоры возобновятся на следующей неделе в Каире.",
           "Россия поддерживает союз.", "Лавров встретился с министрами в Москве."],
    "zh": ["部长表示会谈将于下周在开罗恢复。", "俄罗斯支持该联盟。",
           "拉夫罗夫在莫斯科会见了各位部长。"],
    "ar": ["وقال الوزير إن المحادثات ستستأنف الأسبوع القادم.", "روسيا تدعم التحالف.",
           "التقى لافروف الوزراء في موسكو."],
}

# (language, metric, options: the same spelling for tarjama and sacrebleu)
CASES = [
    ("en", "bleu", ["-lc"]),
    ("ru", "bleu", ["--lowercase"]),
    ("zh", "bleu", ["-l", "ar-zh"]),
    ("en", "bleu", ["-tok", "intl"]),
    ("ar", "chrf", ["--chrf-char-order", "4", "--chrf-beta", "1"]),
    ("ru", "chrf", ["--chrf-word-order", "2", "--chrf-lowercase"]),
    ("en", "chrf", ["--chrf-whitespace", "--chrf-eps-smoothing"]),
    ("en", "ter", ["--ter-case-sensitive", "--ter-no-punct"]),
    ("zh", "ter", ["--ter-asian-support", "--ter-normalized"]),
]
IDS = [f"{lang}-{metric}{''.join(o for o in opts if o.startswith('-'))}"
       for lang, metric, opts in CASES]


@pytest.fixture
def files(tmp_path: Path):
    def write(lang: str) -> tuple[str, str]:
        hyp, ref = tmp_path / f"hyp.{lang}", tmp_path / f"ref.{lang}"
        hyp.write_text("\n".join(HYPS[lang]) + "\n", encoding="utf-8")
        ref.write_text("\n".join(REFS[lang]) + "\n", encoding="utf-8")
        return str(hyp), str(ref)
    return write


def sacrebleu(ref: str, hyp: str, metric: str, options: list[str]) -> str:
    done = subprocess.run([sys.executable, "-m", "sacrebleu", ref, "-i", hyp, "-m", metric,
                           "-b", "-w", "4", "-f", "text", *options],
                          capture_output=True, text=True, check=True, timeout=120)
    return done.stdout.strip()


@pytest.mark.parametrize(("lang", "metric", "options"), CASES, ids=IDS)
def test_scores_equal_sacrebleus_cli(files, lang, metric, options):
    hyp, ref = files(lang)
    expected = sacrebleu(ref, hyp, metric, options)
    ours = runner.invoke(app, ["score", hyp, ref, "--metrics", metric, "-b", "-w", "4",
                               *options])
    assert ours.exit_code == 0, ours.output
    assert ours.stdout.strip() == expected
    # sacrebleu's order gives the same
    theirs = runner.invoke(app, ["score", ref, "-i", hyp, "--metrics", metric, "-b", "-w", "4",
                                 *options])
    assert theirs.stdout.strip() == expected


def test_the_options_show_in_the_signature(files):
    hyp, ref = files("zh")
    shown = runner.invoke(app, ["score", hyp, ref, "-l", "ar-zh", "-lc"]).stdout
    assert "tok:zh" in shown and "case:lc" in shown
    ru_hyp, ru_ref = files("ru")
    shown = runner.invoke(app, ["score", ru_hyp, ru_ref, "--metrics", "chrf",
                                "--chrf-word-order", "2"]).stdout
    assert "nw:2" in shown


@pytest.mark.parametrize(("args", "message"), [
    (["-i", "{hyp}"], "Missing argument"),
    (["{hyp}"], "no reference file"),
    (["{hyp}", "{ref}", "-l", "arzh"], "-l expects SRC-TGT"),
], ids=["no-ref", "hyp-alone", "bad-pair"])
def test_usage_errors_are_one_line(files, args, message):
    hyp, ref = files("ar")
    result = runner.invoke(app, ["score", *[a.format(hyp=hyp, ref=ref) for a in args]])
    assert result.exit_code == 2 and message in result.output


def test_width_and_score_only(files):
    hyp, ref = files("ar")
    wide = runner.invoke(app, ["score", hyp, ref, "-w", "3"]).stdout
    assert wide.startswith("BLEU = ") and len(wide.split()[2].split(".")[1]) == 3
    only = runner.invoke(app, ["score", hyp, ref, "-b", "-w", "1"]).stdout.split()
    assert len(only) == 2 and all(len(x.split(".")[1]) == 1 for x in only)
