"""Value types that several stages exchange, in a module that imports nothing of the package.

Engines produce ``Hypothesis`` objects, the translation cache stores them, the pipeline, the
retry and the bench join them; all of them take ``DecodeOptions`` and report progress through
the same callback shapes. Kept here, below everything else, so no two of those modules have to
import each other for a type (which is how import cycles start).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, fields
from typing import Any

#: ``(done, total)``: called as work advances.
ProgressFn = Callable[[int, int], None]
#: A label ("ar→en") → the progress callback for that piece of work.
ProgressFactory = Callable[[str], ProgressFn]


#: Decoding options beyond the beam that change what is produced (CTranslate2's names).
SAMPLING_KEYS = ("length_penalty", "sampling_topk", "sampling_topp", "sampling_temperature",
                 "seed")


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
    threads: int = 0  # 0 = the library's default (ctranslate2: intra_threads per translator)
    device: str = "auto"  # auto | cpu | cuda

    def decoding_key(self) -> dict[str, Any]:
        """The options that change what is produced (not how fast): for the cache key."""
        keep = ("beam", "max_input_length", "max_decoding_length", "min_decoding_length",
                "no_repeat_ngram_size", "repetition_penalty", *SAMPLING_KEYS)
        key = {k: v for k, v in asdict(self).items() if k in keep}
        # Options added after caches existed stay out of the key at their defaults, so entries
        # written before them still hit; the seed changes nothing without sampling.
        defaults = {f.name: f.default for f in fields(self)}
        for name in SAMPLING_KEYS:
            if key[name] == defaults[name] or (name == "seed" and not self.sampling):
                key.pop(name)
        return key

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


@dataclass
class Hypothesis:
    """One input's translation with what the decoder knows about it."""

    text: str
    hit_limit: bool = False  # stopped at the decoding limit: possibly incomplete
    tokens: int = 0  # output tokens (for speed reports)
    error: str | None = None  # set when this input could not be translated at all


def join_hypotheses(parts: Sequence[Hypothesis]) -> Hypothesis:
    """One text's translation from its pieces' (the chunks of a long input, the units of a
    sentence): texts joined by a space, every error kept, a cut-off piece cuts the whole."""
    errors = [h.error for h in parts if h.error]
    return Hypothesis(text=" ".join(h.text for h in parts if h.text),
                      hit_limit=any(h.hit_limit for h in parts),
                      tokens=sum(h.tokens for h in parts),
                      error="; ".join(errors) if errors else None)


def chain_hypotheses(previous: Sequence[Hypothesis],
                     current: Sequence[Hypothesis]) -> list[Hypothesis]:
    """The second leg of a pivot (ar→en→ru) after the first: an error or a hit limit on the
    first leg stays visible on the second; the text of a failed input is empty."""
    if not previous:
        return list(current)
    out = []
    for p, c in zip(previous, current, strict=True):
        error = p.error or c.error
        out.append(Hypothesis(c.text if error is None else "", p.hit_limit or c.hit_limit,
                              c.tokens, error))
    return out
