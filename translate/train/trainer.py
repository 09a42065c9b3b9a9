"""`tarjama train`: fine-tune a model of any supported family on a `corpus split` directory.

The loop is the standard one of Hugging Face's ``run_translation_no_trainer`` example, in
plain torch over the family's transformers classes: AdamW, a linear schedule with warmup,
gradient clipping, bf16 autocast only on a CUDA device that supports it. Everything
family-specific comes from the model adapter (translate.models.adapters): the tokenizer, the
forced target-language token (masked out of the loss, as the fixture trainer does), the
generate arguments of the dev evaluation. Dev BLEU/chrF are sacrebleu's, as ``tarjama score``
computes them (translate.score), after every epoch; the best epoch's weights are kept.

Resuming: the state (weights, optimizer, schedule, RNG, step, best weights, history) is saved
every ``save_every`` steps, at every epoch's end and on Ctrl-C into ``.OUT.train/`` beside the
output, atomically (a kill -9 leaves the previous checkpoint whole). The order of the batches
is a function of (seed, epoch) alone, so a resumed run takes exactly the batches, dropout masks
and updates the uninterrupted one takes: same seed, same weights.

The output is written whole when training ends (translate.train.output): the base model's
files in its family's hub layout with the new weights, a model card and training.json, so
``translate -m``, ``models convert`` and ``bench`` take it unchanged.
"""

from __future__ import annotations

import hashlib
import json
import math
import os
import resource
import shutil
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from translate.errors import UsageError
from translate.fsio import printable
from translate.train.split import MANIFEST, pair_langs, read_split

CHECKPOINT = "checkpoint.pt"
WARMUP_SHARE = 0.1  # of the steps, capped at WARMUP_MAX
WARMUP_MAX = 500
LORA_TARGETS = ["q_proj", "v_proj"]  # the attention projections every family here names so


@dataclass
class TrainRequest:
    train_dir: Path  # a `corpus split` output
    pair: str  # "ar-en"
    base: str  # hub id, store name or directory
    output: Path
    epochs: int = 3
    lr: float = 5e-5
    batch_size: int = 16
    max_steps: int | None = None
    seed: int = 0
    resume: bool = False
    lora: bool = False
    force: bool = False
    save_every: int = 100
    dev_beam: int = 1  # greedy: the dev score only ranks epochs (bench decodes as translate)
    device: str = "auto"
    threads: int = 0
    command: list[str] = field(default_factory=list)

    def settings(self) -> dict[str, Any]:
        """What a checkpoint must have been made with to be resumed."""
        return {"pair": self.pair, "epochs": self.epochs, "lr": self.lr,
                "batch_size": self.batch_size, "max_steps": self.max_steps, "seed": self.seed,
                "lora": self.lora, "dev_beam": self.dev_beam}


@dataclass
class TrainStatus:
    """What the progress bar shows after each step."""

    step: int
    total: int
    epoch: int
    loss: float
    tokens_per_s: float
    dev: dict[str, Any] | None = None  # set on the step that evaluated


@dataclass
class TrainResult:
    output: Path
    base: str
    steps: int
    epochs_run: float
    train_pairs: int
    skipped_long: int
    history: list[dict[str, Any]]  # one entry per dev evaluation
    best: dict[str, Any] | None
    tokens_per_s: float
    seconds: float
    peak_memory_mb: float
    device: str
    resumed_from: int

    def to_dict(self) -> dict[str, Any]:
        return {k: (printable(v) if isinstance(v, Path) else v) for k, v in asdict(self).items()}

    def to_text(self) -> str:
        best = "no dev set" if not self.best else \
            f"best dev BLEU {self.best['bleu']:.1f}, chrF {self.best['chrf']:.1f} " \
            f"(epoch {self.best['epoch']})"
        resumed = f", resumed at step {self.resumed_from}" if self.resumed_from else ""
        return (f"wrote {printable(self.output)}: {self.steps} steps on {self.train_pairs} "
                f"pairs{resumed}; {best}; {self.tokens_per_s:.0f} tokens/s on {self.device}, "
                f"peak memory {self.peak_memory_mb:.0f} MB")


@dataclass
class Hooks:
    """Callbacks of a run (the CLI's progress bar; a test's handshake before a kill -9)."""

    progress: Callable[[TrainStatus], None] | None = None
    after_step: Callable[[int], None] | None = None


def work_dir(output: Path) -> Path:
    """Where the checkpoints of a run that writes ``output`` live."""
    return output.parent / f".{output.name}.train"


