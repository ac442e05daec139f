"""The compiled playbook: frozen, hashable-free plain data the evaluator walks.

The constants below are the product's vocabulary (question kinds, roles, operators, effect kinds,
severities, verdicts, obligation phases). They are the source: the Django choices that store them are
checked against them, one test per pair (tests/playbooks/test_vocabulary.py)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

Answers = Mapping[str, Any]
Predicate = Callable[[Answers], bool]

SINGLE, MULTI, YES_NO, INTEGER, MONEY, PERCENT = "single", "multi", "yes_no", "integer", "money", "percent"
KINDS = (SINGLE, MULTI, YES_NO, INTEGER, MONEY, PERCENT)
NUMERIC_KINDS = (INTEGER, MONEY, PERCENT)
OPERATORS = (
    "equals", "one_of", "none_of", "not_one_of", "contains_any", "contains_all",
    "at_least", "at_most", "between", "answered", "not_answered",
)  # fmt: skip
# The operators an unanswered (or hidden) question meets; every other one fails on it. ``not_one_of`` is
# ``none_of`` that also holds with no answer: "not this, or not said".
HOLDS_UNANSWERED = ("not_answered", "not_one_of")
ROLES = (
    "function", "annual_hours", "team_size", "deliverables", "horizon", "duration_weeks", "home_market",
    "buyer_location", "overlap_hours", "vendor_assurance", "data_location", "onsite", "licensed_signoff",
    "preferred_region", "overnight_turnaround", "cost_priority", "shifted_hours", "start_within",
    "own_inhouse_cost", "quoted_rate", "quoted_price", "displaced_staff", "own_entity", "buyer_country",
    "offshore_ban", "buyer_zone", "peak_share", "budget_fx", "quote_rise", "critical_function", "federal_tax_info",
    "demand_pattern", "work_language",
)  # fmt: skip
# The buyer's own figures for the total cost of ownership (engine/tco/estimate.py reads them by these
# roles): each replaces the benchmark it stands for and is marked as theirs. All are numbers.
BUYER_FIGURE_ROLES = ("own_inhouse_cost", "quoted_rate", "quoted_price", "displaced_staff", "budget_fx", "quote_rise")
# The roles whose answers make the buyer's requirements and preferences (requirements.derive reads
# them by these names); the evaluator passes exactly these to it.
REQUIREMENT_ROLES = (
    "buyer_location", "overlap_hours", "vendor_assurance", "data_location", "onsite", "licensed_signoff",
    "preferred_region", "overnight_turnaround", "cost_priority", "shifted_hours", "start_within", "own_entity",
    "buyer_country", "offshore_ban", "buyer_zone", "federal_tax_info", "team_size",
    "duration_weeks", "peak_share", "demand_pattern",
)  # fmt: skip
MATCH_MODES = ("all", "any")  # how a part's conditions combine: every one holds, or any one
EFFECT_KINDS = ("fit", "model", "blocker", "regime", "risk", "location", "condition", "gate")
# Effects that say something in words, and so need their text.
TEXT_EFFECTS = ("blocker", "risk", "condition", "gate")
# A gate is a legal step before signing that someone else may refuse (an export licence, a regulator's
# approval, a client's consent that can only be asked for): while one is open, the verdict is at best
# "KPO wins, on conditions", however high the fit. Its text names what must be settled.
SEVERITIES = ("low", "medium", "high")
VERDICT_LABELS = {
    "wins": "KPO wins",
    "conditional": "KPO wins, on conditions",
    "doesnt_win": "KPO doesn't win",
}
VERDICTS = tuple(VERDICT_LABELS)
PHASES = (("before_signing", "Before signing"), ("in_contract", "In the contract"), ("during", "During the engagement"))


@dataclass(frozen=True)
class Option:
    code: str
    label: str
    help: str = ""


@dataclass(frozen=True)
class Condition:
    question: str
    op: str
    value: Any

    def describe(self, questions: Mapping[str, Question]) -> str:
        question = questions.get(self.question)
        prompt = question.prompt if question else self.question
        labels = question.option_labels if question else {}

        def show(v: Any) -> str:
            if isinstance(v, list):
                return ", ".join(show(x) for x in v)
            if isinstance(v, bool):
                return "yes" if v else "no"
            return labels.get(v, str(v)) if isinstance(v, str) else f"{v:g}" if isinstance(v, float) else str(v)

        words = {
            "equals": "is",
            "one_of": "is one of",
            "none_of": "is none of",
            "contains_any": "includes any of",
            "contains_all": "includes all of",
            "at_least": "is at least",
            "at_most": "is at most",
            "between": "is between",
        }
        if self.op == "answered":
            return f"“{prompt}” is answered"
        if self.op == "not_answered":
            return f"“{prompt}” is not answered"
        if self.op == "not_one_of":
            # Options quoted: a label often reads as a sentence of its own ("We set it up ourselves, ...").
            values = self.value if isinstance(self.value, list) else [self.value]
            quoted = ", ".join(f"“{show(v)}”" if isinstance(v, str) else show(v) for v in values)
            return f"“{prompt}” {'is not' if len(values) == 1 else 'is none of'} {quoted} (or unanswered)"
        if self.op == "between":
            return f"“{prompt}” is between {show(self.value[0])} and {show(self.value[1])}"
        return f"“{prompt}” {words[self.op]} {show(self.value)}"


@dataclass(frozen=True)
class Question:
    code: str
    section: str
    prompt: str
    kind: str
    required: bool
    help: str = ""
    options: tuple[Option, ...] = ()
    min: float | None = None
    max: float | None = None
    unit: str = ""
    role: str = ""
    position: int = 0
    # A fact about the buyer, not a choice: what would flip it leaves the answer as it is.
    fixed: bool = False

    @property
    def option_codes(self) -> frozenset[str]:
        return frozenset(o.code for o in self.options)

    @property
    def option_labels(self) -> dict[str, str]:
        return {o.code: o.label for o in self.options}


@dataclass(frozen=True)
class Section:
    code: str
    title: str
    intro: str
    questions: tuple[str, ...]


@dataclass(frozen=True)
class Effect:
    kind: str
    points: int = 0
    target: str = ""  # model, regime or location code
    text: str = ""
    severity: str = ""
    mitigation: str = ""
    # A gate only: a notice the regulator may object to, rather than an approval, licence or consent it may refuse.
    notice: bool = False
    # A gate only: evidence the provider must give and the buyer judges (a language shown on real work), rather than an
    # approval that may be refused.
    evidence: bool = False
    # A gate only: something the buyer arranges itself before signing (a licensed supervisor's time), not anyone
    # else's decision.
    own: bool = False
    # A risk or a condition only: the engagement model this wording is for. It holds only when that model is the one
    # recommended, and then stands in for the same rule's risk of the same title naming none (whose mitigation may
    # suggest it), or for the same rule's conditions naming none.
    model: str = ""


@dataclass(frozen=True)
class Rule:
    code: str
    name: str
    rationale: str
    match: str
    conditions: tuple[Condition, ...]
    effects: tuple[Effect, ...]
    position: int = 0
    # The requirement role (``onsite``, ``licensed_signoff``) whose models this rule rules out: a rule the
    # compiler adds after the playbook's own (``compiler.requirement_rules``), "" for a curator's rule.
    enforces: str = ""


# The points a requirement rule gives each model that breaks the requirement: more than any playbook's own
# rules can make up, so such a model never ranks above one meeting every requirement.
EXCLUDED_POINTS = -10_000


@dataclass(frozen=True)
class Catalogue:
    models: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    functions: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    locations: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    regimes: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    # The total cost of ownership's figures (cost_assumptions.json as frozen at publication); empty in
    # playbooks published before it, which are costed as they were then (rate × hours).
    cost_assumptions: Mapping[str, Any] = field(default_factory=dict)
