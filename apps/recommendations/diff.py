"""The differences between two recommendations, for re-scoring and comparison."""

from __future__ import annotations

from dataclasses import dataclass

from apps.common.formatting import chance
from apps.recommendations.cost_caveat import NO_MODEL_QUALIFIER
from apps.recommendations.models import Recommendation
from apps.recommendations.snapshot.types import FiredRule


@dataclass(frozen=True)
class Change:
    what: str
    before: str
    after: str

    @property
    def changed(self) -> bool:
        return self.before != self.after


def _models(rec: Recommendation) -> str:
    """The top three models with their points, each ruled out by a requirement said so (review 41: a what-if listed
    them bare beside a result page that ruled every one out)."""
    return ", ".join(
        f"{m.name} ({m.score}{', ruled out' if m.excluded_because else ''})" for m in rec.record.evaluation.models[:3]
    )


def _delivered(rec: Recommendation) -> str:
    """Where the provider's work is delivered from, as the result says it (review 159: a £12M swing between Poland and
    India read only as an in-house figure, "In-house: Delivered from")."""
    ev = rec.record.evaluation
    if ev.delivery_candidates:
        names = {loc.code: loc.name for loc in ev.locations}
        return "one of " + ", ".join(names.get(code, code) for code in ev.delivery_candidates)
    here = ev.delivery_location
    if here is None:
        return "none: no location meets every requirement"
    return f"{here.name} (your own country)" if here.home else here.name


def _regimes(rec: Recommendation) -> str:
    return ", ".join(sorted(r.name for r in rec.record.evaluation.regimes)) or "none"


def _cost(rec: Recommendation) -> str:
    """The likely cost of the top-ranked model over the horizon; when that model is not costed, it says so
    before naming the model whose figure is shown (a figure is never passed off as another model's)."""
    evaluation = rec.record.evaluation
    cost = evaluation.cost
    top = cost.top
    if top is None or cost.inhouse_horizon is None:
        return _elsewhere_cost(rec)
    horizon = cost.period
    inhouse = cost.amount(cost.inhouse_horizon[1])
    figure = f"{top.name}{_later(rec, top.model)}: {cost.amount(top.horizon[1])} over {horizon} (in-house {inhouse})"
    ranked_first = evaluation.models[0] if evaluation.models else None
    if ranked_first is not None and ranked_first.code != top.model:
        return f"{ranked_first.name} not costed; {figure}"
    return figure


def _later(rec: Recommendation, model: str) -> str:
    """Beside the figure of the model a later start frees, when no model can be used as answered, as the result page
    and the memo mark it (review 167: compare gave it bare)."""
    ev = rec.record.evaluation
    return ", started when it can" if ev.no_model_usable and model in ev.ruled_out_by_date else ""


def _elsewhere_cost(rec: Recommendation) -> str:
    """A buyer elsewhere (no in-house benchmark): the first-ranked model's likely cost without what rests on in-house
    pay, in US dollars, and the in-house cost per person-year at which the two are level, or the first costed
    model's when it was not costed; "not estimated" when none was stored."""
    evaluation = rec.record.evaluation
    cost = evaluation.cost
    ranked_first = evaluation.models[0] if evaluation.models else None
    first = cost.outsourced(ranked_first.code if ranked_first is not None else None)
    if first is None or first.total is None or first.level is None:
        return "not estimated"
    figure = (
        f"{first.name}{_later(rec, first.model)}: {cost.amount(first.total[1])} over {cost.period} in US dollars, "
        "before moving the work"
        f" (no in-house benchmark; level with in-house at {cost.amount(first.level[1])} a person-year)"
    )
    if ranked_first is not None and ranked_first.code != first.model:
        return f"{ranked_first.name} not costed; {figure}"
    return figure


