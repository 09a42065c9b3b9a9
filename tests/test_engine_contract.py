"""What the engine template does the same way for every backend."""

from __future__ import annotations

import pytest

from translate.engines.base import choose_device
from translate.errors import UsageError


@pytest.mark.parametrize(("requested", "gpus", "expected"), [
    ("auto", 0, "cpu"), ("auto", 2, "cuda"), ("cpu", 2, "cpu"), ("cuda", 1, "cuda"),
    ("cuda", 0, "--device cuda: torch sees no CUDA device"),
    ("tpu", 1, "--device must be auto, cpu or cuda, not 'tpu'"),
], ids=["auto-cpu", "auto-cuda", "cpu", "cuda", "cuda-missing", "unknown"])
def test_choose_device(requested, gpus, expected):
    if expected.startswith("--device"):
        with pytest.raises(UsageError, match=expected):
            choose_device(requested, gpus, "torch")
    else:
        assert choose_device(requested, gpus, "torch") == expected
