"""`tarjama train`: learns what it is given, keeps the best epoch, writes a model directory that
both backends translate with, resumes after kill -9 to the same weights, saves on Ctrl-C.

The base is the overfit fixture (tests/data/pairs.ar-en.tsv); the split teaches it to answer
each Arabic sentence with the English of the next pair: every token is in its vocabulary, and
the base gets those lines wrong, so what the model learned is measurable in seconds.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from translate.cli import app
from translate.fsio import read_lines
from translate.train.trainer import CHECKPOINT, Hooks, TrainRequest, train_model, work_dir

ROOT = Path(__file__).resolve().parents[1]
runner = CliRunner()
FAST = ["--epochs", "4", "--batch-size", "4", "--lr", "2e-3", "--threads", "1"]


@pytest.fixture(scope="module")
def split_dir(tmp_path_factory, fixture_pairs) -> Path:
    """train 16 / dev 3 / test 3 lines; target of line i is the English of pair i + 1."""
    pairs = fixture_pairs["en"]
    d = tmp_path_factory.mktemp("split")
    n = len(pairs)
    for split, idx in (("train", range(0, 16)), ("dev", range(16, 19)), ("test", range(19, 22))):
        (d / split).mkdir()
        (d / split / f"{split}.ar").write_text("".join(pairs[i][0] + "\n" for i in idx), "utf-8")
        (d / split / f"{split}.en").write_text("".join(pairs[(i + 1) % n][1] + "\n" for i in idx),
                                               "utf-8")
    return d


def weights(model_dir: Path) -> dict:
    from safetensors.torch import load_file

    return load_file(str(model_dir / "model.safetensors"))


def translate_lines(model: Path, lines_file: Path, backend: str) -> list[str]:
    result = runner.invoke(app, ["translate", "--lines", str(lines_file), "--to", "en",
                                 "-m", f"en={model}", "--backend", backend, "-q"])
    assert result.exit_code == 0, result.output
    return result.stdout.splitlines()


@pytest.fixture(scope="module")
def trained(tmp_path_factory, split_dir, fixture_models) -> Path:
    out = tmp_path_factory.mktemp("trained") / "model"
    result = runner.invoke(app, ["train", "--train", str(split_dir), "-m",
                                 f"ar-en={fixture_models['en']}", "-o", str(out), *FAST,
                                 "--epochs", "12"])
    assert result.exit_code == 0, result.output
    return out


def test_training_learns_the_train_split_and_the_card_says_how(trained, split_dir,
                                                               fixture_models):
    from translate.score import score_corpus

    refs = [read_lines(split_dir / "train" / "train.en")]
    source = split_dir / "train" / "train.ar"
    base = score_corpus(translate_lines(fixture_models["en"], source, "transformers"), refs)[0]
    new = score_corpus(translate_lines(trained, source, "transformers"), refs)[0]
    assert base.score < 20 and new.score > base.score + 40, (base.score, new.score)
    card = (trained / "README.md").read_text("utf-8")
    for needed in (str(fixture_models["en"]), "## Dev scores", "(kept)", "tarjama train",
                   "training pairs: 16"):
        assert needed in card
    assert not work_dir(trained).exists()  # the checkpoints go once the model is written


@pytest.mark.slow
def test_the_trained_model_translates_through_both_backends(trained, split_dir):
    source = split_dir / "train" / "train.ar"
    hf = translate_lines(trained, source, "transformers")
    ct2 = translate_lines(trained, source, "ctranslate2")
    assert len(hf) == len(ct2) == 16
    agree = sum(a == b for a, b in zip(hf, ct2, strict=True))
    assert agree >= 14, list(zip(hf, ct2, strict=True))  # int8 may flip a near tie


def test_output_rules(tmp_path, split_dir, fixture_models):
    out = tmp_path / "model"
    out.mkdir()
    (out / "mine.txt").write_text("keep")
    args = ["train", "--train", str(split_dir), "-m", f"ar-en={fixture_models['en']}",
            "-o", str(out), "--max-steps", "1"]
    refused = runner.invoke(app, args)
    assert refused.exit_code == 2 and "--force" in refused.output
    assert (out / "mine.txt").read_text() == "keep"
    # a folder tarjama did not make is never replaced, not even with --force (issue 25)
    forced = runner.invoke(app, [*args, "--force"])
    assert forced.exit_code == 2 and "not made by tarjama" in forced.output
    assert (out / "mine.txt").read_text() == "keep"
    fresh = [a if a != str(out) else str(tmp_path / "new-model") for a in args]
    missing = runner.invoke(app, [*fresh, "--resume"])
    assert missing.exit_code == 2 and "no interrupted run" in missing.output


def _kill_child(script: str, flag: Path) -> None:
    """Run ``script`` in a child; when it writes ``flag`` (its handshake: the step it was told
    to stop after is done), SIGKILL it."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    child = subprocess.Popen([sys.executable, "-c", script], env=env, cwd=ROOT,
                             stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 300  # a guard against a hung child, not a measurement
        while not flag.exists():
            if child.poll() is not None:
                raise AssertionError(f"child ended early: {child.stderr.read().decode()[-2000:]}")
            assert time.monotonic() < deadline, "child never reached the handshake"
            time.sleep(0.05)
        os.kill(child.pid, signal.SIGKILL)
    finally:
        child.wait()
    assert child.returncode == -signal.SIGKILL


