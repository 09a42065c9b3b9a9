"""Training and checking the overfit fixture model (see ``translate.models.fixture``).

A tiny model of the family is trained full-batch on a few pairs (of one or several directions)
until decoding as the engines do it (beam 4, the family's target-language token forced)
gives every target back exactly. The cheap signal (teacher-forced logits: every target token
ahead of its runner-up by MARGIN) gates the expensive one (a real ``generate`` + decode), which
decides. Tokenising, the transformers classes and the forced target token all come from the
family's model adapter (translate.models.adapters), read from the files being built: what is
trained is what the engines will load.
"""

from __future__ import annotations

import functools
import warnings
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any, NamedTuple

from translate.errors import InputError
from translate.values import DecodeOptions

MAX_STEPS = 1500
LEARNING_RATE = 3e-3  # a layout may ask for another (translate.models.layouts.Layout)
WARMUP_STEPS = 40
MARGIN = 2.0  # logit gap (correct token over the runner-up) every target token must reach
CHECK_EVERY = 25  # at most one decoding check per this many steps
SETTLE_STEPS = 25  # steps after convergence (at least; more if the margin dipped)
SETTLE_RATE = 0.3  # of LEARNING_RATE while settling: steadier than the full rate
THREADS = 1  # a fixed thread count keeps float reductions, hence the weights, reproducible


class Example(NamedTuple):
    """One training pair and its direction."""

    src_lang: str
    tgt_lang: str
    source: str
    target: str


@contextmanager
def quiet() -> Iterator[None]:
    """Library code does not print: mute transformers' advice while building."""
    from transformers.utils import logging as hf_logging

    level = hf_logging.get_verbosity()
    bars = hf_logging.is_progress_bar_enabled()
    hf_logging.set_verbosity_error()
    hf_logging.disable_progress_bar()
    try:
        with warnings.catch_warnings():
            warnings.filterwarnings("ignore", message="Recommended: pip install sacremoses")
            yield
    finally:
        hf_logging.set_verbosity(level)
        if bars:
            hf_logging.enable_progress_bar()


@contextmanager
def torch_threads(n: int) -> Iterator[None]:
    import torch

    old = torch.get_num_threads()
    torch.set_num_threads(n)
    try:
        yield
    finally:
        torch.set_num_threads(old)


def directions(examples: Sequence[Example]) -> dict[tuple[str, str], list[int]]:
    """Indices of ``examples`` by direction, in order of first appearance."""
    out: dict[tuple[str, str], list[int]] = {}
    for i, e in enumerate(examples):
        out.setdefault((e.src_lang, e.tgt_lang), []).append(i)
    return out


@functools.lru_cache(maxsize=32)
def tokenizers(d: Path, direction: tuple[str, str]) -> tuple[Any, Any, Any]:
    """(adapter, tarjama tokenizer, transformers tokenizer) of ``d`` for one direction (the
    staging directory of a build is unique and its tokenizer files are written once)."""
    from translate.models.adapters import adapter_for

    adapter = adapter_for(d)
    tok = adapter.tokenizer(*direction)
    return adapter, tok, adapter.transformers_tokenizer(tok)


def load_model(d: Path) -> Any:
    from translate.models.adapters import adapter_for

    return adapter_for(d).transformers_classes()[1].from_pretrained(str(d)).eval()


def new_model(d: Path, seed: int) -> Any:
    import torch
    from transformers import GenerationConfig

    from translate.models.adapters import adapter_for

    model_class = adapter_for(d).transformers_classes()[1]
    config = model_class.config_class.from_pretrained(str(d))
    torch.manual_seed(seed)
    model = model_class(config)
    if (d / "generation_config.json").is_file():
        model.generation_config = GenerationConfig.from_pretrained(str(d))
    zero_pad_row(model)
    return model