def _saving(rec: Recommendation) -> str:
    """The top-costed model's saving as a distribution (a total cost of ownership), or that it costs more
    than in-house; "—" for a rate × hours estimate, which had no distribution."""
    cost = rec.record.evaluation.cost
    top = cost.top
    if top is None or top.tco is None or top.probability_saving is None:
        return "—"
    odds = f"chance of a saving {chance(top.probability_saving)}"
    ev = rec.record.evaluation
    # A blocked verdict's figure is what it would be, were it not blocked, as the memo says (review 140).
    unless = "were it not blocked, " if ev.blockers else ""
    # A stop-gap priced as if it stayed, beside the plan the start date's trade-off costs (reviews 141 and 143).
    plan = ev.bridge_plan
    odds += (
        f"; priced for the whole period as if it stayed: the start-date trade-off's plan is about "
        f"{cost.amount(plan['total'])} over {cost.period}, about {cost.amount(plan['saving'])} "
        f"{'less' if plan['less'] else 'more'} than in-house"
        if plan is not None and top.model == (ev.models[0].code if ev.models else "")
        else ""
    )
    if top.extra_cost:
        return f"{unless}{top.name} costs more than in-house by {cost.amount(top.costs_more_by)}; {odds}"
    likely, p10, p50, p90 = (
        cost.amount(v) for v in (top.savings[1], top.savings_p10, top.savings_p50, top.savings_p90)
    )
    even = f"break-even month {top.break_even_month}" if top.break_even_month else "no break-even in the horizon"
    # In words (review 86: "P10 −£956,000, P50 £596,000, P90 £1,990,000" on the what-if page), led by the likely
    # figure the result page's headline gives (review 104: the comparison's £609,000 beside the result's £584,000).
    return (
        f"{unless}{top.name}: a likely saving of {likely} (the middle of the simulated cases {p50}, between {p10} and "
        f"{p90} in 8 of 10; a minus is a loss); {odds}; {even}"
    )


def _version(rec: Recommendation) -> str:
    return f"v{rec.record.playbook.version}"


def answer_changes(before: Recommendation, after: Recommendation) -> list[Change]:
    """The answers that differ between two recommendations, by question, in the later one's order.

    Only answers visible in either are compared (a hidden answer never counted); an answer given on one
    side only shows "not answered" on the other."""
    old = {a.code: a for a in before.record.answered}
    new = {a.code: a for a in after.record.answered}
    order = [*new, *(code for code in old if code not in new)]
    changes = []
    for code in order:
        b, a = old.get(code), new.get(code)
        shown = a or b
        change = Change(
            shown.prompt if shown else code,
            b.answer if b else "not answered",
            a.answer if a else "not answered",
        )
        if change.changed:
            changes.append(change)
    return changes


@dataclass(frozen=True)
class RuleChange:
    """A rule whose part in the result differs between two recommendations."""

    name: str
    change: str  # "now applies", "no longer applies" or "re-weighted"
    before: str
    after: str


def _effects(rule: FiredRule) -> str:
    return ", ".join(rule.effects) or "no effect"


def rule_changes(before: Recommendation, after: Recommendation) -> list[RuleChange]:
    """The rules that moved the result: fired on one side only, or fired on both with other effects. With
    the same answers on two playbook versions, these are exactly the rules the new version added, removed
    or re-weighted that touch this result."""
    old = {r.code: r for r in before.record.evaluation.fired}
    new = {r.code: r for r in after.record.evaluation.fired}
    found = []
    for code, rule in new.items():
        if code not in old:
            found.append(RuleChange(rule.name, "now applies", "—", _effects(rule)))
        elif _effects(old[code]) != _effects(rule):
            found.append(RuleChange(rule.name, "re-weighted", _effects(old[code]), _effects(rule)))
    found.extend(
        RuleChange(rule.name, "no longer applies", _effects(rule), "—") for code, rule in old.items() if code not in new
    )
    return found


_ANSWERED = ("Annual hours", "People", "Deliverables per year", "Horizon")  # the buyer's, not the catalogue's
DELIVERED = "Delivered from"  # the cost's input naming where the provider works, compared as a row of its own


def figure_changes(before: Recommendation, after: Recommendation) -> list[Change]:
    """The catalogue figures behind the cost that differ (a new playbook version brings new benchmarks):
    the in-house inputs and each model's inputs present on both sides, by label; answers are left out."""
    old, new = before.record.evaluation.cost, after.record.evaluation.cost
    pairs = [("In-house", old.inhouse_inputs, new.inhouse_inputs)]
    old_models = {m.model: m for m in old.models}
    pairs += [(m.name, old_models[m.model].inputs, m.inputs) for m in new.models if m.model in old_models]
    changes = []
    for owner, was, now in pairs:
        was_by_label = {i.label: i.value for i in was}
        for i in now:
            if i.label.startswith(_ANSWERED) or i.label == DELIVERED or i.label not in was_by_label:
                continue  # where the work is delivered from has a row of its own (``_delivered``)
            change = Change(f"{owner}: {i.label}", was_by_label[i.label], i.value)
            if change.changed:
                changes.append(change)
    return changes + one_time_changes(before, after)


