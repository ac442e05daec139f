"""``engine.plain.plain`` gives exactly what ``dataclasses.asdict`` gives, on the engine's real results and on the
shapes it copies the slow way."""

from __future__ import annotations

import dataclasses
from collections import namedtuple
from decimal import Decimal
from typing import Any

import pytest

from apps.playbooks.engine.evaluate import evaluate
from apps.playbooks.engine.plain import plain
from apps.playbooks.models import Playbook
from apps.playbooks.runtime import compiled_playbook
from bench.playbooks import answer_sets


@pytest.mark.django_db
def test_every_golden_and_sampled_evaluation_matches_asdict(reference: Playbook) -> None:
    pb = compiled_playbook(reference)
    cases = [case.answers for case in reference.golden_cases.all()]
    assert cases, "the reference playbook has golden cases"
    for answers in [*cases, *answer_sets(reference.definition, 40, seed=5)]:
        evaluation = evaluate(pb, answers)
        assert plain(evaluation) == dataclasses.asdict(evaluation)


Pair = namedtuple("Pair", "left right")


@dataclasses.dataclass(frozen=True)
class Leaf:
    name: str
    amount: Decimal
    tags: list[str]


@dataclasses.dataclass(frozen=True)
class Tree:
    leaves: tuple[Leaf, ...]
    index: dict[str, Any]
    pair: Pair
    nothing: None = None


class Ordered(dict[str, Any]):  # a dict subclass: copied into its own type, as asdict does
    pass


def test_other_shapes_are_copied_as_asdict_copies_them() -> None:
    tree = Tree(
        leaves=(Leaf("a", Decimal("1.5"), ["x"]), Leaf("b", Decimal("2"), [])),
        index={"a": [1, (2, 3)], "b": Ordered(c=Leaf("c", Decimal("0"), ["y", "z"]))},
        pair=Pair(Leaf("l", Decimal("1"), []), 2),
    )
    got, want = plain(tree), dataclasses.asdict(tree)
    assert got == want
    assert type(got["index"]["b"]) is Ordered and type(got["pair"]) is Pair
    assert got["leaves"][0]["tags"] is not tree.leaves[0].tags  # a mutable list is a copy, never shared
