"""One vocabulary: the engine's constants are the source, and each Django choices class that stores one of
them holds exactly the same codes (and, where the engine has words for them, the same words)."""

from __future__ import annotations

from apps.compliance.models import Obligation
from apps.playbooks.engine import types
from apps.playbooks.models import Effect, Operator, Question, VisibilityMode
from apps.recommendations.models import Verdict


def test_question_kinds_are_the_engines() -> None:
    assert tuple(Question.Kind.values) == types.KINDS


def test_question_roles_are_the_engines_and_none() -> None:
    assert tuple(Question.Role.values) == ("", *types.ROLES)


def test_condition_operators_are_the_engines() -> None:
    assert tuple(Operator.values) == types.OPERATORS


def test_match_modes_are_the_engines() -> None:
    assert tuple(VisibilityMode.values) == types.MATCH_MODES


def test_effect_kinds_are_the_engines() -> None:
    assert tuple(Effect.Kind.values) == types.EFFECT_KINDS


def test_risk_severities_are_the_engines() -> None:
    assert tuple(Effect.Severity.values) == types.SEVERITIES


def test_verdicts_and_their_words_are_the_engines() -> None:
    assert dict(Verdict.choices) == types.VERDICT_LABELS
    assert tuple(Verdict.values) == types.VERDICTS


def test_obligation_phases_and_their_words_are_the_engines() -> None:
    assert tuple(Obligation.Phase.choices) == types.PHASES