def one_time_changes(before: Recommendation, after: Recommendation) -> list[Change]:
    """Each model's one-time costs, likely figure, where they differ: a contracting or set-up line can move a total on
    its own (review 159: $1,815 of contracting became $40,000 with nothing to show it), for compare and what-if alike
    (review 166: what-if left them out)."""
    old, new = before.record.evaluation.cost, after.record.evaluation.cost
    old_models = {m.model: m for m in old.models}
    changes = []
    for m in new.models:
        kept = old_models.get(m.model)
        if kept is None:
            continue
        before_once = {line.label: old.amount(line.horizon[1]) for line in kept.lines if line.kind == "one_time"}
        after_once = {line.label: new.amount(line.horizon[1]) for line in m.lines if line.kind == "one_time"}
        # A line on one side only (review 163: a transition and an exit that appeared with a smaller team) reads "none"
        # on the other.
        for label in [*after_once, *(label for label in before_once if label not in after_once)]:
            change = Change(f"{m.name}: {label}", before_once.get(label, "none"), after_once.get(label, "none"))
            if change.changed:
                changes.append(change)
    return changes


def _verdict(rec: Recommendation) -> str:
    """The verdict, with what blocks it named (review 132: compare read a blocked result as any other "doesn't win")."""
    ev = rec.record.evaluation
    said = rec.get_verdict_display()
    if ev.blockers:
        return f"{said} (blocked: {'; '.join(b.name for b in ev.blockers)})"
    # Review 164: "KPO wins" beside every model ruled out.
    return f"{said} ({NO_MODEL_QUALIFIER})" if ev.no_model_usable and rec.verdict != "doesnt_win" else said


def _score(rec: Recommendation) -> str:
    """The fit score, said to be capped where what blocks KPO holds it below the answers' fit (as the result page)."""
    ev = rec.record.evaluation
    if ev.score_capped:
        return f"{ev.fit_score}, capped by what blocks it ({ev.unblocked_score} on fit alone)"
    return str(rec.fit_score)


def differences(before: Recommendation, after: Recommendation) -> list[Change]:
    return [
        Change("Playbook version", _version(before), _version(after)),
        Change("Verdict", _verdict(before), _verdict(after)),
        Change("Fit score", _score(before), _score(after)),
        Change("Engagement models", _models(before), _models(after)),
        Change("Delivery location", _delivered(before), _delivered(after)),
        Change("Regimes", _regimes(before), _regimes(after)),
        Change("Cost (likely)", _cost(before), _cost(after)),
        Change("Saving (total cost of ownership)", _saving(before), _saving(after)),
    ]


@dataclass(frozen=True)
class ComparisonRow:
    what: str
    values: list[str]

    @property
    def differs(self) -> bool:
        return len(set(self.values)) > 1


def _risks(rec: Recommendation) -> str:
    return "; ".join(f"{r.title} ({r.severity})" for r in rec.record.evaluation.risks) or "none"


def _requirements(rec: Recommendation) -> str:
    return "; ".join(r.text for r in rec.record.evaluation.requirements) or "none"


def _trade_offs(rec: Recommendation) -> str:
    return "; ".join(c.text for c in rec.record.evaluation.conflicts) or "none"


def _conditions(rec: Recommendation) -> str:
    """The verdict's conditions; none for a verdict of "doesn't win", which has no conditions to meet (the result
    page shows none, and compare had listed the rules' ones under it as if outsourcing would go ahead: review 56)."""
    ev = rec.record.evaluation
    if ev.verdict == "doesnt_win":
        return "none: KPO doesn't win"
    # What others must settle first (a regulator's notice, a client's consent), then the buyer's own conditions; each
    # numbered, since a condition may hold a semicolon of its own (review 101: the notices that made the verdict
    # conditional were left out, and two conditions read as three).
    items = [f"{'in place before signing' if g.own else 'settled before signing'}: {g.text}" for g in ev.gates] + [
        c.text for c in ev.conditions
    ]
    if len(items) > 1:
        return " ".join(f"({i}) {text}{';' if i < len(items) else ''}" for i, text in enumerate(items, 1))
    return items[0] if items else "none"


def comparison_rows(recs: list[Recommendation]) -> list[ComparisonRow]:
    rows = [
        ("Verdict", _verdict),
        ("Conditions of the verdict", _conditions),
        ("Fit score", _score),
        ("Engagement models (top three)", _models),
        ("Delivery location", _delivered),
        ("Cost (likely)", _cost),
        ("Saving (total cost of ownership)", _saving),
        ("What you require", _requirements),
        ("Trade-offs to decide", _trade_offs),
        ("Regimes", _regimes),
        ("Risks", _risks),
        ("Playbook version", _version),
    ]
    return [ComparisonRow(what, [get(r) for r in recs]) for what, get in rows]
