"""Training and checking the overfit fixture model (see ``translate.models.fixture``).

A tiny Marian is trained full-batch on a few pairs until its own default decoding (the
generation config opus-mt ships: beam 4, max_length 512) gives every target back exactly.
The cheap signal (teacher-forced logits: every target token ahead of its runner-up by MARGIN)
gates the expensive one (a real ``generate`` + MarianTokenizer decode), which decides.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from translate.errors import InputError

MAX_STEPS = 1500
LEARNING_RATE = 3e-3
WARMUP_STEPS = 40
MARGIN = 2.0  # logit gap (correct token over the runner-up) every target token must reach
CHECK_EVERY = 25  # at most one decoding check per this many steps
SETTLE_STEPS = 25  # steps after convergence (at least; more if the margin dipped)
SETTLE_RATE = 0.3  # of LEARNING_RATE while settling: steadier than the full rate
THREADS = 1  # a fixed thread count keeps float reductions, hence the weights, reproducible


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


def load_tokenizer(d: Path) -> Any:
    from transformers import MarianTokenizer

    return MarianTokenizer.from_pretrained(str(d))


def load_model(d: Path) -> Any:
    from transformers import MarianMTModel

    return MarianMTModel.from_pretrained(str(d)).eval()


def new_model(d: Path, seed: int) -> Any:
    import torch
    from transformers import GenerationConfig, MarianConfig, MarianMTModel

    config = MarianConfig.from_pretrained(str(d))
    torch.manual_seed(seed)
    model = MarianMTModel(config)
    model.generation_config = GenerationConfig.from_pretrained(str(d))
    zero_pad_row(model)
    return model


def zero_pad_row(model: Any) -> None:
    """Keep the <pad> embedding at zero: the decoder starts from it, and CTranslate2 (which
    drops <pad>) starts from a zero vector instead, so the two agree only if it stays zero.
    Training moves it otherwise: the tied output projection gives it a gradient."""
    import torch

    with torch.no_grad():
        model.get_input_embeddings().weight[model.config.pad_token_id].zero_()


def check_round_trip(tok: Any, pairs: Sequence[tuple[str, str]]) -> None:
    """A target the tokenizer cannot give back (double spaces, edge blanks) is unreachable."""
    labels = tok(text_target=[t for _, t in pairs])["input_ids"]
    for i, ((_, tgt), ids) in enumerate(zip(pairs, labels, strict=True), 1):
        back = tok.decode(ids, skip_special_tokens=True)
        if back != tgt or tok.unk_token_id in ids:
            raise InputError(
                f"pair {i}: target {tgt!r} does not survive tokenisation (gives {back!r}); "
                "collapse repeated whitespace"
            )


def train(
    model: Any, tok: Any, pairs: Sequence[tuple[str, str]], max_steps: int,
    progress: Callable[[int, int], None] | None,
) -> dict[str, Any]:
    """Full-batch Adam until the pairs come back, then settle at a lower rate for margin."""
    import torch

    batch = tok([s for s, _ in pairs], text_target=[t for _, t in pairs],
                padding=True, return_tensors="pt")
    labels = batch["labels"]
    labels[labels == model.config.pad_token_id] = -100
    optimizer = torch.optim.Adam(model.parameters(), lr=LEARNING_RATE, betas=(0.9, 0.98))
    converged_at: int | None = None
    settle_end = max_steps
    last_check = -CHECK_EVERY
    step, loss, gap = 0, float("nan"), float("-inf")
    model.train()
    while step < max_steps:
        step += 1
        rate = SETTLE_RATE if converged_at is not None else min(1.0, step / WARMUP_STEPS)
        for group in optimizer.param_groups:
            group["lr"] = LEARNING_RATE * rate
        output = model(**batch)
        optimizer.zero_grad()
        output.loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        optimizer.step()
        zero_pad_row(model)
        loss = output.loss.item()
        gap = min_margin(output.logits.detach(), labels, model.config.pad_token_id)
        if converged_at is None and gap >= MARGIN and step - last_check >= CHECK_EVERY:
            last_check = step
            if not mismatches(model, tok, pairs):
                # Settling widens the gap, so int8 CTranslate2 and other batchings agree too.
                converged_at = step
                settle_end = min(max_steps, step + max(SETTLE_STEPS, step // 5))
        done = converged_at is not None and step >= settle_end and gap >= MARGIN
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


def mismatches(model: Any, tok: Any, pairs: Sequence[tuple[str, str]]) -> list[tuple[int, str]]:
    """(index, output) of each pair the model's default decoding does not reproduce."""
    import torch

    was_training = model.training
    model.eval()
    with torch.no_grad():
        batch = tok([s for s, _ in pairs], padding=True, return_tensors="pt")
        outputs = tok.batch_decode(model.generate(**batch), skip_special_tokens=True)
    model.train(was_training)
    wanted = [t for _, t in pairs]
    pairs_out = enumerate(zip(wanted, outputs, strict=True))
    return [(i, got) for i, (want, got) in pairs_out if got != want]


def describe(
    failing: list[tuple[int, str]], pairs: Sequence[tuple[str, str]], limit: int = 3
) -> str:
    shown = [
        f"pair {i + 1} ({clip(pairs[i][0])}) gave {clip(got)}, expected {clip(pairs[i][1])}"
        for i, got in failing[:limit]
    ]
    more = f" and {len(failing) - limit} more" if len(failing) > limit else ""
    return "; ".join(shown) + more


def clip(text: str, n: int = 40) -> str:
    return repr(text if len(text) <= n else text[: n - 1] + "…")