@pytest.mark.slow
def test_resume_after_kill_gives_the_same_weights(tmp_path, split_dir, fixture_models):
    base = fixture_models["en"]
    common = dict(train_dir=split_dir, pair="ar-en", base=str(base), epochs=2, lr=2e-3,
                  batch_size=4, save_every=5, threads=1, seed=7)
    whole = train_model(TrainRequest(output=tmp_path / "whole", **common))
    killed, flag = tmp_path / "killed", tmp_path / "at-step-7"
    # killed after step 7: mid-epoch 2 (steps 5-8), two steps after the last checkpoint (5)
    script = (
        "import time\n"
        "from pathlib import Path\n"
        "from translate.train.trainer import Hooks, TrainRequest, train_model\n"
        "def after(step):\n"
        "    if step == 7:\n"
        f"        Path({str(flag)!r}).write_text('7')\n"
        "        time.sleep(3600)\n"
        f"train_model(TrainRequest(output=Path({str(killed)!r}), **{common!r}), "
        "Hooks(after_step=after))\n").replace("PosixPath(", "Path(")
    _kill_child(script, flag)
    assert (work_dir(killed) / CHECKPOINT).is_file() and not killed.exists()
    result = runner.invoke(app, ["train", "--train", str(split_dir), "-m", f"ar-en={base}",
                                 "-o", str(killed), "--epochs", "2", "--lr", "2e-3",
                                 "--batch-size", "4", "--save-every", "5", "--threads", "1",
                                 "--seed", "7", "--resume"])
    assert result.exit_code == 0, result.output
    assert "resumed at step 5" in result.output
    a, b = weights(tmp_path / "whole"), weights(killed)
    assert a.keys() == b.keys() and all(bool((a[k] == b[k]).all()) for k in a)
    assert whole.steps == 8


def test_ctrl_c_saves_exits_130_and_resumes(tmp_path, split_dir, fixture_models, monkeypatch):
    import translate.cli.train as cli_train

    out = tmp_path / "model"
    args = ["train", "--train", str(split_dir), "-m", f"ar-en={fixture_models['en']}",
            "-o", str(out), "--max-steps", "3", "--batch-size", "4", "--threads", "1"]

    def interrupting(quiet):  # Ctrl-C arrives after the second step
        from contextlib import contextmanager

        @contextmanager
        def bar():
            def show(status):
                if status.step == 2:
                    raise KeyboardInterrupt
            yield show
        return bar()

    monkeypatch.setattr(cli_train, "_progress", interrupting)
    stopped = runner.invoke(app, args)
    assert stopped.exit_code == 130 and "interrupted" in stopped.output
    import torch

    assert torch.load(work_dir(out) / CHECKPOINT, weights_only=False)["step"] == 2
    monkeypatch.undo()
    again = runner.invoke(app, args)  # without --resume: refused, the run is kept
    assert again.exit_code == 2 and "--resume" in again.output
    resumed = runner.invoke(app, [*args, "--resume"])
    assert resumed.exit_code == 0 and "3 steps" in resumed.output, resumed.output


def test_lora_writes_a_plain_model_directory(tmp_path, split_dir, fixture_models):
    out = tmp_path / "lora"
    result = train_model(TrainRequest(split_dir, "ar-en", str(fixture_models["en"]), out,
                                      max_steps=2, batch_size=4, lora=True, threads=1),
                         Hooks())
    assert result.steps == 2
    names = {p.name for p in out.iterdir()}
    assert {"config.json", "model.safetensors", "source.spm", "target.spm", "vocab.json",
            "README.md"} <= names and "adapter_config.json" not in names
    assert not any(k.startswith("base_model") or "lora" in k for k in weights(out))
