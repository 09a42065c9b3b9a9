"""--n-best N and --with-scores (issue 24, decoding): each segment's N best hypotheses, best
first, with the model's score, from both backends alike; the translation stays the best one,
the cache is bypassed, and where the list has no place the request is a usage error."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from translate.article import Article, Block, Role, Sentence, Translation
from translate.cli import app
from translate.engines.base import check_nbest
from translate.errors import UsageError
from translate.render.lines import LinesTextRenderer
from translate.values import Candidate, DecodeOptions, Hypothesis, join_hypotheses, ranked

runner = CliRunner()
# Training pairs of the fixture models (tests/data/pairs.ar-en.tsv): their 1-best is known.
SOURCES = [
    "قال وزير الخارجية إن المحادثات ستستأنف الأسبوع المقبل في القاهرة.",
    "ارتفعت أسعار النفط بنسبة 3.5 في المئة يوم الاثنين.",
    "أعلنت وزارة الصحة تسجيل ١٢٥ إصابة جديدة خلال الساعات الـ٢٤ الماضية.",
]
BACKENDS = ["transformers", "ctranslate2"]


# -- options and rules (no model) ----------------------------------------------------------
@pytest.mark.parametrize(("change", "in_key"), [
    ({}, False),  # caches written before --n-best keep hitting
    ({"n_best": 3}, True),
    ({"with_scores": True}, True),
], ids=["default", "n-best", "with-scores"])
def test_the_decoding_key_names_nbest_only_when_asked(change, in_key):
    key = dataclasses.replace(DecodeOptions(), **change).decoding_key()
    assert ("n_best" in key or "with_scores" in key) is in_key
    assert dataclasses.replace(DecodeOptions(), **change).reports_nbest is in_key


@pytest.mark.parametrize(("options", "error"), [
    ({"n_best": 4, "beam": 4}, None),
    ({"n_best": 1, "beam": 1, "with_scores": True}, None),
    ({"n_best": 5, "beam": 4}, "raise --beam to 5"),
    ({"n_best": 0}, "1 or more"),
    # CTranslate2 samples num_hypotheses draws at beam 1: so do both backends
    ({"n_best": 5, "beam": 1, "sampling_topk": 0}, None),
], ids=["n-equals-beam", "scores-greedy", "n-over-beam", "zero", "sampling"])
def test_n_best_is_at_most_the_beam_unless_sampling(options, error):
    if error is None:
        check_nbest(DecodeOptions(**options))
    else:
        with pytest.raises(UsageError, match=error):
            check_nbest(DecodeOptions(**options))


def test_ranked_puts_the_best_first_and_the_text_is_its():
    hyps = [Hypothesis("ب"), Hypothesis("أ"), Hypothesis("ج")]
    best = ranked(hyps, [-0.5, -0.1, -0.9], with_scores=True)
    assert best.text == "أ"
    assert best.nbest == [Candidate("أ", -0.1), Candidate("ب", -0.5), Candidate("ج", -0.9)]
    assert ranked(hyps, [-0.5, -0.1, -0.9], with_scores=False).nbest[0] == Candidate("أ")


@pytest.mark.parametrize(("parts", "expected"), [
    ([Hypothesis("a", nbest=[Candidate("a", -0.1), Candidate("b", -0.2)])],
     [Candidate("a", -0.1), Candidate("b", -0.2)]),
    # pieces of one long input: their lists do not combine; the joined best, no score
    ([Hypothesis("a", nbest=[Candidate("a", -0.1)]), Hypothesis("b", nbest=[Candidate("b", -1)])],
     [Candidate("a b")]),
    ([Hypothesis("a"), Hypothesis("b")], []),
], ids=["one-piece", "pieces", "not-asked"])
def test_joined_pieces_keep_a_list_only_where_it_means_one(parts, expected):
    assert join_hypotheses(parts).nbest == expected


def _lines_article(translations: list[Translation | None]) -> Article:
    blocks = []
    for n, t in enumerate(translations):
        s = Sentence(f"p{n}.s1", "نص" if t else "")
        if t is not None:
            s.translations["en"] = t
        blocks.append(Block(f"p{n}", Role.PARAGRAPH, s.text, [s] if t else []))
    return Article(blocks)


def test_lines_text_is_marian_decoders_nbest_format():
    article = _lines_article([
        Translation("a", nbest=[Candidate("a", -0.1), Candidate("a  b", -0.25)]),
        None,  # a blank line: one empty entry keeps every id
        Translation("", error="boom"),
    ])
    assert LinesTextRenderer().render(article, ["en"])["en"] == (
        "0 ||| a ||| -0.100000\n0 ||| a b ||| -0.250000\n1 ||| \n2 ||| \n")
    plain = _lines_article([Translation("a"), None])
    assert LinesTextRenderer().render(plain, ["en"])["en"] == "a\n\n"  # unchanged without


@pytest.mark.parametrize(("args", "message"), [
    (["--n-best", "5", "-f", "json"], "--n-best 5 needs a beam that wide: raise --beam to 5"),
    (["--n-best", "3", "--beam", "2", "--lines", "-f", "json"], "raise --beam to 3"),
    (["--n-best", "2"], "--n-best is written by -f json (or --lines text), not -f text"),
    (["--with-scores", "-f", "html"], "--with-scores is written by -f json"),
    (["--n-best", "0"], "--n-best"),
], ids=["over-beam", "over-beam-lines", "article-text", "html", "zero"])
def test_usage_errors_are_one_line_and_exit_2(tmp_path, args, message):
    # refused before any model is resolved: the model folder need not exist
    result = runner.invoke(app, ["translate", "--text", SOURCES[0], "-m",
                                 f"en={tmp_path / 'none'}", "-q", *args])
    assert result.exit_code == 2, result.output
    assert message in result.output
    if "0" not in args:  # click's own range message is its own
        assert len(result.output.strip().splitlines()) == 1, result.output


# -- both backends on the fixture model ----------------------------------------------------
def _engine(backend: str, model: Path, **options: object):
    from translate.engines.ct2 import Ct2Options, CTranslate2Engine
    from translate.engines.hf import TransformersEngine
    from translate.models.store import resolve

    if backend == "ctranslate2":  # float32: int8 moves scores by ~1e-2
        return CTranslate2Engine(resolve(str(model)), "ar", "en", DecodeOptions(**options),
                                 Ct2Options(compute_type="float32"))
    return TransformersEngine(resolve(str(model)), "ar", "en", DecodeOptions(**options))


@pytest.mark.parametrize("backend", BACKENDS)
def test_n_distinct_hypotheses_best_first_the_first_the_translation(fixture_models, backend):
    plain = _engine(backend, fixture_models["en"]).translate(SOURCES)
    hyps = _engine(backend, fixture_models["en"], n_best=3,
                   with_scores=True).translate_detailed(SOURCES)
    for hyp, text in zip(hyps, plain, strict=True):
        texts = [c.text for c in hyp.nbest]
        scores = [c.score for c in hyp.nbest]
        assert len(set(texts)) == 3, texts
        assert texts[0] == hyp.text == text
        assert all(s is not None and s < 0 for s in scores)
        assert scores == sorted(scores, reverse=True)  # type: ignore[type-var]


@pytest.mark.parametrize("options", [{"n_best": 3}, {"beam": 1}, {"length_penalty": 0.0}],
                         ids=["beam", "greedy", "no-length-normalisation"])
def test_the_backends_agree_on_the_scores(fixture_models, options):
    """Both report log-probability (end token included) / length ** length_penalty."""
    decoded = {b: _engine(b, fixture_models["en"], with_scores=True, **options)
               .translate_detailed(SOURCES) for b in BACKENDS}
    for hf, ct2 in zip(decoded["transformers"], decoded["ctranslate2"], strict=True):
        assert hf.text == ct2.text
        ct2_scores = {c.text: c.score for c in ct2.nbest}
        assert ct2_scores[hf.text] == pytest.approx(hf.nbest[0].score, abs=2e-3)
        for c in hf.nbest:  # a hypothesis both found scores alike
            if c.text in ct2_scores:
                assert ct2_scores[c.text] == pytest.approx(c.score, abs=2e-3)


@pytest.mark.parametrize("backend", BACKENDS)
def test_sampling_gives_n_draws_ranked_by_score(fixture_models, backend):
    hyp = _engine(backend, fixture_models["en"], n_best=4, with_scores=True, sampling_topk=0,
                  sampling_temperature=3.0, seed=1).translate_detailed(SOURCES[:1])[0]
    scores = [c.score for c in hyp.nbest]
    assert len(scores) == 4 and scores == sorted(scores, reverse=True)  # type: ignore[type-var]
    assert hyp.text == hyp.nbest[0].text


def test_nbest_runs_neither_read_nor_write_the_cache(fixture_models, tmp_path):
    from translate.cache import TranslationCache

    with TranslationCache(tmp_path / "c.sqlite") as cache:
        plain = _engine("transformers", fixture_models["en"])
        plain.cache = cache
        plain.translate(SOURCES[:2])
        entries = cache.stats().entries
        nbest = _engine("transformers", fixture_models["en"], n_best=2)
        nbest.cache = cache
        hyps = nbest.translate_detailed(SOURCES[:2])
        assert nbest.stats.cache_hits == 0 and all(len(h.nbest) == 2 for h in hyps)
        assert cache.stats().entries == entries  # nothing written
        again = _engine("transformers", fixture_models["en"])
        again.cache = cache
        again.translate(SOURCES[:2])
        assert again.stats.cache_hits == 2  # the plain run's entries still hit


# -- the JSON of both modes ----------------------------------------------------------------
@pytest.mark.parametrize("backend", BACKENDS)
def test_json_of_lines_and_article_carry_the_list(fixture_models, tmp_path, backend):
    src = tmp_path / "src.ar"
    src.write_text("\n".join(SOURCES) + "\n", encoding="utf-8")
    common = ["-m", f"en={fixture_models['en']}", "--backend", backend, "-q", "--n-best", "2",
              "--with-scores", "-f", "json"]
    lines = runner.invoke(app, ["translate", "--lines", str(src), *common])
    assert lines.exit_code == 0, lines.output
    rows = [json.loads(line)["translations"]["en"] for line in lines.stdout.splitlines()]
    article = runner.invoke(app, ["translate", "--text", " ".join(SOURCES), *common])
    assert article.exit_code == 0, article.output
    sentences = [s["translations"]["en"] for b in json.loads(article.stdout)["blocks"]
                 for s in b["sentences"]]
    for tr in (*rows, *sentences):
        assert set(tr) >= {"text", "score", "nbest"}
        assert [set(c) for c in tr["nbest"]] == [{"text", "score"}] * 2
        assert tr["nbest"][0] == {"text": tr["text"], "score": tr["score"]}
        assert tr["nbest"][0]["score"] >= tr["nbest"][1]["score"]
    assert [r["text"] for r in rows] == [s["text"] for s in sentences]