def train_model(request: TrainRequest, hooks: Hooks | None = None) -> TrainResult:
    """Fine-tune, evaluate, keep the best, write the model directory (module docstring)."""
    from translate.fsio import check_output_tree
    from translate.models.store import resolve

    hooks = hooks or Hooks()
    src, tgt = pair_langs(request.pair)
    _check_numbers(request)
    # never the split it trains on, nor the base (a directory) it starts from
    check_output_tree(request.output, request.force, [request.train_dir, request.base])
    work = _prepare_work_dir(request)
    train_pairs = read_split(request.train_dir, "train", (src, tgt))
    dev_pairs = _optional_split(request.train_dir, "dev", (src, tgt))
    if not train_pairs:
        raise UsageError(f"{printable(request.train_dir)}: the train split is empty")
    ref = resolve(request.base)
    if ref.is_ct2:
        raise UsageError(f"{ref.path} is a CTranslate2 conversion; train the transformers "
                         "model it was converted from")
    run = _Run(request, ref.path, (src, tgt), train_pairs, dev_pairs, work, hooks)
    return run.execute()


def _check_numbers(r: TrainRequest) -> None:
    if r.epochs < 1 or r.batch_size < 1 or r.lr <= 0 or r.save_every < 1 or \
            (r.max_steps is not None and r.max_steps < 1):
        raise UsageError("--epochs, --batch-size, --max-steps and --save-every must be at least "
                         "1 and --lr above 0")


def _prepare_work_dir(r: TrainRequest) -> Path:
    work = work_dir(r.output)
    has_checkpoint = (work / CHECKPOINT).is_file()
    if r.resume and not has_checkpoint:
        raise UsageError(f"--resume: no interrupted run of {printable(r.output)} to resume "
                         f"(no {printable(work / CHECKPOINT)})")
    if not r.resume and work.exists():
        if not r.force:
            raise UsageError(f"{printable(r.output)} has an interrupted run in "
                             f"{printable(work)}; pass --resume to continue it, or --force to "
                             "start over")
        shutil.rmtree(work)
    work.mkdir(parents=True, exist_ok=True)
    return work


def _optional_split(d: Path, split: str, langs: tuple[str, str]) -> list[tuple[str, str]]:
    if not (Path(d) / split).is_dir():
        return []
    return read_split(d, split, langs)


def data_digest(pairs: list[tuple[str, str]]) -> str:
    h = hashlib.sha256()
    for s, t in pairs:
        h.update(f"{s}\t{t}\n".encode())
    return h.hexdigest()[:16]