def zero_pad_row(model: Any) -> None:
    """Keep a Marian <pad> embedding at zero: the decoder starts from it, and CTranslate2 (which
    drops <pad>) starts from a zero vector instead, so the two agree only if it stays zero.
    Training moves it otherwise: the tied output projection gives it a gradient. (The other
    families start the decoder from </s>, a token like any other.)"""
    import torch

    if model.config.decoder_start_token_id != model.config.pad_token_id:
        return
    with torch.no_grad():
        model.get_input_embeddings().weight[model.config.pad_token_id].zero_()


def check_round_trip(d: Path, examples: Sequence[Example]) -> None:
    """A target the tokenizer cannot give back (double spaces, edge blanks) is unreachable."""
    for direction, indices in directions(examples).items():
        _, _, hf = tokenizers(d, direction)
        labels = hf(text_target=[examples[i].target for i in indices])["input_ids"]
        for i, ids in zip(indices, labels, strict=True):
            back = hf.decode(ids, skip_special_tokens=True)
            if back != examples[i].target or hf.unk_token_id in ids:
                raise InputError(
                    f"pair {i + 1}: target {examples[i].target!r} does not survive "
                    f"tokenisation (gives {back!r}); collapse repeated whitespace"
                )


def encode(d: Path, examples: Sequence[Example]) -> dict[str, Any]:
    """One padded training batch over every direction: input ids, attention mask, labels and
    the decoder inputs (the labels shifted right behind the decoder start token)."""
    rows: list[tuple[list[int], list[int], int]] = [([], [], 0)] * len(examples)
    pad, start = 0, 0
    for direction, indices in directions(examples).items():
        adapter, tok, hf = tokenizers(d, direction)
        pad, start = hf.pad_token_id, adapter.config["decoder_start_token_id"]
        enc = hf([tok.source_text(examples[i].source) for i in indices],
                 text_target=[examples[i].target for i in indices])
        # The target language token is forced when decoding (forced_bos_token_id, CTranslate2's
        # target_prefix), never predicted: one source with two targets could not predict it.
        forced = len(tok.target_prefix or [])
        for i, ids, labels in zip(indices, enc["input_ids"], enc["labels"], strict=True):
            rows[i] = (list(ids), list(labels), forced)
    return pad_batch(rows, pad, start)


def pad_batch(rows: Sequence[tuple[list[int], list[int], int]], pad: int, start: int
              ) -> dict[str, Any]:
    """Rows of (source ids, label ids, forced target tokens) as one padded batch. The decoder
    inputs are built here, not by the model from the labels: its shift would put <pad> where a
    forced language token (masked out of the loss) must be read."""
    import torch

    width = max(len(ids) for ids, _, _ in rows)
    label_width = max(len(labels) for _, labels, _ in rows)
    return {
        "input_ids": torch.tensor([ids + [pad] * (width - len(ids)) for ids, _, _ in rows]),
        "attention_mask": torch.tensor([[1] * len(ids) + [0] * (width - len(ids))
                                        for ids, _, _ in rows]),
        "decoder_input_ids": torch.tensor([[start, *labels[:-1]] + [pad] * (label_width -
                                           len(labels)) for _, labels, _ in rows]),
        "labels": torch.tensor([[-100] * forced + labels[forced:] + [-100] * (label_width -
                                len(labels)) for _, labels, forced in rows]),
    }


