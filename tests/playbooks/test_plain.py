"""``engine.plain`` (orjson) gives exactly the JSON the json module makes of ``dataclasses.asdict``, on the engine's
real results and on the other shapes, and refuses what JSON cannot hold."""

from __future__ import annotations

import dataclasses
import json
import math
from decimal import Decimal
from types import MappingProxyType
from typing import Any

import numpy as np
import pytest

from apps.playbooks.engine.evaluate import evaluate
from apps.playbooks.engine.plain import dumps, json_ready
from apps.playbooks.models import Playbook
from apps.playbooks.runtime import compiled_playbook
from bench.playbooks import answer_sets


def _json_of_asdict(value: Any) -> Any:
    return json.loads(json.dumps(dataclasses.asdict(value)))


@pytest.mark.django_db
def test_every_golden_and_sampled_evaluation_reads_as_json_makes_it(reference: Playbook) -> None:
    pb = compiled_playbook(reference)
    cases = [case.answers for case in reference.golden_cases.all()]
    assert cases, "the reference playbook has golden cases"
    for answers in [*cases, *answer_sets(reference.definition, 40, seed=5)]:
        evaluation = evaluate(pb, answers)
        expected = json.loads(json.dumps(dataclasses.asdict(evaluation) | {"answers": dict(evaluation.answers)}))
        assert json_ready(evaluation) == expected
        expected |= {"verdict_label": evaluation.verdict_label, "top_model": evaluation.top_model}
        assert evaluation.as_dict() == expected


@dataclasses.dataclass(frozen=True)
class Leaf:
    name: str
    amount: float
    tags: tuple[str, ...]


@dataclasses.dataclass(frozen=True)
class Tree:
    leaves: tuple[Leaf, ...]
    index: dict[Any, Any]
    nothing: None = None


def test_other_shapes_read_as_json_makes_them() -> None:
    tree = Tree(
        leaves=(Leaf("a", 1.5, ("x",)), Leaf("é", 2.0, ())),
        index={"a": [1, (2, 3)], 7: Leaf("c", 0.1, ("y", "z")), "n": np.float64(2.5), "i": np.int64(3)},
    )
    got = json_ready(tree)
    assert got == json.loads(json.dumps(dataclasses.asdict(tree), default=lambda v: v.item()))
    assert got["index"]["7"]["tags"] == ["y", "z"] and got["index"]["n"] == 2.5 and got["index"]["i"] == 3
    assert json_ready(MappingProxyType({"q": (1,)})) == {"q": [1]}  # a read-only mapping is the dict it reads as
    assert json.loads(dumps("é")) == "é"


@pytest.mark.parametrize("value", [Decimal("1.5"), {1, 2}, object()])
def test_what_json_cannot_hold_is_refused(value: Any) -> None:
    with pytest.raises(TypeError):
        dumps({"a": value})


def test_a_number_json_cannot_hold_is_written_as_null_not_as_invalid_json() -> None:
    # The json module would write NaN, which is not JSON and which PostgreSQL refuses; orjson writes null.
    assert json.loads(dumps({"x": math.nan, "y": math.inf})) == {"x": None, "y": None}
