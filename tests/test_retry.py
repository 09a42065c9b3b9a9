"""--retry-flagged: flagged segments are decoded again and the better one by the checks kept."""

from __future__ import annotations

from pathlib import Path

from translate.engines.hf import TransformersEngine
from translate.models.store import resolve
from translate.pipeline import make_plan, translate_articles
from translate.segment import segment_text
from translate.values import DecodeOptions, Hypothesis

ARTICLE = Path(__file__).parent / "data" / "article.ar.txt"


class _Looping(TransformersEngine):
    """A real fixture engine that loops on one input unless repetition controls are on, as
    opus-mt does on odd input; everything else is the model's own output."""

    def _generate(self, batch: list[str]) -> list[Hypothesis]:
        real = super()._generate(batch)
        if self.options.repetition_penalty > 1.0:
            return real
        return [Hypothesis("the the the the the the the the the", tokens=9)
                if "البورصة" in text else h for text, h in zip(batch, real, strict=True)]


def _run(fixture_models, retry: bool):
    engine = _Looping(resolve(str(fixture_models["en"])), "ar", "en", DecodeOptions())
    art = segment_text(ARTICLE.read_text(encoding="utf-8"))
    plan = make_plan(["en"], {"en": str(fixture_models["en"])})
    translate_articles([art], plan, {("ar", "en"): engine}, retry_flagged=retry)
    return {s.text: s.translations["en"] for s in art.sentences()}, art


def test_looping_segment_is_flagged_without_retry(fixture_models):
    by_text, _ = _run(fixture_models, retry=False)
    looped = next(t for s, t in by_text.items() if "البورصة" in s)
    assert looped.text.startswith("the the the")
    assert "repetition" in {f.check for f in looped.flags}


def test_retry_replaces_only_the_flagged_segment_with_a_better_one(fixture_models,
                                                                    fixture_pairs):
    by_text, art = _run(fixture_models, retry=True)
    expected = dict(fixture_pairs["en"])
    fixed = next(t for s, t in by_text.items() if "البورصة" in s)
    assert fixed.retry == "repetition-controls"
    assert "repetition" not in {f.check for f in fixed.flags}
    assert fixed.to_dict()["retry"] == "repetition-controls"
    others = [(s, t) for s, t in by_text.items() if "البورصة" not in s]
    assert all(t.retry is None and t.text == expected[s] for s, t in others)
    assert art.run.retried_segments == 1
    assert art.to_dict()["meta"]["retried_segments"] == 1
