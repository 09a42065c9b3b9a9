"""Benchmarks: speed (translate.bench.speed) and, later, translation quality."""
