"""Benchmarks: translation quality of systems on test sets (runner, quality, systems), each
model's cost (profile), the engines' speed (speed), and the run history (history)."""