class _Run:
    """One training run: the model, its data and its state, step after step."""

    def __init__(self, request: TrainRequest, base: Path, langs: tuple[str, str],
                 train_pairs: list[tuple[str, str]], dev_pairs: list[tuple[str, str]],
                 work: Path, hooks: Hooks) -> None:
        from translate.models.adapters import adapter_for

        self.r, self.base, self.langs, self.work, self.hooks = request, base, langs, work, hooks
        self.adapter = adapter_for(base)
        self.adapter.check_direction(*langs)
        self.tok = self.adapter.tokenizer(*langs)
        self.hf = self.adapter.transformers_tokenizer(self.tok)
        self.rows, self.skipped = self._encode(train_pairs)
        if not self.rows:
            raise UsageError("every training pair is longer than the model's input limit")
        self.train_pairs, self.dev_pairs = train_pairs, dev_pairs
        self.per_epoch = math.ceil(len(self.rows) / request.batch_size)
        self.total = request.max_steps or request.epochs * self.per_epoch
        self.history: list[dict[str, Any]] = []
        self.best: dict[str, Any] | None = None
        self.best_state: dict[str, Any] | None = None
        self.step = 0
        self.tokens = 0
        self.train_seconds = 0.0

    # -- data ----------------------------------------------------------------------------------
    def _encode(self, pairs: list[tuple[str, str]]) -> tuple[list[Any], int]:
        enc = self.hf([self.tok.source_text(s) for s, _ in pairs],
                      text_target=[t for _, t in pairs])
        limit = self.adapter.max_input_length() or 10**9
        forced = len(self.tok.target_prefix or [])
        rows = [(list(i), list(lab), forced) for i, lab in zip(enc["input_ids"], enc["labels"],
                                                              strict=True)]
        kept = [row for row in rows if len(row[0]) <= limit and len(row[1]) <= limit]
        return kept, len(rows) - len(kept)

    def batch(self, step: int) -> dict[str, Any]:
        """The batch of ``step``: a function of (seed, epoch, position) alone (resumable)."""
        import torch

        from translate.models.overfit import pad_batch

        epoch, i = divmod(step, self.per_epoch)
        gen = torch.Generator().manual_seed(self.r.seed * 1_000_003 + epoch)
        order = torch.randperm(len(self.rows), generator=gen).tolist()
        picked = [self.rows[j] for j in order[i * self.r.batch_size:(i + 1) * self.r.batch_size]]
        return pad_batch(picked, self.hf.pad_token_id,
                         self.adapter.config["decoder_start_token_id"])

    # -- the loop ------------------------------------------------------------------------------
    def execute(self) -> TrainResult:
        import torch

        from translate.engines.base import choose_device
        from translate.models.overfit import quiet

        started = time.perf_counter()
        self.device = choose_device(self.r.device, torch.cuda.device_count(), "torch")
        if self.r.threads:
            torch.set_num_threads(self.r.threads)
        with quiet():
            self.model = self._load_model()
            self.optimizer = torch.optim.AdamW(
                [p for p in self.model.parameters() if p.requires_grad], lr=self.r.lr)
            warmup = min(WARMUP_MAX, int(self.total * WARMUP_SHARE))
            from transformers import get_linear_schedule_with_warmup

            self.schedule = get_linear_schedule_with_warmup(self.optimizer, warmup, self.total)
            resumed_from = self._load_checkpoint() if self.r.resume else 0
            try:
                self._loop()
            except KeyboardInterrupt:
                self._save_checkpoint()  # Ctrl-C: resumable from this very step
                raise
            self._write_output()
        shutil.rmtree(self.work, ignore_errors=True)
        return TrainResult(
            self.r.output, self.r.base, self.step, round(self.step / self.per_epoch, 3),
            len(self.rows), self.skipped, self.history, self.best,
            round(self.tokens / self.train_seconds, 1) if self.train_seconds else 0.0,
            round(time.perf_counter() - started, 2), peak_memory_mb(self.device), self.device,
            resumed_from)

    def _load_model(self) -> Any:
        import torch

        torch.manual_seed(self.r.seed)
        model = self.adapter.transformers_classes()[1].from_pretrained(str(self.base))
        if self.r.lora:
            try:
                from peft import LoraConfig, get_peft_model
            except ImportError:
                from translate.errors import MissingExtraError

                raise MissingExtraError("peft", "train") from None
            model = get_peft_model(model, LoraConfig(r=16, lora_alpha=32, lora_dropout=0.05,
                                                     target_modules=LORA_TARGETS))
        return model.to(self.device).train()

    def _loop(self) -> None:
        import torch

        from translate.models.overfit import zero_pad_row

        autocast = self.device == "cuda" and torch.cuda.is_bf16_supported()
        while self.step < self.total:
            t0 = time.perf_counter()
            batch = {k: v.to(self.device) for k, v in self.batch(self.step).items()}
            with torch.autocast("cuda", dtype=torch.bfloat16, enabled=autocast):
                loss = self.model(**batch).loss
            self.optimizer.zero_grad()
            loss.backward()
            torch.nn.utils.clip_grad_norm_(self.model.parameters(), 1.0)
            self.optimizer.step()
            self.schedule.step()
            if not self.r.lora:
                zero_pad_row(self.model)  # Marian's <pad> row stays zero (CTranslate2 agrees)
            self.step += 1
            self.tokens += int(batch["attention_mask"].sum()) + int((batch["labels"] != -100)
                                                                    .sum())
            self.train_seconds += time.perf_counter() - t0
            dev = None
            if self.step % self.per_epoch == 0 or self.step == self.total:
                dev = self._evaluate()
            if dev is not None or self.step % self.r.save_every == 0:
                self._save_checkpoint()
            if self.hooks.progress is not None:
                self.hooks.progress(TrainStatus(
                    self.step, self.total, math.ceil(self.step / self.per_epoch),
                    float(loss.item()), self.tokens / max(self.train_seconds, 1e-9), dev))
            if self.hooks.after_step is not None:
                self.hooks.after_step(self.step)

    def _evaluate(self) -> dict[str, Any]:
        """Dev BLEU/chrF (sacrebleu, as `tarjama score`); the best epoch's weights are kept
        (no dev set: the last ones)."""
        from translate.models.overfit import generate
        from translate.score import score_corpus

        epoch = round(self.step / self.per_epoch, 3)
        if not self.dev_pairs:
            self.best_state = self._state_copy()
            return {"epoch": epoch}
        hyps = generate(self.model, self.adapter, self.tok, self.hf,
                        [s for s, _ in self.dev_pairs], beam=self.r.dev_beam)
        bleu, chrf = score_corpus(hyps, [[t for _, t in self.dev_pairs]], ("bleu", "chrf"))
        entry: dict[str, Any] = {"epoch": epoch, "step": self.step, "bleu": round(bleu.score, 2),
                 "chrf": round(chrf.score, 2), "bleu_signature": bleu.signature}
        self.history.append(entry)
        if self.best is None or (entry["bleu"], entry["chrf"]) > (self.best["bleu"],
                                                                  self.best["chrf"]):
            self.best, self.best_state = entry, self._state_copy()
        return entry

    def _state_copy(self) -> dict[str, Any]:
        return {k: v.detach().to("cpu", copy=True) for k, v in self.model.state_dict().items()}

    # -- checkpoints ---------------------------------------------------------------------------
    def _identity(self) -> dict[str, Any]:
        return {**self.r.settings(), "base": str(self.base),
                "data": data_digest(self.train_pairs), "dev": data_digest(self.dev_pairs)}

    def _save_checkpoint(self) -> None:
        import torch

        state = {"identity": self._identity(), "step": self.step, "tokens": self.tokens,
                 "train_seconds": self.train_seconds, "model": self.model.state_dict(),
                 "optimizer": self.optimizer.state_dict(), "schedule": self.schedule.state_dict(),
                 "rng": torch.get_rng_state(), "history": self.history, "best": self.best,
                 "best_state": self.best_state}
        tmp = self.work / f".{CHECKPOINT}.{os.getpid()}.tmp"
        torch.save(state, tmp)
        os.replace(tmp, self.work / CHECKPOINT)  # a kill -9 leaves the previous one whole

    def _load_checkpoint(self) -> int:
        import torch

        state = torch.load(self.work / CHECKPOINT, map_location=self.device, weights_only=False)
        if state["identity"] != self._identity():
            theirs, ours = state["identity"], self._identity()
            diff = ", ".join(k for k in ours if theirs.get(k) != ours[k])
            raise UsageError(f"--resume: the interrupted run was started with other settings "
                             f"({diff}); give the same ones, or --force to start over")
        self.model.load_state_dict(state["model"])
        self.optimizer.load_state_dict(state["optimizer"])
        self.schedule.load_state_dict(state["schedule"])
        torch.set_rng_state(state["rng"])
        self.step, self.tokens = state["step"], state["tokens"]
        self.train_seconds = state["train_seconds"]
        self.history, self.best, self.best_state = (state["history"], state["best"],
                                                    state["best_state"])
        return int(self.step)

    # -- the output ----------------------------------------------------------------------------
    def _write_output(self) -> None:
        from translate.train.output import write_model_dir

        if self.best_state is not None:
            self.model.load_state_dict(self.best_state)
        model = self.model.merge_and_unload() if self.r.lora else self.model
        write_model_dir(model.to("cpu"), self.base, self.adapter.weight_files, self.r.output,
                        self._info(), force=self.r.force)

    def _info(self) -> dict[str, Any]:
        manifest_path = Path(self.r.train_dir) / MANIFEST
        manifest = json.loads(manifest_path.read_text("utf-8")) if manifest_path.is_file() \
            else {}
        return {"schema": "tarjama.train/1", "base": self.r.base, "family":
                self.adapter.family, "pair": self.r.pair,
                "data": {"dir": printable(self.r.train_dir), "train_pairs": len(self.rows),
                         "dev_pairs": len(self.dev_pairs), "skipped_too_long": self.skipped,
                         "digest": data_digest(self.train_pairs),
                         "split": {k: manifest.get(k) for k in ("splits", "removed", "min_score",
                                                                 "seed") if k in manifest}},
                "settings": {**self.r.settings(), "steps": self.step,
                             "steps_per_epoch": self.per_epoch},
                "dev": self.history, "best": self.best,
                "tokens_per_s": round(self.tokens / self.train_seconds, 1)
                if self.train_seconds else 0.0,
                "device": self.device, "peak_memory_mb": peak_memory_mb(self.device),
                "command": " ".join(self.r.command)}


def peak_memory_mb(device: str) -> float:
    """The process's peak resident memory (Linux reports KiB), or the GPU's peak on CUDA."""
    if device == "cuda":
        import torch

        return round(torch.cuda.max_memory_allocated() / 2**20, 1)
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
