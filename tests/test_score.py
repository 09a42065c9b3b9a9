"""`tarjama score` and translate.score: refusals, signatures, sentence scores, significance."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import Result
from typer.testing import CliRunner

from translate.cli import app
from translate.errors import InputError, UsageError
from translate.score import compare_systems, score_corpus, score_sentences

REF_EN = [
    "Lavrov holds talks in Moscow with the foreign ministers of the Sahel alliance",
    "On 6 September 2023, the three countries formally established the Alliance of Sahel States.",
    "Russia has expressed strong support for this step.",
    "The meeting is an important step in strengthening cooperation.",
]
HYP_EN = [
    "Lavrov holds talks in Moscow with foreign ministers of the Sahel alliance",
    "On 6 September 2023, the three countries officially founded the Alliance of Sahel States.",
    "Russia expressed its strong support for the step.",
    "Meeting important step strengthening.",
]
REF_RU = [
    "Лавров проводит переговоры в Москве с министрами иностранных дел стран Сахеля",
    "6 сентября 2023 года три страны официально создали Альянс государств Сахеля.",
    "Россия решительно поддержала этот шаг.",
    "Встреча стала важным шагом в укреплении сотрудничества.",
]


@pytest.fixture
def files(tmp_path: Path) -> dict[str, str]:
    def write(name: str, lines: list[str]) -> str:
        p = tmp_path / name
        p.write_text("\n".join(lines) + "\n", encoding="utf-8")
        return str(p)

    return {"ref": write("ref.en.txt", REF_EN), "hyp": write("hyp.en.txt", HYP_EN),
            "same": write("same.en.txt", REF_EN), "short": write("short.en.txt", HYP_EN[:3]),
            "ru": write("ref.ru.txt", REF_RU), "empty": write("empty.txt", [])}


def invoke(*args: str) -> Result:
    return CliRunner().invoke(app, ["score", *args])


# --- library -----------------------------------------------------------------------------


def test_identical_streams_score_100_with_signatures() -> None:
    scores = score_corpus(REF_EN, [REF_EN], metrics=("bleu", "chrf", "chrf++", "ter"))
    by_name = {s.name: s for s in scores}
    assert set(by_name) == {"BLEU", "chrF2", "chrF2++", "TER"}
    assert by_name["BLEU"].score == pytest.approx(100)
    assert by_name["chrF2"].score == pytest.approx(100)
    assert by_name["TER"].score == pytest.approx(0)
    assert "tok:13a" in by_name["BLEU"].signature and "version:" in by_name["BLEU"].signature
    assert "nw:2" in by_name["chrF2++"].signature


@pytest.mark.parametrize(("hyps", "refs"), [(HYP_EN[:3], [REF_EN[:2]]), (HYP_EN, [REF_EN[:3]])],
                         ids=["3-hyps-2-refs", "4-hyps-3-refs"])
def test_length_mismatch_refused_not_truncated(hyps: list[str], refs: list[list[str]]) -> None:
    # sacrebleu's own API would zip these and score the common prefix
    with pytest.raises(UsageError, match=rf"{len(hyps)} lines in hyp.txt but {len(refs[0])}"):
        score_corpus(hyps, refs, hyp_name="hyp.txt", ref_names=["ref.txt"])


def test_unknown_metric_and_tokenizer() -> None:
    with pytest.raises(UsageError, match="meteor"):
        score_corpus(HYP_EN, [REF_EN], metrics=("meteor",))
    with pytest.raises(UsageError, match="moses"):
        score_corpus(HYP_EN, [REF_EN], tokenize="moses")


def test_sentences_worst_first() -> None:
    rows, sigs = score_sentences(HYP_EN, [REF_EN])
    assert rows[0].line == 4  # the mangled line
    assert [r.bleu for r in rows] == sorted(r.bleu for r in rows)
    assert "eff:yes" in sigs["BLEU"]


def test_confidence_interval() -> None:
    (bleu,) = score_corpus(HYP_EN, [REF_EN], metrics=("bleu",), confidence=True)
    assert bleu.ci is not None and bleu.ci > 0 and bleu.mean is not None
    assert "bs:1000" in bleu.signature


def test_compare_systems_p_values() -> None:
    systems = [("base", HYP_EN), ("oracle", REF_EN), ("copy", list(HYP_EN))]
    result = compare_systems(systems, [REF_EN], metrics=("bleu",), bootstrap_samples=200,
                             ar_trials=500)
    base, oracle, copy = result.systems
    assert base.baseline and base.scores["BLEU"]["p_ar"] is None
    assert 0 < oracle.scores["BLEU"]["p_bootstrap"] <= 1
    assert 0 < oracle.scores["BLEU"]["p_ar"] <= 1
    assert copy.scores["BLEU"]["p_ar"] == 1.0  # no difference is never "significant"
    assert "bs:200" in result.signatures["BLEU"]["bootstrap"]
    assert "ar:500" in result.signatures["BLEU"]["ar"]


# --- CLI ---------------------------------------------------------------------------------


def test_cli_prints_scores_with_signatures(files: dict[str, str]) -> None:
    r = invoke(files["same"], files["ref"], "--metrics", "bleu,chrf,chrf++,ter")
    assert r.exit_code == 0, r.output
    assert "BLEU = 100.00" in r.output
    for sig in ("tok:13a", "nw:2", "tok:tercom", "version:"):
        assert sig in r.output


def test_cli_length_mismatch_exit_2(files: dict[str, str]) -> None:
    r = invoke(files["short"], files["ref"])
    assert r.exit_code == 2
    assert "3 lines in" in r.output and "but 4 in" in r.output
    assert "short.en.txt" in r.output and "ref.en.txt" in r.output


def test_cli_empty_file_exit_2(files: dict[str, str]) -> None:
    r = invoke(files["empty"], files["ref"])
    assert r.exit_code == 2
    assert "empty.txt" in r.output and "empty" in r.output


def test_cli_undecodable_bytes_exit_2_with_offset(files: dict[str, str], tmp_path: Path) -> None:
    bad = tmp_path / "bad.txt"
    bad.write_bytes("Лавров\n".encode() + b"\xff\xfe broken\n")
    r = invoke(files["hyp"], str(bad))
    assert r.exit_code == 2
    assert "bad.txt" in r.output and "byte offset 13" in r.output


def test_cli_sentence_lists_worst_first(files: dict[str, str]) -> None:
    r = invoke(files["hyp"], files["ref"], "--sentence")
    assert r.exit_code == 0, r.output
    listed = [ln for ln in r.output.splitlines() if ln.strip() and ln.split()[0].isdigit()]
    assert listed[0].split()[0] == "4"
    bleus = [float(ln.split()[1]) for ln in listed]
    assert bleus == sorted(bleus)


def test_cli_confidence_shows_ci(files: dict[str, str]) -> None:
    r = invoke(files["hyp"], files["ref"], "--confidence")
    assert r.exit_code == 0, r.output
    assert "95% CI" in r.output and "±" in r.output and "bs:1000" in r.output


def test_cli_systems_table_with_p_values(files: dict[str, str]) -> None:
    r = invoke(files["hyp"], files["ref"], "--system", f"oracle={files['same']}",
               "--metrics", "bleu")
    assert r.exit_code == 0, r.output
    assert "oracle" in r.output and "(baseline)" in r.output
    assert "p (bootstrap)" in r.output and "p (AR)" in r.output
    assert "ar:10000" in r.output


def test_cli_json_carries_everything(files: dict[str, str]) -> None:
    r = invoke(files["hyp"], files["ref"], "--format", "json", "--sentence", "--confidence",
               "--metrics", "bleu,chrf++")
    assert r.exit_code == 0, r.output
    data = json.loads(r.output)
    assert [s["name"] for s in data["scores"]] == ["BLEU", "chrF2++"]
    assert all(s["signature"] and s["ci"] is not None for s in data["scores"])
    assert len(data["sentences"]) == 4 and data["sentences"][0]["line"] == 4


def test_cli_multiple_references(files: dict[str, str]) -> None:
    r = invoke(files["same"], files["hyp"], files["ref"], "--metrics", "bleu")
    assert r.exit_code == 0, r.output
    assert "BLEU = 100.00" in r.output and "nrefs:2" in r.output


def test_cli_russian_reference_chrf(files: dict[str, str]) -> None:
    r = invoke(files["ru"], files["ru"], "--metrics", "chrf", "--tokenize", "intl")
    assert r.exit_code == 0, r.output
    assert "chrF2 = 100.00" in r.output


@pytest.mark.parametrize("args", [["--metrics", "bleu,meteor"], ["--tokenize", "moses"],
                                  ["--format", "xml"], ["--align", "--system", "b=x.txt"],
                                  ["--system", "noequals"]],
                         ids=["metric", "tokenizer", "format", "align", "system"])
def test_cli_usage_errors_exit_2(files: dict[str, str], args: list[str]) -> None:
    r = invoke(files["hyp"], files["ref"], *args)
    assert r.exit_code == 2
    assert "tarjama: error:" in r.output


# --align (article-level scoring through the aligner): tests/test_score_align.py


def test_library_empty_stream_is_input_error() -> None:
    with pytest.raises(InputError):
        score_corpus([], [[]])


def test_confidence_for_a_system_that_sometimes_matches_nothing():
    """sacrebleu mixes 0.0 and numpy float32 across bootstrap samples: must not crash."""
    from translate.score import score_corpus

    hyps = ["xq zv", "the cat sat", "ww yy", "kk"]
    refs = [["Лавров встретился", "the cat sat on the mat", "Россия", "министр"]]
    scores = score_corpus(hyps, refs, ["bleu", "chrf", "chrf++"], confidence=True)
    assert all(0 <= s.score < 100 and s.ci is not None for s in scores)