def train(
    model: Any, d: Path, examples: Sequence[Example], max_steps: int,
    progress: Callable[[int, int], None] | None, *, learning_rate: float = LEARNING_RATE,
    warmup_steps: int = WARMUP_STEPS,
) -> dict[str, Any]:
    """Full-batch Adam until the pairs come back, then settle at a lower rate for margin."""
    import torch

    batch = encode(d, examples)
    labels = batch["labels"]
    optimizer = torch.optim.Adam(model.parameters(), lr=learning_rate, betas=(0.9, 0.98))
    converged_at: int | None = None
    settle_end = max_steps
    last_check = -CHECK_EVERY
    step, loss, gap = 0, float("nan"), float("-inf")
    model.train()
    while step < max_steps:
        step += 1
        rate = SETTLE_RATE if converged_at is not None else min(1.0, step / warmup_steps)
        for group in optimizer.param_groups:
            group["lr"] = learning_rate * rate
        output = model(**batch)
        optimizer.zero_grad()
        output.loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        optimizer.step()
        zero_pad_row(model)
        loss = output.loss.item()
        gap = min_margin(output.logits.detach(), labels, model.config.pad_token_id)
        settled = converged_at is not None and step >= settle_end
        if gap >= MARGIN and (settled or step - last_check >= CHECK_EVERY):
            last_check = step
            reproduced = not mismatches(model, d, examples)
            if converged_at is None and reproduced:
                # Settling widens the gap, so int8 CTranslate2 and other batchings agree too.
                converged_at = step
                settle_end = min(max_steps, step + max(SETTLE_STEPS, step // 5))
            elif settled and not reproduced:  # settling lost a pair: back to full training
                converged_at, settle_end = None, max_steps
        # Done once settled and checked again on this very step.
        done = settled and converged_at is not None and last_check == step
        if progress is not None:
            last = done or step == max_steps
            progress(step, step if last else max(settle_end, step + 1))
        if done:
            break
    model.eval()
    return {"steps": step, "converged_at": converged_at, "loss": round(loss, 5),
            "margin": round(gap, 3)}


def min_margin(logits: Any, labels: Any, pad: int) -> float:
    """Smallest gap between the correct token's logit and the best other (non-pad) one."""
    mask = labels != -100
    gold = labels.clamp(min=0)
    correct = logits.gather(-1, gold.unsqueeze(-1)).squeeze(-1)
    rivals = logits.clone()
    rivals.scatter_(-1, gold.unsqueeze(-1), float("-inf"))
    rivals[..., pad] = float("-inf")  # generation bans <pad> (bad_words_ids)
    gap = correct - rivals.max(-1).values
    return float(gap[mask].min())


def mismatches(model: Any, d: Path, examples: Sequence[Example]) -> list[tuple[int, str]]:
    """(index, output) of each pair that decoding as the engines do it does not reproduce."""
    failing = []
    for direction, indices in directions(examples).items():
        adapter, tok, hf = tokenizers(d, direction)
        texts = generate(model, adapter, tok, hf, [examples[i].source for i in indices])
        failing += [(i, got) for i, got in zip(indices, texts, strict=True)
                    if got != examples[i].target]
    return sorted(failing)


def generate(model: Any, adapter: Any, tok: Any, hf: Any, sources: Sequence[str], *,
             beam: int = 4, batch_size: int = 64) -> list[str]:
    """Translate ``sources`` with an in-memory model as the transformers engine decodes
    (translate.engines.hf): its length budget and stopping rule, no end token forced at the
    limit (mBART-50 ships no generation_config.json: transformers' default max_length of 20
    would cut it), the family's forced target token."""
    import torch

    was_training = model.training
    model.eval()
    device = next(model.parameters()).device
    out: list[str] = []
    with torch.no_grad():
        for i in range(0, len(sources), batch_size):
            batch = hf([tok.source_text(s) for s in sources[i:i + batch_size]], padding=True,
                       return_tensors="pt").to(device)
            budget = DecodeOptions().max_new_tokens(int(batch["attention_mask"].sum(1).max()))
            ids = model.generate(**batch, num_beams=beam, max_new_tokens=budget, max_length=None,
                                 forced_eos_token_id=None, early_stopping=False,
                                 **adapter.generate_kwargs(hf, tok))
            out += hf.batch_decode(ids, skip_special_tokens=True)
    model.train(was_training)
    return out


def describe(failing: list[tuple[int, str]], examples: Sequence[Example], limit: int = 3) -> str:
    shown = [
        f"pair {i + 1} ({clip(examples[i].source)}) gave {clip(got)}, "
        f"expected {clip(examples[i].target)}"
        for i, got in failing[:limit]
    ]
    more = f" and {len(failing) - limit} more" if len(failing) > limit else ""
    return "; ".join(shown) + more


def clip(text: str, n: int = 40) -> str:
    return repr(text if len(text) <= n else text[: n - 1] + "…")
