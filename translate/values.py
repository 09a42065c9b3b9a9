"""Value types that several stages exchange, in a module that imports nothing of the package.

Engines produce ``Hypothesis`` objects, the translation cache stores them, the pipeline, the
retry and the bench join them; all of them take ``DecodeOptions`` and report progress through
the same callback shapes. Kept here, below everything else, so no two of those modules have to
import each other for a type (which is how import cycles start).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field, fields
from typing import Any

#: ``(done, total)``: called as work advances.
ProgressFn = Callable[[int, int], None]
#: A label ("ar→en") → the progress callback for that piece of work.
ProgressFactory = Callable[[str], ProgressFn]


#: Decoding options beyond the beam that change what is produced (CTranslate2's names).
SAMPLING_KEYS = ("length_penalty", "sampling_topk", "sampling_topp", "sampling_temperature",
                 "seed")
#: What is reported besides the translation: the n best hypotheses and their scores.
NBEST_KEYS = ("n_best", "with_scores")


@dataclass(frozen=True)
class DecodeOptions:
    """Decoding and batching options shared by every backend (part of the cache key)."""

    beam: int = 4
    batch_size: int = 16  # sentences per batch at most
    batch_tokens: int = 0  # source tokens per batch at most (padded); 0 = no token budget
    max_input_length: int = 400  # longer inputs are chunked, never truncated
    max_decoding_length: int = 512  # hard cap on output tokens; a hit is flagged
    min_decoding_length: int = 0  # benchmarks force equal output lengths across engines
    no_repeat_ngram_size: int = 0
    repetition_penalty: float = 1.0
    # CTranslate2's names and meanings: hypothesis score / length ** length_penalty; sampling
    # from the top k tokens (1: no sampling, 0: all) within top-p mass, at a temperature.
    length_penalty: float = 1.0
    sampling_topk: int = 1
    sampling_topp: float = 1.0
    sampling_temperature: float = 1.0
    seed: int = 0  # for sampling: the same seed, the same translations
    # The n best hypotheses of each input (best first; with sampling, n draws ranked by
    # score), and the model's score of each: log-probability / length ** length_penalty.
    # The translation stays the best one; the list is reported beside it.
    n_best: int = 1
    with_scores: bool = False
    threads: int = 0  # 0 = the library's default (ctranslate2: intra_threads per translator)
    device: str = "auto"  # auto | cpu | cuda

    def decoding_key(self) -> dict[str, Any]:
        """The options that change what is produced (not how fast): for the cache key."""
        keep = ("beam", "max_input_length", "max_decoding_length", "min_decoding_length",
                "no_repeat_ngram_size", "repetition_penalty", *SAMPLING_KEYS, *NBEST_KEYS)
        key = {k: v for k, v in asdict(self).items() if k in keep}
        # Options added after caches existed stay out of the key at their defaults, so entries
        # written before them still hit; the seed changes nothing without sampling.
        defaults = {f.name: f.default for f in fields(self)}
        for name in (*SAMPLING_KEYS, *NBEST_KEYS):
            if key[name] == defaults[name] or (name == "seed" and not self.sampling):
                key.pop(name)
        return key

    @property
    def reports_nbest(self) -> bool:
        """Whether each input's n-best list (or its score) is asked for besides the text."""
        return self.n_best > 1 or self.with_scores

    @property
    def sampling(self) -> bool:
        """Random sampling (one hypothesis drawn, no beam search) rather than beam search."""
        return self.sampling_topk != 1 or self.sampling_topp < 1.0

    def max_new_tokens(self, source_tokens: int) -> int:
        # Output length follows input length; opus-mt ar→ru rarely exceeds 2x in tokens, so
        # 2x + 16 leaves room while keeping a looping hypothesis from running to 512.
        return max(self.min_decoding_length,
                   min(self.max_decoding_length, 2 * source_tokens + 16))


@dataclass(frozen=True)
class BackendOptions:
    """Options only one backend reads (``translate.engines.ct2.Ct2Options``); a backend without
    any takes this empty one. Whatever changes the output goes into the cache key."""

    def decoding_key(self) -> dict[str, Any]:
        return {}


@dataclass(frozen=True)
class Candidate:
    """One of an input's n best hypotheses (``DecodeOptions.n_best``)."""

    text: str
    #: The model's log-probability of the hypothesis (its end token included) divided by
    #: length ** length_penalty, as both backends report it; None when not asked for, or for
    #: a text decoded in pieces (each piece's score is normalised by its own length).
    score: float | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"text": self.text} if self.score is None else \
            {"text": self.text, "score": round(self.score, 6)}


@dataclass
class Hypothesis:
    """One input's translation with what the decoder knows about it."""

    text: str
    hit_limit: bool = False  # stopped at the decoding limit: possibly incomplete
    tokens: int = 0  # output tokens (for speed reports)
    error: str | None = None  # set when this input could not be translated at all
    #: When asked for (``DecodeOptions.reports_nbest``): the n best, this text first.
    nbest: list[Candidate] = field(default_factory=list)


def ranked(hyps: Sequence[Hypothesis], scores: Sequence[float], *,
           with_scores: bool) -> Hypothesis:
    """One input's decoded hypotheses as one: the best by score is the translation, all of
    them its n-best list, best first (a stable sort: beam search's order is already this;
    sampling's draws come in the order drawn)."""
    order = sorted(range(len(hyps)), key=lambda i: -scores[i])
    best = hyps[order[0]]
    return Hypothesis(best.text, best.hit_limit, best.tokens, best.error,
                      [Candidate(hyps[i].text, scores[i] if with_scores else None)
                       for i in order])


def join_hypotheses(parts: Sequence[Hypothesis]) -> Hypothesis:
    """One text's translation from its pieces' (the chunks of a long input, the units of a
    sentence): texts joined by a space, every error kept, a cut-off piece cuts the whole."""
    errors = [h.error for h in parts if h.error]
    text = " ".join(h.text for h in parts if h.text)
    # The pieces' n-best lists do not combine into one (their combinations are not ranked, and
    # each score is normalised by its piece's length): the joined best alone, without a score.
    nbest = list(parts[0].nbest) if len(parts) == 1 else \
        [Candidate(text)] if any(h.nbest for h in parts) and not errors else []
    return Hypothesis(text=text, hit_limit=any(h.hit_limit for h in parts),
                      tokens=sum(h.tokens for h in parts),
                      error="; ".join(errors) if errors else None, nbest=nbest)


def chain_hypotheses(previous: Sequence[Hypothesis],
                     current: Sequence[Hypothesis]) -> list[Hypothesis]:
    """The second leg of a pivot (ar→en→ru) after the first: an error or a hit limit on the
    first leg stays visible on the second; the text of a failed input is empty."""
    if not previous:
        return list(current)
    out = []
    for p, c in zip(previous, current, strict=True):
        error = p.error or c.error
        # the n best of the last leg, decoded from the first leg's best
        out.append(Hypothesis(c.text if error is None else "", p.hit_limit or c.hit_limit,
                              c.tokens, error, c.nbest if error is None else []))
    return out
