"""A fine-tuned model's directory: the base's files in its family's hub layout, the new
weights, ``training.json`` (what the run was) and the model card (README.md) made from it:
base, data, filters, steps, dev scores, the command.

Built beside the output and renamed into place whole (``fsio.atomic_dir``).
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterable
from pathlib import Path
from typing import Any


def write_model_dir(model: Any, base: Path, weight_files: Iterable[str], output: Path,
                    info: dict[str, Any], *, force: bool) -> None:
    from translate.fsio import atomic_dir, new_file_mode

    weights = set(weight_files)
    with atomic_dir(output, "train", force=force, inputs=[base]) as tmp:
        for f in base.iterdir():
            if f.is_file() and not f.name.startswith(".") and f.name not in weights \
                    and f.name != "README.md":
                shutil.copyfile(f, tmp / f.name)
        keep = {n: (tmp / n).read_bytes() for n in ("config.json", "generation_config.json")
                if (tmp / n).is_file()}
        model.save_pretrained(str(tmp))
        for name, data in keep.items():  # the base's own: the architecture is unchanged
            (tmp / name).write_bytes(data)
        (tmp / "training.json").write_text(json.dumps(info, ensure_ascii=False, indent=2)
                                           + "\n", encoding="utf-8")
        (tmp / "README.md").write_text(model_card(info), encoding="utf-8")
        for f in tmp.iterdir():  # save_pretrained writes 0600 files
            f.chmod(new_file_mode())


def model_card(info: dict[str, Any]) -> str:
    data, settings, split = info["data"], info["settings"], info["data"].get("split", {})
    lines = ["---", "tags:", "- translation", "- tarjama-train", f"base_model: {info['base']}",
             "---", "", f"# {info['pair']} fine-tuned from {info['base']}", "",
             f"Fine-tuned by `tarjama train` ({info['family']} family, full fine-tuning"
             f"{' merged from LoRA adapters' if settings['lora'] else ''}) on the train split "
             "of a `tarjama corpus split` directory.", "", "## Data", "",
             f"- split directory: `{data['dir']}` (data digest {data['digest']})",
             f"- training pairs: {data['train_pairs']} (skipped as longer than the model's "
             f"input: {data['skipped_too_long']}); dev pairs: {data['dev_pairs']}"]
    for name, s in (split.get("splits") or {}).items():
        lines.append(f"- {name}: {s['pairs']} pairs from {s['articles']} articles")
    removed = split.get("removed") or {}
    if removed:
        lines.append(f"- filters (pairs removed; minimum alignment score "
                     f"{split.get('min_score', 0)}): "
                     + ", ".join(f"{k} {v}" for k, v in removed.items()))
    lines += ["", "## Training", "",
              f"- steps: {settings['steps']} ({settings['steps_per_epoch']} per epoch), "
              f"batch size {settings['batch_size']}, learning rate {settings['lr']}, "
              f"seed {settings['seed']}",
              f"- device: {info['device']}; {info['tokens_per_s']:.0f} tokens/s", "",
              "## Dev scores (sacrebleu)", ""]
    if info["dev"]:
        lines += ["| epoch | step | BLEU | chrF |", "|---|---|---|---|"]
        best = info.get("best") or {}
        lines += [f"| {e['epoch']}{' (kept)' if e.get('step') == best.get('step') else ''} | "
                  f"{e['step']} | {e['bleu']:.2f} | {e['chrf']:.2f} |" for e in info["dev"]]
        lines += ["", f"BLEU signature: `{info['dev'][0]['bleu_signature']}`"]
    else:
        lines.append("No dev split: the last weights are kept.")
    lines += ["", "## Command", "", "```", info["command"] or "(library call)", "```", ""]
    return "\n".join(lines)
