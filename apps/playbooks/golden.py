"""Golden cases: a curator's answers and what the playbook must produce for them."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from apps.playbooks.engine import CompiledPlaybook, Evaluation, clean_answers, evaluate
from apps.playbooks.engine.types import VERDICT_LABELS
from apps.playbooks.models import GoldenCase


@dataclass(frozen=True)
class GoldenResult:
    case: GoldenCase
    evaluation: Evaluation | None
    problems: tuple[str, ...]

    @property
    def passed(self) -> bool:
        return not self.problems

    def summary(self) -> str:
        return f"“{self.case.name}”: " + "; ".join(self.problems)


def check_case(compiled: CompiledPlaybook, case: GoldenCase) -> GoldenResult:
    answers, answer_problems = clean_answers(compiled.questions, case.answers or {})
    if answer_problems:
        return GoldenResult(case, None, tuple(f"answer {k}: {v}" for k, v in answer_problems.items()))
    # A golden case checks no cost, and the cost changes none of what it checks.
    ev = evaluate(compiled, answers, priced=False)
    problems = []
    if case.expected_verdict and ev.verdict != case.expected_verdict:
        # In the product's words, not its codes (review 154: "verdict is doesnt_win").
        got, expected = (f"“{VERDICT_LABELS.get(v, v)}”" for v in (ev.verdict, case.expected_verdict))
        problems.append(f"verdict is {got}, expected {expected} (fit {ev.fit_score})")
    if case.expected_top_model and ev.top_model != case.expected_top_model:
        problems.append(f"top model is {ev.top_model}, expected {case.expected_top_model}")
    present = set(ev.regime_codes)
    for code in case.regimes_present or []:
        if code not in present:
            problems.append(f"regime {code} should be triggered but is not")
    for code in case.regimes_absent or []:
        if code in present:
            problems.append(f"regime {code} should not be triggered but is")
    if case.fit_min is not None and ev.fit_score < case.fit_min:
        problems.append(f"fit score {ev.fit_score} is below {case.fit_min}")
    if case.fit_max is not None and ev.fit_score > case.fit_max:
        problems.append(f"fit score {ev.fit_score} is above {case.fit_max}")
    return GoldenResult(case, ev, tuple(problems))


def run_golden_cases(compiled: CompiledPlaybook, cases: Iterable[GoldenCase]) -> list[GoldenResult]:
    return [check_case(compiled, case) for case in cases]
