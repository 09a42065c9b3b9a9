"""The CTranslate2 backend: the same weights, converted (int8 by default), decoded in C++.

CTranslate2 works on tokens as strings: the model's family adapter (translate.models.adapters)
tokenises the source and detokenises the output, exactly as the family's transformers
tokenizer does, so both backends read the same input ids. A model directory is converted on
first use (once, into the model store, keyed by the weights' fingerprint); a directory that is
already a conversion is used as is.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from translate.engines.base import Engine, choose_device
from translate.errors import UsageError
from translate.models.adapters.base import damaged_model
from translate.values import BackendOptions, Hypothesis, ranked


@dataclass(frozen=True)
class Ct2Options(BackendOptions):
    """What only the CTranslate2 backend reads."""

    inter_threads: int = 1  # batches decoded in parallel by one translator
    compute_type: str = "auto"  # int8 on CPU, int8_float16 on GPU
    use_vmap: bool = False  # restrict the output layer to the model's vmap.txt
    # Beam search goes on until beam × patience hypotheses are finished. With 1 (CTranslate2's
    # default) it can stop before the best one is, where transformers' rule goes on (it stops
    # when no running hypothesis can beat the finished ones): 2 gives the transformers
    # backend's output on every fixture family (tests/test_families.py).
    patience: float = 2.0

    def decoding_key(self) -> dict[str, Any]:
        # A vocabulary map and the patience can change the output; threads and the weight
        # type's speed cannot (the weight type is in the backend identity: cache_identity).
        return {"use_vmap": self.use_vmap, "patience": self.patience}


def default_compute_type(device: str) -> str:
    # int8 weights with int8 GEMMs are ~4x smaller and several times faster than fp32 on CPU;
    # on a GPU int8 weights with fp16 activations are the fast, accurate choice.
    return "int8_float16" if device == "cuda" else "int8"


class CTranslate2Engine(Engine):
    backend = "ctranslate2"
    releases_gil = True
    options_type = Ct2Options
    backend_options: Ct2Options

    def cache_identity(self) -> str:
        # int8 and float32 decode to (slightly) different outputs: they must not share entries.
        return f"{self.backend}:{self._compute_type()}"

    def describe(self) -> dict[str, Any]:
        out = super().describe()
        ct2 = self.backend_options
        out.update(compute_type=self._compute_type(), inter_threads=ct2.inter_threads,
                   intra_threads=self.options.threads, use_vmap=ct2.use_vmap,
                   patience=ct2.patience)
        return out

    def _compute_type(self) -> str:
        if self.backend_options.compute_type != "auto":
            return self.backend_options.compute_type
        return default_compute_type(self._device())

    def _device(self) -> str:
        if not hasattr(self, "device"):
            import ctranslate2

            self.device = choose_device(self.options.device,
                                        ctranslate2.get_cuda_device_count(), "CTranslate2")
        return self.device

    def weights_settings(self) -> tuple[object, ...]:
        return (self._device(), self._compute_type(), max(1, self.backend_options.inter_threads),
                self.options.threads)

    def _load(self) -> None:
        self.translator: Any
        self.translator, self.model_dir = self.shared_weights(self._load_translator)
        if self.backend_options.use_vmap and not (self.model_dir / "vmap.txt").is_file():
            raise UsageError(f"--vmap: {self.model_dir} has no vmap.txt "
                             "(convert with `tarjama models convert ... --vmap FILE`)")

    def _load_translator(self) -> tuple[Any, Path]:
        import ctranslate2

        from translate.models.convert import ensure_converted

        model_dir = ensure_converted(self.ref)
        try:
            translator = ctranslate2.Translator(
                str(model_dir),
                device=self._device(),
                compute_type=self._compute_type(),
                inter_threads=max(1, self.backend_options.inter_threads),
                intra_threads=self.options.threads,
            )
        except ValueError as e:  # e.g. a compute type this CPU or GPU cannot run
            raise UsageError(f"CTranslate2 cannot load {model_dir}: {e}") from None
        except RuntimeError as e:  # a truncated or damaged model.bin
            raise damaged_model(model_dir, e) from None
        return translator, model_dir

    def encode(self, text: str) -> list[str]:
        """Source tokens exactly as the family's transformers tokenizer produces them."""
        return self.tokenizer.encode(text)

    def _generate(self, batch: list[str]) -> list[Hypothesis]:
        tokens = [self.encode(t) for t in batch]
        # The same budget the transformers backend derives (from the longest input of the
        # batch), so the two backends stop at the same place and agree on hit_limit.
        limit = self.options.max_new_tokens(max(len(t) for t in tokens))
        opts = self.options
        prefix = self.tokenizer.target_prefix
        if opts.sampling:
            import ctranslate2

            ctranslate2.set_random_seed(opts.seed)
        results = self.translator.translate_batch(
            tokens,
            target_prefix=[prefix] * len(tokens) if prefix else None,
            beam_size=1 if opts.sampling else opts.beam,  # CTranslate2 samples with beam 1
            length_penalty=opts.length_penalty,
            sampling_topk=opts.sampling_topk,
            sampling_topp=opts.sampling_topp,
            sampling_temperature=opts.sampling_temperature,
            patience=self.backend_options.patience,
            # Inputs are chunked to fit before they get here; 0 = never truncate.
            max_input_length=0,
            max_decoding_length=limit,
            min_decoding_length=opts.min_decoding_length,
            # With the end token returned, "finished" and "cut off at the limit" are told apart.
            return_end_token=True,
            no_repeat_ngram_size=opts.no_repeat_ngram_size,
            repetition_penalty=opts.repetition_penalty,
            use_vmap=self.backend_options.use_vmap,
            max_batch_size=opts.batch_tokens,
            batch_type="tokens" if opts.batch_tokens else "examples",
            # --n-best: beam search's n best, or n sampled draws (at beam 1). The score is the
            # log-probability (end token included) / length ** length_penalty, sampled or not.
            num_hypotheses=opts.n_best,
            return_scores=opts.reports_nbest,
        )
        if not opts.reports_nbest:
            return [self._hypothesis(r.hypotheses[0]) for r in results]
        return [ranked([self._hypothesis(h) for h in r.hypotheses], r.scores,
                       with_scores=opts.with_scores) for r in results]

    def _hypothesis(self, tokens: list[str]) -> Hypothesis:
        pieces = list(tokens)
        ended = bool(pieces) and pieces[-1] == self.tokenizer.end_token
        if ended:
            pieces.pop()
        return Hypothesis(text=self.tokenizer.decode(pieces), hit_limit=not ended,
                          tokens=len(pieces))
