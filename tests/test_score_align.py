"""`tarjama score --align`: article-level scoring through the sentence aligner."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from align_cases import EN as ALIGN_EN
from align_cases import RU as ALIGN_RU
from typer.testing import CliRunner

from translate.align.articles import align_articles
from translate.cli import app
from translate.errors import InputError
from translate.score import score_corpus

# The first five sentences of the aligner's test bank, in English and Russian.
EN, RU = ALIGN_EN[:5], ALIGN_RU[:5]


def _article(paragraphs: list[list[str]]) -> str:
    return "\n\n".join(" ".join(p) for p in paragraphs) + "\n"


@pytest.mark.parametrize("bank", [EN, RU], ids=["en", "ru"])
def test_reparagraphed_identical_text_scores_100(bank):
    """Same sentences, different paragraphs: every sentence aligns 1-1, BLEU 100."""
    hyp = _article([bank[:2], bank[2:]])
    ref = _article([bank[:1], bank[1:4], bank[4:]])
    units = align_articles(hyp, ref)
    assert units.hyps == bank and units.refs == bank
    assert score_corpus(units.hyps, [units.refs], ["bleu"])[0].score == pytest.approx(100.0)


@pytest.mark.parametrize("bank", [EN, RU], ids=["en", "ru"])
def test_omitted_sentence_is_scored_against_empty_text(bank):
    hyp = _article([bank[:2], bank[3:]])  # the hypothesis drops sentence 2
    ref = _article([bank])
    units = align_articles(hyp, ref)
    assert (units.ref_only, units.hyp_only) == (1, 0)
    assert [(b.src, b.tgt) for b in units.beads if not b.src] == [((), (2,))]
    assert ("", bank[2]) in list(zip(units.hyps, units.refs, strict=True))
    full = score_corpus(bank, [bank], ["bleu", "chrf"])
    omitted = score_corpus(units.hyps, [units.refs], ["bleu", "chrf"])
    assert all(o.score < f.score for o, f in zip(omitted, full, strict=True))


def test_split_sentence_becomes_one_unit():
    """The reference says in two sentences what the hypothesis says in one: one 1-2 unit."""
    hyp = _article([[EN[0], "The president opened a new hospital in the capital and the "
                     "national team won the final match three goals to one.", EN[3]]])
    ref = _article([EN[:4]])
    units = align_articles(hyp, ref)
    assert [(b.src, b.tgt) for b in units.beads] == [((0,), (0,)), ((1,), (1, 2)),
                                                      ((2,), (3,))]
    assert units.refs[1] == f"{EN[1]} {EN[2]}"


def test_empty_article_is_an_input_error():
    with pytest.raises(InputError):
        align_articles("   \n", _article([EN]))


@pytest.fixture
def articles(tmp_path: Path) -> tuple[str, str]:
    hyp, ref = tmp_path / "hyp.txt", tmp_path / "ref.txt"
    hyp.write_text(_article([EN[:2], EN[3:]]), encoding="utf-8")
    ref.write_text(_article([EN[:3], EN[3:]]), encoding="utf-8")
    return str(hyp), str(ref)


def test_cli_align_json(articles):
    r = CliRunner().invoke(app, ["score", "--align", *articles, "--format", "json"])
    assert r.exit_code == 0, r.output
    out = json.loads(r.output)
    assert out["alignment"]["units"] == 5 and out["alignment"]["reference_only"] == 1
    assert out["lines"] == 5
    assert out["scores"][0]["name"] == "BLEU" and out["scores"][0]["score"] < 100


def test_cli_align_text_names_the_omissions(articles):
    r = CliRunner().invoke(app, ["score", "--align", *articles])
    assert r.exit_code == 0, r.output
    assert "1 reference-only" in r.output and "BLEU =" in r.output


def test_cli_align_refuses_several_references(articles):
    r = CliRunner().invoke(app, ["score", "--align", articles[0], articles[1], articles[1]])
    assert r.exit_code == 2
    assert "one reference" in r.output
