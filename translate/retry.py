"""``--retry-flagged``: a second chance for segments the QA checks flagged.

Each flagged segment is decoded again twice — once with repetition controls (opus-mt's looping
failure), once cut into shorter pieces at clause marks (odd long inputs) — and the candidate
with the fewest check errors, then warnings, is kept. A tie keeps the original, so a retry only
ever replaces a translation with one the checks consider strictly better.
"""

from __future__ import annotations

from translate.article import Sentence
from translate.checks import flag_cost, run_checks
from translate.engines.base import Engine
from translate.values import Hypothesis, join_hypotheses

# Values that stop loops without distorting normal output (what the HF docs suggest for
# repetitive generation); they are part of the cache key, so retries are cached separately.
REPETITION_CONTROLS = {"no_repeat_ngram_size": 3, "repetition_penalty": 1.2}


def retry_flagged(sentences: list[Sentence], lang: str, legs: list[tuple[str, str]],
                  engines: dict[tuple[str, str], Engine]) -> int:
    """Retry the flagged translations into ``lang``; return how many were replaced."""
    from translate.segment.chunk import chunk_text

    flagged = [s for s in sentences
               if (t := s.translations.get(lang)) is not None and t.error is None and t.flags]
    if not flagged:
        return 0
    controlled = {leg: engines[leg].with_options(**REPETITION_CONTROLS) for leg in legs}
    first = engines[legs[0]]
    pieces = [chunk_text(s.text, max(8, first.count_tokens(s.text) // 2), first.count_tokens)
              for s in flagged]
    candidates = {
        "repetition-controls": _through(legs, controlled, [s.text for s in flagged]),
        "finer-split": _rejoin(_through(legs, engines, [p for ps in pieces for p in ps]),
                               [len(ps) for ps in pieces]),
    }
    replaced = 0
    for i, s in enumerate(flagged):
        current = s.translations[lang]
        best_cost, best = flag_cost(current.flags), None
        for name, hyps in candidates.items():
            h = hyps[i]
            if h.error is not None or not h.text:
                continue
            flags = run_checks(s.text, h.text, lang, hit_limit=h.hit_limit)
            if flag_cost(flags) < best_cost:
                best_cost, best = flag_cost(flags), (name, h, flags)
        if best is not None:
            name, h, flags = best
            current.text, current.hit_limit, current.flags = h.text, h.hit_limit, flags
            current.nbest = h.nbest  # the n best of the decoding kept, its text first
            current.retry = name
            replaced += 1
    return replaced


def _through(legs: list[tuple[str, str]], engines: dict[tuple[str, str], Engine],
             texts: list[str]) -> list[Hypothesis]:
    """Translate along the legs of a route (one leg, or two for a pivot)."""
    hyps: list[Hypothesis] = []
    for leg in legs:
        hyps = engines[leg].translate_detailed(texts if not hyps else [h.text for h in hyps])
    return hyps


def _rejoin(hyps: list[Hypothesis], counts: list[int]) -> list[Hypothesis]:
    out, k = [], 0
    for n in counts:
        out.append(join_hypotheses(hyps[k:k + n]))
        k += n
    return out
