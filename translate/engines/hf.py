"""The transformers backend: the model's ``generate`` with beam search, as the docs show it.

Loading is safe: the family's classes are named explicitly by its adapter (MarianMTModel,
M2M100ForConditionalGeneration, MBartForConditionalGeneration; no Auto* with remote code), and
safetensors weights are preferred when the directory has them. The target language of a
multilingual model (NLLB's ``rus_Cyrl``) is forced as the first generated token, as its model
card shows (``forced_bos_token_id``), from the adapter.
"""

from __future__ import annotations

import warnings
from typing import Any

from translate.engines.base import Engine, choose_device
from translate.models.adapters.base import damaged_model
from translate.values import Hypothesis, ranked


def _weight_errors() -> tuple[type[Exception], ...]:
    import pickle

    from safetensors import SafetensorError

    # safetensors: SafetensorError; torch.load: RuntimeError, UnpicklingError, EOFError; a
    # missing or unreadable file: OSError; a config at odds with the tensors: ValueError,
    # KeyError. Anything else is a bug and is not dressed up as damaged files.
    return (SafetensorError, pickle.UnpicklingError, EOFError, OSError, RuntimeError,
            ValueError, KeyError)


class TransformersEngine(Engine):
    backend = "transformers"

    def _load(self) -> None:
        import torch
        from transformers.utils import logging as hf_logging

        # Library code does not print: transformers' "Loading weights" bar and its advice go
        # through its own logger, which the CLI's progress display would be garbled by.
        hf_logging.disable_progress_bar()
        hf_logging.set_verbosity_error()
        if self.options.threads:
            torch.set_num_threads(self.options.threads)
        gpus = torch.cuda.device_count() if torch.cuda.is_available() else 0
        self.device = choose_device(self.options.device, gpus, "torch")
        tokenizer = self.tokenizer  # a damaged tokenizer file says so itself (UsageError)
        with warnings.catch_warnings():
            # MarianTokenizer recommends sacremoses; opus-mt's own pipeline does not need it.
            warnings.simplefilter("ignore")
            try:
                self.hf_tokenizer: Any = self.adapter.transformers_tokenizer(tokenizer)
            except Exception as e:  # `tokenizers` raises a bare Exception for a damaged
                # tokenizer.json (sentencepiece a RuntimeError): at load time, and said with
                # its class and text, so a bug here is not hidden either
                raise damaged_model(self.ref.path, e) from None
        self.model: Any = self.shared_weights(self._load_model)
        self._eos = self.hf_tokenizer.eos_token_id
        self._pad = self.hf_tokenizer.pad_token_id

    def weights_settings(self) -> tuple[object, ...]:
        return (self.device,)

    def _load_model(self) -> Any:
        path = self.ref.path
        _, model_class = self.adapter.transformers_classes()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            try:
                model = model_class.from_pretrained(
                    str(path),
                    use_safetensors=(path / "model.safetensors").is_file(),
                    trust_remote_code=False,
                )
            except _weight_errors() as e:  # what truncated or garbled weight files raise
                raise damaged_model(path, e) from None
        return model.to(self.device).eval()

    def _generate(self, batch: list[str]) -> list[Hypothesis]:
        import torch

        texts = [self.tokenizer.source_text(t) for t in batch]
        enc = self.hf_tokenizer(texts, return_tensors="pt", padding=True, truncation=False)
        enc = {k: v.to(self.device) for k, v in enc.items()}
        src_len = int(enc["attention_mask"].sum(dim=1).max())
        limit = self.options.max_new_tokens(src_len)
        kwargs: dict[str, Any] = {
            "num_beams": self.options.beam,
            "max_new_tokens": limit,
            "max_length": None,
            # opus-mt's generation_config forces </s> at the length limit, which would make a
            # cut-off hypothesis look finished; without it a cut is visible (and flagged), and
            # the output equals CTranslate2's, which never forces an end token.
            "forced_eos_token_id": None,
            # transformers' own stopping rule (go on while a running hypothesis can still beat
            # the finished ones), whatever the family's config says: M2M100's and mBART-50's
            # ask to stop at `beam` finished hypotheses, which keeps a cut-off one when the
            # model is sure of the rest. Every family decodes alike; CTranslate2 matches it
            # with a patience of 2 (translate.engines.ct2.Ct2Options).
            "early_stopping": False,
        }
        kwargs.update(self.adapter.generate_kwargs(self.hf_tokenizer, self.tokenizer))
        if self.options.min_decoding_length:
            kwargs["min_new_tokens"] = self.options.min_decoding_length
        if self.options.no_repeat_ngram_size:
            kwargs["no_repeat_ngram_size"] = self.options.no_repeat_ngram_size
        if self.options.repetition_penalty != 1.0:
            kwargs["repetition_penalty"] = self.options.repetition_penalty
        if self.options.sampling:
            # as CTranslate2 samples: one hypothesis drawn token by token, no beam
            kwargs.update(do_sample=True, num_beams=1, top_k=self.options.sampling_topk,
                          top_p=self.options.sampling_topp,
                          temperature=self.options.sampling_temperature)
            torch.manual_seed(self.options.seed)
        else:  # always: the family's generation_config may hold another (CTranslate2: 1)
            kwargs["length_penalty"] = self.options.length_penalty
        opts = self.options
        beam_search = kwargs["num_beams"] > 1
        if opts.reports_nbest:
            # Beam search reports its hypotheses' scores (sequences_scores); greedy decoding
            # and sampling report the raw logits of each step, scored here alike.
            kwargs.update(num_return_sequences=opts.n_best, return_dict_in_generate=True,
                          output_scores=beam_search, output_logits=not beam_search)
        with torch.inference_mode():
            out = self.model.generate(**enc, **kwargs)
        if not opts.reports_nbest:
            return self._hypotheses(out, limit)
        rows = self._hypotheses(out.sequences, limit)
        scores = (out.sequences_scores if beam_search else
                  self._scores(out.sequences, out.logits)).tolist()
        n = opts.n_best
        return [ranked(rows[i:i + n], scores[i:i + n], with_scores=opts.with_scores)
                for i in range(0, len(rows), n)]

    def _hypotheses(self, sequences: Any, limit: int) -> list[Hypothesis]:
        outputs = self.hf_tokenizer.batch_decode(sequences, skip_special_tokens=True)
        hyps = []
        for row, text in zip(sequences.tolist(), outputs, strict=True):
            body = row[1:]  # drop the decoder start token
            ended = self._eos in body
            n = body.index(self._eos) if ended else len([t for t in body if t != self._pad])
            # No end-of-sentence within the budget: the decoder was cut off, not finished.
            hyps.append(Hypothesis(text=text.strip(), hit_limit=not ended and n >= limit,
                                   tokens=n))
        return hyps

    def _scores(self, sequences: Any, logits: tuple[Any, ...]) -> Any:
        """What beam search's sequences_scores are, for greedy and sampled rows: the model's
        log-probability of each generated token (end token included, padding after it not)
        summed, / length ** length_penalty. As CTranslate2 scores a sampled hypothesis: from
        the model's distribution, not the temperature's."""
        import torch

        body = sequences[:, 1:]  # the decoder start token is given, not generated
        log_probs = torch.log_softmax(torch.stack(logits, dim=1).float(), dim=-1)
        picked = log_probs.gather(-1, body.unsqueeze(-1)).squeeze(-1)
        ends = (body == self._eos).int()
        # a token counts up to and including the first end token (none: the whole row)
        counted = (ends.cumsum(dim=1) - ends) == 0
        length = counted.sum(dim=1).clamp(min=1)
        total = (picked * counted).sum(dim=1)
        return total / length.float() ** self.options.length_penalty
