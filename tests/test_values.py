"""The value rules every stage shares: how pieces of a translation join, how a pivot chains."""

from __future__ import annotations

import pytest

from translate.values import Hypothesis, chain_hypotheses, join_hypotheses

H = Hypothesis


@pytest.mark.parametrize(("parts", "expected"), [
    ([H("Лавров прибыл", tokens=3), H("в Москву.", tokens=3)],
     H("Лавров прибыл в Москву.", tokens=6)),
    ([H("The minister", tokens=2), H("", error="OOM")], H("The minister", tokens=2, error="OOM")),
    ([H("a", error="x"), H("b", error="y")], H("a b", error="x; y")),
    ([H("cut", hit_limit=True, tokens=1), H("whole", tokens=1)],
     H("cut whole", hit_limit=True, tokens=2)),
    ([], H("")),
], ids=["russian-chunks", "one-failed", "both-failed", "cut-piece", "empty"])
def test_join_hypotheses(parts, expected):
    assert join_hypotheses(parts) == expected


@pytest.mark.parametrize(("first", "second", "expected"), [
    ([], [H("Лавров")], [H("Лавров")]),
    ([H("Lavrov")], [H("Лавров", tokens=2)], [H("Лавров", tokens=2)]),
    ([H("", error="first leg")], [H("?")], [H("", error="first leg")]),
    ([H("Lavr", hit_limit=True)], [H("Лавр")], [H("Лавр", hit_limit=True)]),
    ([H("Lavrov")], [H("", error="second")], [H("", error="second")]),
], ids=["direct", "clean", "first-failed", "first-cut", "second-failed"])
def test_chain_hypotheses_keeps_the_first_legs_trouble(first, second, expected):
    assert chain_hypotheses(first, second) == expected
