"""The CTranslate2 backend: the same Marian weights, converted (int8 by default), decoded in C++.

Tokenising mirrors MarianTokenizer exactly, so both backends read the same input ids: an
optional leading ``>>xx<<`` language code is kept as one token, the rest is split by the
model's ``source.spm`` and ``</s>`` is appended. Output pieces are joined with
``target.spm``; special tokens are dropped as ``batch_decode(skip_special_tokens=True)`` drops
them. A Marian directory is converted on first use (once, into the model store, keyed by the
weights' fingerprint); a directory that is already a conversion is used as is.
"""

from __future__ import annotations

from typing import Any

from translate.engines.base import Engine, Hypothesis, _load_spm, damaged_model
from translate.errors import UsageError

EOS, UNK, PAD = "</s>", "<unk>", "<pad>"
SPACE = "\u2581"


def ct2_device(requested: str) -> str:
    import ctranslate2

    gpus = ctranslate2.get_cuda_device_count()
    if requested == "auto":
        return "cuda" if gpus else "cpu"
    if requested == "cuda" and not gpus:
        raise UsageError("--device cuda: CTranslate2 sees no CUDA device")
    if requested not in ("cpu", "cuda"):
        raise UsageError(f"--device must be auto, cpu or cuda, not {requested!r}")
    return requested


def default_compute_type(device: str) -> str:
    # int8 weights with int8 GEMMs are ~4x smaller and several times faster than fp32 on CPU;
    # on a GPU int8 weights with fp16 activations are the fast, accurate choice.
    return "int8_float16" if device == "cuda" else "int8"


class CTranslate2Engine(Engine):
    backend = "ctranslate2"
    releases_gil = True

    def cache_identity(self) -> str:
        # int8 and float32 decode to (slightly) different outputs: they must not share entries.
        return f"{self.backend}:{self._compute_type()}"

    def describe(self) -> dict[str, Any]:
        out = super().describe()
        out.update(compute_type=self._compute_type(), inter_threads=self.options.inter_threads,
                   intra_threads=self.options.threads, use_vmap=self.options.use_vmap)
        return out

    def _compute_type(self) -> str:
        if self.options.compute_type != "auto":
            return self.options.compute_type
        return default_compute_type(self._device())

    def _device(self) -> str:
        if not hasattr(self, "device"):
            self.device = ct2_device(self.options.device)
        return self.device

    def _load(self) -> None:
        import ctranslate2

        from translate.models.convert import ensure_converted

        self.model_dir = ensure_converted(self.ref)
        if self.options.use_vmap and not (self.model_dir / "vmap.txt").is_file():
            raise UsageError(f"--vmap: {self.model_dir} has no vmap.txt "
                             "(convert with `tarjama models convert ... --vmap FILE`)")
        try:
            self.translator: Any = ctranslate2.Translator(
                str(self.model_dir),
                device=self._device(),
                compute_type=self._compute_type(),
                inter_threads=max(1, self.options.inter_threads),
                intra_threads=self.options.threads,
            )
        except ValueError as e:  # e.g. a compute type this CPU or GPU cannot run
            raise UsageError(f"CTranslate2 cannot load {self.model_dir}: {e}") from None
        except RuntimeError as e:  # a truncated or damaged model.bin
            raise damaged_model(self.model_dir, e) from None
        self._target_sp = _load_spm(self.model_dir / "target.spm")

    def encode(self, text: str) -> list[str]:
        """Source tokens exactly as MarianTokenizer produces them, ``</s>`` included."""
        code: list[str] = []
        if text.startswith(">>") and (end := text.find("<<")) != -1:
            code, text = [text[:end + 2]], text[end + 2:]
        return [*code, *self._sp.encode(text, out_type=str), EOS]

    def decode(self, pieces: list[str]) -> str:
        kept = [p for p in pieces if p not in (EOS, UNK, PAD)]
        return self._target_sp.decode_pieces(kept).replace(SPACE, " ").strip()

    def _generate(self, batch: list[str]) -> list[Hypothesis]:
        tokens = [self.encode(t) for t in batch]
        # The same budget the transformers backend derives (from the longest input of the
        # batch), so the two backends stop at the same place and agree on hit_limit.
        limit = self.options.max_new_tokens(max(len(t) for t in tokens))
        opts = self.options
        results = self.translator.translate_batch(
            tokens,
            beam_size=opts.beam,
            # Inputs are chunked to fit before they get here; 0 = never truncate.
            max_input_length=0,
            max_decoding_length=limit,
            min_decoding_length=opts.min_decoding_length,
            # With the end token returned, "finished" and "cut off at the limit" are told apart.
            return_end_token=True,
            no_repeat_ngram_size=opts.no_repeat_ngram_size,
            repetition_penalty=opts.repetition_penalty,
            use_vmap=opts.use_vmap,
            max_batch_size=opts.batch_tokens,
            batch_type="tokens" if opts.batch_tokens else "examples",
        )
        hyps = []
        for r in results:
            pieces = list(r.hypotheses[0])
            ended = bool(pieces) and pieces[-1] == EOS
            if ended:
                pieces.pop()
            hyps.append(Hypothesis(text=self.decode(pieces), hit_limit=not ended,
                                   tokens=len(pieces)))
        return hyps
