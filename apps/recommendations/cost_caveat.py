"""What the cost says about the verdict, in one sentence next to it: the one home for that rule.

The verdict rests on fit (skills, capacity, quality), not on cost, so a "KPO wins" can sit above a cost
section where every model costs more than in-house. A reader who stops at the verdict must not take it for
a saving: when the recommended model's likely saving is negative, or a saving is less likely than not, the
result page, the memo, what-if and the ``recommend`` command all say so beside the verdict, from the
stored cost alone (the engine's verdict and fit score are unchanged). When the recommended model is not
costed at all, the sentence says so and why (the stored ``cost.skipped``), so the next models' figures are
not read as its own. Snapshots without a total cost of ownership (before version 4) say nothing new about a
saving: their rate × hours estimate has no chance of one.
"""

from __future__ import annotations

from dataclasses import dataclass

from apps.common.formatting import chance, number, sentence_start
from apps.playbooks.engine.evaluate import ONE_PLAN
from apps.playbooks.engine.tco.case import PART_SCALED, WEAK_MARK
from apps.playbooks.engine.tco.simulate import SEASONAL_LINE, TEMPORARY_LINE
from apps.playbooks.engine.tco.types import FTE_HOURS
from apps.recommendations.snapshot.types import Cost, CostModel, EvaluationRecord, ProviderFees

FIT_ONLY = "This verdict rests on fit (skills, capacity, quality), not on savings."
# Beside a verdict that does not pay (in-house cheaper in nine of ten simulated cases or more).
OTHER_REASON = "Go ahead only for a reason other than cost that you can name: capacity, speed, skills or quality."
# Beside a cost that argues against the verdict: its in-house side is the catalogue's pay for the function (one
# occupation's, which may not be who does the work), not the buyer's own figure.
CATALOGUE_PAY = (
    "The in-house side is the catalogue's pay for this kind of work, not what your people cost: if they are paid "
    "more, enter your own in-house cost and the comparison may turn."
)
# The transfer tool each regime whose provider must be able to take the data abroad names (the regime's
# ``vendor_requirement``, as the published playbook froze it): an EU buyer reads only the EU's, a UK buyer only
# the UK's, a buyer under both reads both.
TRANSFER_TOOLS = {
    "gdpr-transfer": "the EU standard contractual clauses, with a transfer impact assessment",
    "uk-transfer": "the UK IDTA or Addendum, with a transfer risk assessment",
}
# Snapshots stored before regimes recorded their provider requirement name both.
BOTH_TOOLS = "the EU standard contractual clauses, or the UK IDTA or Addendum, with a transfer risk assessment"


@dataclass(frozen=True)
class CostCaveat:
    """The cost beside the verdict: ``warning`` when the cost argues against it, else a likely saving."""

    warning: bool
    text: str
    # Beside the verdict's own words when the cost argues against the recommended model, so a reader who stops at
    # "KPO wins" does not take it for a saving; "" otherwise.
    headline: str = ""
    # After the headline, where the model recommended may be only a bridge to the one the answers favour and the
    # start-date trade-off costs that plan as one: the plan's figure against in-house (``bridge_headline``; reviews 140
    # and 143: the verdict's words gave the stop-gap's whole-period cost alone). Not a reason against the verdict.
    bridge: str = ""

    @property
    def shown(self) -> str:
        """The headline as the verdict's words carry it: with the bridge plan's figure, when there is one."""
        return "; ".join(part for part in (self.headline, self.bridge) if part)

    def verdict(self, label: str) -> str:
        """The verdict's words with the headline, as the result page's title and the memo's verdict read."""
        return f"{label} ({self.shown})" if self.shown else label

    @property
    def against(self) -> str:
        """The cost as a reason against the verdict, for the memo's "What speaks against it" ("Cost: it does not
        pay; likely to cost 81% more than in-house; under 1% chance of a saving"); "" when the cost does not argue
        against it. Review 59: that list read "No rule took points away" beside a cost 81% above in-house."""
        if not self.warning or not self.headline:
            return ""
        words = self.headline.removeprefix("on fit only; ").removeprefix("on fit; ")
        return f"Cost: {words}"


# The headlines: the likely cost is above in-house; a saving is less likely than not; in-house pay where the buyer is
# has no benchmark, so no saving is worked out (the level at which the two are even is said beside the verdict).
DEARER = (
    "likely to cost more than in-house"  # after the verdict's basis: "on fit; …" or "on fit only; it does not pay; …"
)
UNLIKELY_SAVING = "on fit; a saving is less likely than not"
# The same, where the chance rests on weak figures and is said in words that call it about even (``likelihood``: 36% to
# 49%), so the headline and the chance beside it agree (review 146: "less likely than not" and "about as likely as
# not" in one sentence).
EVEN_SAVING = "on fit; a saving is about as likely as not"
NOT_COMPARED = "on fit; its cost is not compared with your in-house pay"
# The recommended model is not costed, and every model that is costs more than in-house, likely and on most of
# the simulated cases: the only prices on the page argue against moving the work.
OTHERS_DEARER = "on fit; the models costed are likely to cost more than in-house"
# The likely saving is smaller than the premium assumed for people taken on for a piece of work done once (review 40:
# a $440 saving that rested on a $10,800 premium the buyer was never asked about).
ON_PREMIUM = "on fit; its saving rests on an assumed premium for temporary staff"
# The in-house lines of that premium, and whom they price: people taken on for work done once, or for a season's peak.
PREMIUM_LINES = {TEMPORARY_LINE: "for the work", SEASONAL_LINE: "for the peak"}
# Below this chance of a saving, the headline beside a dearer verdict says the chance too.
UNLIKELY_CHANCE = 0.1
# Another costed model is named beside the recommended one when its likely cost (or, for a buyer elsewhere, its level
# against in-house) is at most this share of the recommended one's: a tenth or more cheaper.
CHEAPER_MODEL_SHARE = 0.9


# Beside a verdict for KPO when every engagement model breaks a requirement the buyer set: the band is the fit's, as
# the tally gives it, but nothing can go ahead as answered (review 164: "KPO wins" right above "No engagement model can
# be used"; a procurement team reads the bare words as "go ahead").
NO_MODEL_QUALIFIER = "but no engagement model can be used as answered"


def verdict_qualifier(ev: EvaluationRecord, *, short: bool = False) -> str:
    """What the verdict's words carry in brackets: that no model can be used as answered, where so, then what the cost
    says against it (``CostCaveat.shown``; ``short``: its first two parts); "" when neither has anything to add."""
    held = NO_MODEL_QUALIFIER if ev.no_model_usable and ev.verdict != "doesnt_win" else ""
    caveat = cost_caveat(ev)
    said = "" if caveat is None else _lead(caveat.headline) if short and caveat.headline else caveat.shown
    return "; ".join(part for part in (held, said) if part)


def verdict_words(ev: EvaluationRecord, *, short: bool = False) -> str:
    """The verdict in words, with what qualifies it (``verdict_qualifier``); ``short``: only the cost headline's first
    two parts ("on fit; likely to cost 12% more than in-house"), for a page's title, which a screen reader reads out on
    every load (review 76: 216 characters with the chance and the exchange rate's age)."""
    qualifier = verdict_qualifier(ev, short=short)
    return f"{ev.verdict_label} ({qualifier})" if qualifier else ev.verdict_label


def cost_note(ev: EvaluationRecord) -> str:
    """What qualifies the verdict, for the lists beside it (``Recommendation.cost_note``): that no engagement model can
    be used as answered, where so (``NO_MODEL_QUALIFIER``, first: ``model_usable`` reads it), then the cost headline's
    lead when it warns, or that the cost is not compared with the buyer's in-house pay, then that answers need a
    second look (``CHECKS_NOTE``); "" when nothing qualifies it.
    "on fit only; it does not pay" says how much dearer in its third part, which is kept (review 83: the lists lost
    it). Review 170: the lists named a model the result said could not be used, and dropped the note of a buyer with
    no in-house benchmark."""
    held = NO_MODEL_QUALIFIER if ev.no_model_usable and ev.verdict != "doesnt_win" else ""
    # Answers that need a second look, which the result page puts before everything (review 174: a five-hour job's
    # caution was on the page and in the memo, and the lists said nothing).
    checked = CHECKS_NOTE if ev.cost.checks else ""
    caveat = cost_caveat(ev)
    said = ""
    if caveat is not None and caveat.headline and (caveat.warning or caveat.headline == NOT_COMPARED):
        said = _lead(caveat.headline, share=True)
    return "; ".join(part for part in (held, said, checked) if part)[:200]


# The lists' word for answers the result page asks to check first.
CHECKS_NOTE = "check your answers first"


def model_usable(note: str) -> bool:
    """Whether a stored recommendation's verdict can name a model, read from its ``cost_note``."""
    return not note.startswith(NO_MODEL_QUALIFIER)


def _lead(headline: str, *, share: bool = False) -> str:
    """The headline's first two parts ("on fit; likely to cost 12% more than in-house"); with ``share``, three when the
    second is "it does not pay", so the share it is dearer by comes too."""
    parts = headline.split("; ")
    keep = 3 if share and len(parts) > 2 and parts[1] == "it does not pay" else 2
    return "; ".join(parts[:keep])


def likelihood(p: float) -> str:
    """A simulated chance in words, for a chance resting on weak figures (``Cost.soft_chance``), judged on the whole
    per cent the figure shows elsewhere (``formatting.chance``), so the words and the per cent never disagree (review
    88: "about as likely as not" beside "65%")."""
    whole = round(float(p) * 100)
    if whole >= 90:
        return "very likely"
    if whole >= 65:
        return "likely"
    if whole > 35:
        return "about as likely as not"
    return "unlikely" if whole > 10 else "very unlikely"


def _chance(model: CostModel, cost: Cost) -> str:
    """The chance of a saving beside the verdict: to the percent, or in words with what it rests on when its
    in-house pay or the model's rate is a weak figure (the exact share stays in the cost section's table)."""
    p = model.probability_saving or 0
    if cost.fixed_by_buyer(model.model):
        return f"{chance(p)} chance of a saving if your quote and your in-house cost hold, as the simulation takes them"
    if not cost.soft_chance(model.model):
        return f"{chance(p)} chance of a saving"
    weak, of = cost.unsourced
    return (
        f"a saving is {likelihood(p)} on the ranges simulated, {weak} of whose {of} inputs are weak or have no "
        "published source"
    )


# How far the likely saving (every input at its most likely value) may sit from the simulation's median, as a share
# of the larger of the two, before the headline names the median beside it: a skewed range (in-house pay rises of
# 2.5% to 5%, likely 4.5%) can put the likely figure near a quartile, which a reader takes for the central case.
MIDDLE_APART = 0.1


def _middle(model: CostModel, cost: Cost) -> str:
    """The simulation's median saving, said beside the likely one when the two are far apart (``MIDDLE_APART``)."""
    likely, middle = model.savings[1], model.savings_p50
    if middle is None or abs(likely - middle) <= MIDDLE_APART * max(abs(likely), abs(middle)):
        return ""
    said = f"a saving of {cost.amount(middle)}" if middle >= 0 else f"a cost of {cost.amount(-middle)} more"
    return (
        f"; the middle of the simulated cases is {said}: the likely figure puts every input at its most likely "
        "value, and some of the ranges lean to one side of it"
    )


def recommended_cost(ev: EvaluationRecord) -> CostModel | None:
    """The total cost of the model the verdict recommends; None when KPO doesn't win (keeping the work
    in-house is then the advice, which the cost cannot contradict) or that model was not costed."""
    top = ev.top
    if top is None or ev.verdict == "doesnt_win" or not ev.cost.available or not ev.cost.is_tco:
        return None
    found = next((m for m in ev.cost.models if m.model == top.code), None)
    return found if found is not None and found.tco is not None and found.probability_saving is not None else None


def _against(saving: float, cost: Cost) -> str:
    """A likely saving as a phrase: "a likely saving of £1,000", or "£1,000 more than in-house (likely)"."""
    if saving >= 0:
        return f"a likely saving of {cost.amount(saving)}"
    return f"{cost.amount(-saving)} more than in-house (likely)"


def _beside_inhouse(saving: float, cost: Cost) -> str:
    """A likely saving set beside in-house, in brackets after another figure: "a likely saving of £1,000 against
    in-house", or "likely £1,000 more than in-house" (it had read "£1,000 more than in-house (likely) against
    in-house", review 91)."""
    if saving >= 0:
        return f"a likely saving of {cost.amount(saving)} against in-house"
    return f"likely {cost.amount(-saving)} more than in-house"


def transfer_tools(ev: EvaluationRecord) -> str:
    """The transfer tools the triggered regimes name for personal data leaving the EU or the UK, in words."""
    wanted = {r.vendor_requirement for r in ev.regimes}
    tools = [words for code, words in TRANSFER_TOOLS.items() if code in wanted]
    if len(tools) == 2:
        return f"{tools[0]}, for the EU data; {tools[1]}, for the UK data"
    return tools[0] if tools else BOTH_TOOLS


def _needs_more_first(ev: EvaluationRecord, code: str, needs: tuple[str, ...]) -> bool:
    """Whether delivery from ``code`` needs what a triggered regime asks first (its ``needs``, an export
    authorisation) while delivery from where the verdict delivers does not: on equal points that ranks it lower."""
    if not needs or ev.delivery_location is None:
        return False
    there = next((loc for loc in ev.locations if loc.code == code), None)
    rules = {c.rule for c in there.contributions if c.text in needs} if there is not None else set()
    return not any(c.rule in rules and c.points < 0 for c in ev.delivery_location.contributions)


def cheaper_location_text(ev: EvaluationRecord) -> str:
    """One sentence naming a location that meets every requirement too and would likely cost materially less
    (``cost.cheaper_location``), with the fit it gives up and what it needs; "" when there is none."""
    where, delivered = ev.cost.cheaper_location, ev.delivery_location
    if where is None or delivered is None:
        return ""
    here = delivered.in_text
    years = ev.cost.period
    across = any(loc.code == where.location and loc.across_date_line for loc in ev.locations)
    if where.points_behind > 0:
        points = f"{where.points_behind} point{'' if where.points_behind == 1 else 's'}"
        behind = f"ranks {points} behind {here} on fit{_what_sets_apart(ev, where.location)}"
    elif where.points_behind < 0:
        # More points, ranked lower (review 64 read "ties with Mexico on fit" of a location 15 points ahead).
        ahead = -where.points_behind
        behind = f"scores {ahead} point{'' if ahead == 1 else 's'} more than {here} but ranks below it"
        lacks = next((loc.lacks_language for loc in ev.locations if loc.code == where.location), "")
        if lacks and not delivered.lacks_language:
            behind += (
                f": teams there do not commonly work in {lacks}, the language you said the team must work in, which "
                "ranks it below every location whose teams do"
            )
        elif across:
            behind += (
                ": its working day meets yours only across the date line, on 4 of your 5 working days, which ranks "
                "it below every location whose day meets yours on all five"
            )
    elif across:
        behind = (
            f"ties with {here} on fit ({here} comes first: the working day there meets yours only across the date "
            "line, on 4 of your 5 working days)"
        )
    elif where.needs_transfer_tool:
        behind = (
            f"ties with {here} on fit ({here} comes first: the personal data needs no transfer tool to reach a "
            "provider there)"
        )
    elif _needs_more_first(ev, where.location, where.needs):
        behind = (
            f"ties with {here} on fit ({here} comes first: delivery from {where.in_text} needs a step first that "
            f"delivery from {here} does not)"
        )
    elif delivered.preferred and not any(loc.preferred for loc in ev.locations if loc.code == where.location):
        behind = f"ties with {here} on fit ({here} comes first: it is in the region you prefer)"
    else:
        # Equal points and transfer status: the ranking put the location with more overlap with the buyer's
        # working day first (a cheaper one with the same overlap would have come first itself).
        behind = f"ties with {here} on fit ({here} comes first: it overlaps your working day more)"
    there = _against(where.savings[1], ev.cost)
    if where.savings[1] >= 0:
        p = where.probability_saving
        there += (
            f" (a saving {likelihood(p)})" if ev.cost.soft_chance(where.model) else f" ({chance(p)} chance of a saving)"
        )
    needs = (
        f" It would need a transfer tool for the personal data ({transfer_tools(ev)})."
        if where.needs_transfer_tool
        else ""
    )
    if where.needs:  # what a regime your answers trigger asks of delivery from there, in its rules' words
        own = "a condition of its own" if len(where.needs) == 1 else "conditions of its own"
        needs += f" But {where.in_text} comes with {own}: {'; '.join(where.needs)}."
    # Against a benchmark's pay (review 38: a Polish bank read a saving from India worked out at euro-area pay).
    basis = f", both{pay}" if (pay := _pay_basis(ev.cost)) else ""
    return (
        f"{sentence_start(where.in_text)} also meets every requirement you set and {behind}. From {where.in_text}, "
        f"{where.model_name} comes to {there} over {years}, against {_against(where.delivered_saving, ev.cost)} from "
        f"{here}{basis}.{needs}"
    )


def _what_sets_apart(ev: EvaluationRecord, code: str) -> str:
    """What sets the delivery location ahead of the location ``code`` on fit, in the rules' words, the largest gaps
    first (" (what sets them apart: Spanish is Argentina's main language, +15, against none for India)"), so a location
    said to meet every requirement is not read as matching a wish the ranking weighs (review 144: a buyer working in
    Spanish read that India "meets every requirement you set", the language being no requirement); "" when no rule's
    points set them apart."""
    delivered, other = ev.delivery_location, next((loc for loc in ev.locations if loc.code == code), None)
    if delivered is None or other is None:
        return ""
    ours = {c.rule: c for c in delivered.contributions}
    theirs = {c.rule: c for c in other.contributions}
    gaps = []
    for rule in dict.fromkeys([*ours, *theirs]):
        mine, yours = ours.get(rule), theirs.get(rule)
        d, o = (mine.points if mine else 0), (yours.points if yours else 0)
        if d > o and mine is not None:
            against = f"{o:+d}" if yours is not None else "none"
            gaps.append((d - o, f"{mine.text or mine.name}, {d:+d} against {against} for {other.in_text}"))
        elif d > o and yours is not None:  # a rule taking points from the other alone
            gaps.append((d - o, f"{yours.text or yours.name}, {o:+d}"))
    if not gaps:
        return ""
    gaps.sort(key=lambda g: -g[0])
    return f" (what sets them apart: {'; '.join(text for _, text in gaps[:3])})"


def not_costed_text(ev: EvaluationRecord) -> str:
    """When KPO wins but the recommended model is not among the costed ones (a project with no count of
    deliverables, or whose benchmark price does not fit the hours), one sentence saying so and why, so a
    reader does not take the next models' figures for it; "" otherwise."""
    top = ev.top
    if top is None or ev.verdict == "doesnt_win" or not ev.cost.available or not ev.cost.is_tco or not ev.cost.models:
        return ""
    if any(m.model == top.code for m in ev.cost.models):
        return ""
    why = next((reason for name, reason in ev.cost.skipped if name == top.name), "")
    others = [m.name for m in ev.cost.models]
    names = ", ".join(others[:-1]) + (" and " if len(others) > 1 else "") + others[-1]
    return (
        f"The recommended model, {top.name}, is not costed{': ' + why if why else ''}. The costs below are for "
        f"the next model{'s' if len(others) > 1 else ''} ({names}), not for it."
    )


def _others_dearer(ev: EvaluationRecord) -> str:
    """Beside a recommended model that is not costed, when every model costed is likely to cost more than in-house
    and saves in fewer than half the simulated cases: what each costs more, and that the verdict rests on fit; ""
    otherwise (a model costed that may save, or none with a total cost)."""
    costed = [m for m in ev.cost.models if m.tco is not None and m.probability_saving is not None]
    if not costed or any(m.savings[1] >= 0 or (m.probability_saving or 0) >= 0.5 for m in costed):
        return ""
    each = "; ".join(f"{m.name} by {ev.cost.amount(-m.savings[1])} ({_chance(m, ev.cost)})" for m in costed)
    return (
        f"On cost alone, keeping the work in-house is likely cheaper than any model costed: {each}, over "
        f"{ev.cost.period}. {FIT_ONLY}{_catalogue_pay(ev.cost)}"
    )


def _catalogue_pay(cost: Cost) -> str:
    """``CATALOGUE_PAY`` (with a leading space) when the in-house pay is the catalogue's, "" when it is the
    buyer's own figure or not recorded."""
    salary = next((f for f in cost.figures if f.key == "inhouse.salary"), None)
    return f" {CATALOGUE_PAY}" if salary is not None and not salary.supplied else ""


def location_premium(ev: EvaluationRecord, model: CostModel) -> str:
    """Beside a cost that argues against the verdict, delivered from a location dearer than the benchmark: why its
    figure is high (the function's Indian rate scaled by the location's cost index, a regional figure with its
    source) and what to rely on instead; "" when the index is the benchmark's, or the buyer's own quote replaced
    the rate (no index is applied to a quote)."""
    figures = {f.key: f for f in ev.cost.figures}
    index, rate, where = figures.get("location.index"), figures.get(f"{model.model}.rate"), ev.delivery_location
    if index is None or index.likely <= 1.0 or rate is None or rate.supplied or where is None:
        return ""
    # Where the index scales only part of the rate, its arithmetic stays in the cost inputs (review 146: "1 + (1.67 −
    # 1) × 0.36 = 1.2412" in the verdict's panel); the panel says what the figure is.
    catalogue, scaled, _ = index.source.partition(f" {PART_SCALED} ")
    if scaled:
        catalogue = catalogue.rsplit("; ", 1)[0]
    source = catalogue + (WEAK_MARK if index.weak and WEAK_MARK not in catalogue else "")
    what = (
        f"the cost index of {where.in_text} applied to the part of this work's rate that follows where the team is"
        if scaled
        else f"the cost index of {where.in_text}"
    )
    return (
        f"From {where.in_text}, the provider's rate is the Indian benchmark rate for this work × {index.likely:g}, "
        f"{what} ({source}): a regional figure, not a rate card for this work there. "
        f"A quote from a provider in {where.in_text} is the figure to rely on: enter it under your own cost figures."
    )


def elsewhere_cost_text(ev: EvaluationRecord) -> str:
    """For a buyer whose in-house pay has no benchmark (no saving worked out) when KPO wins: the recommended model's
    likely cost in US dollars and the in-house cost per person-year at which the two are level, the figure such a
    buyer sets beside its own (``cost.provider_fees``); "" when there is none (stored before it, or not costed)."""
    top = ev.top
    if top is None or ev.verdict == "doesnt_win" or ev.cost.available:
        return ""
    found = next((f for f in ev.cost.costed_fees if f.model == top.code), None)
    if ev.no_model_usable:
        # The model a later start frees, priced from its own launch (review 164: no figure at all).
        found = next((f for f in ev.cost.costed_fees if f.model in ev.ruled_out_by_date), found)
    if found is None or found.total is None or found.level is None:
        return ""
    cost = ev.cost
    return (
        f"Likely cost with {found.name}: {cost.amount(found.total[1])} over {cost.period}, in US dollars (in 8 of 10 "
        f"simulated cases between {cost.amount(found.total[0])} and {cost.amount(found.total[2])}), before the cost "
        f"of moving the work. No saving is worked out, as in-house pay where you are has no benchmark: if one person "
        f"doing this work costs you more than about {cost.amount(found.level[1])} a year, all in, it is likely to "
        f"cost less than keeping it in-house."
        + (f" {_export_rates(ev)}" if ev.export_rates_at_home else "")
        + (f" {_weak_rate(ev, found)}" if found.weak else "")
        + (f" {later}" if (later := later_start_text(ev, found)) else "")
        + (f" {bridge}" if (bridge := bridge_text(ev, found)) else "")
        + _cheaper_option(ev, found)
    )


def _export_rates(ev: EvaluationRecord) -> str:
    """Beside the level of a buyer sourcing in its own country at the catalogue's rates: those are what providers there
    charge clients abroad (review 159: an Indian buyer was told outsourcing at home pays above about $94,000 a head,
    several times local pay, with nothing to say why)."""
    here = ev.delivery_location
    where = here.in_text if here is not None else "your country"
    return (
        f"That level rests on what providers in {where} charge clients abroad, in US dollars: a domestic contract is "
        "often priced lower, so a local provider's quote is the figure to compare."
    )


def _weak_rate(ev: EvaluationRecord, fees: ProviderFees) -> str:
    """What a weak rate is checked against: a provider's quote, or for a centre of the buyer's own (no provider),
    what it would cost to employ the people there."""
    owned = any(m.code == fees.model and m.owned_by_buyer for m in ev.models)
    if owned:
        return "Its staff cost rests on a weak source: verify it with what employing people for this work costs there."
    return "Its rate rests on a weak source: verify it with a provider's quote."


def _cheaper_option(ev: EvaluationRecord, top: ProviderFees) -> str:
    """Beside a buyer elsewhere's recommended model: the costed model meeting every requirement with the lowest level,
    when it is likely to cost a tenth or more less (the verdict ranks on fit, so the cheapest may not be the one
    recommended), said as ``cheaper_model_text`` says it for a buyer with a benchmark. A model priced per deliverable
    is not offered: its cost follows the count of deliverables answered, not the hours, so set beside hourly-priced
    models it can look far cheaper for the same work. Nor is one a requirement rules out (review 164: an own centre
    the start date ruled out was put forward as "would likely cost less", priced as if it ran from month 1)."""
    basis_of = {m.code: m.pricing_basis for m in ev.models}
    excluded = {m.code for m in ev.models if m.excluded_because}
    costed = [
        f
        for f in ev.cost.costed_fees
        if f is not top and basis_of.get(f.model) != "per_deliverable" and f.model not in excluded
    ]
    if not costed or top.level is None:
        return ""
    cheapest = min(costed, key=lambda f: f.level[1] if f.level else 0)
    if cheapest.level is None or cheapest.total is None or cheapest.level[1] > CHEAPER_MODEL_SHARE * top.level[1]:
        return ""
    cost = ev.cost
    basis = (
        f" on the benchmark rate, where {top.name} is on your quote"
        if _quoted(ev, top.model) and not _quoted(ev, cheapest.model)
        else ""
    )
    if not basis and basis_of.get(cheapest.model) in UNPUBLISHED_PRICE_BASES and not _quoted(ev, cheapest.model):
        # Review 164: a managed service's price, the product's own estimate, was put forward with no word of it.
        basis = (
            ", on an estimate (the dedicated rate with an assumed premium: no source publishes its prices), so a "
            "quote for it would show whether it does"
        )
    return (
        f" {cheapest.name} would likely cost less{basis}: {cost.amount(cheapest.total[1])} over {cost.period}, level "
        f"with in-house at about {cost.amount(cheapest.level[1])} a person-year; it ranks lower on fit, for the "
        "reasons in the ranking."
    )


def _priced_by_deliverable(ev: EvaluationRecord, model: CostModel) -> bool:
    """The model is priced per deliverable from the benchmark (not the buyer's own quote): its cost follows the
    count of deliverables answered, not the hours, so beside hourly-priced models it can look far cheaper for the
    same work."""
    if model.basis != "per_deliverable":
        return False
    price = next((f for f in ev.cost.figures if f.key == f"{model.model}.price"), None)
    return price is None or not price.supplied


def cheaper_model_text(ev: EvaluationRecord, top: CostModel) -> str:
    """Beside the recommended model's cost: another costed model meeting every requirement whose likely total is a
    tenth or more below it (the verdict ranks on fit, so the cheapest may not be the one recommended), with its
    total and what it saves; "" when there is none. A model priced per deliverable from the benchmark is not
    offered (``_priced_by_deliverable``); on the buyer's own quote it is."""
    excluded = {m.code for m in ev.models if m.excluded_because}
    costed = [
        m
        for m in ev.cost.models
        if m is not top and m.tco is not None and m.model not in excluded and not _priced_by_deliverable(ev, m)
    ]
    if not costed:
        return ""
    cheapest = min(costed, key=lambda m: m.horizon[1])
    if cheapest.horizon[1] > CHEAPER_MODEL_SHARE * top.horizon[1]:
        return ""
    cost = ev.cost
    # The recommended model on the buyer's quote, the cheaper one on the benchmark: not like for like, so said.
    basis = (
        f" on the benchmark rate, where {top.name} is on your quote: a quote for it would show whether it does"
        if _quoted(ev, top.model) and not _quoted(ev, cheapest.model)
        else ""
    )
    if not basis and cheapest.basis in UNPUBLISHED_PRICE_BASES and not _quoted(ev, cheapest.model):
        # No source prices a shared pool or an outcome: its cost is the dedicated rate with the product's premium.
        basis = (
            ", on an estimate (the dedicated rate with an assumed premium: no source publishes its prices), so a "
            "quote for it would show whether it does"
        )
    return (
        f"{cheapest.name} would likely cost less{basis}: {cost.amount(cheapest.horizon[1])} over {cost.period} "
        f"({_beside_inhouse(cheapest.savings[1], cost)}) against {cost.amount(top.horizon[1])} for {top.name}"
        f"{_hours_apart(cheapest, top, cost)}; it ranks lower on fit, for the reasons in the ranking."
    )


# A team is priced at every person full-time; a model priced by the hours at the hours answered. Said beside a cheaper
# model when the team's full-time hours are more than this share above the hours answered.
SEATS_ABOVE_HOURS = 1.1


def _hours_apart(cheaper: CostModel, top: CostModel, cost: Cost) -> str:
    """Why a model priced by the hours may come out cheaper than a team: the team is priced at all its people
    full-time, the other at the hours answered ("" when the two are close or either figure is missing)."""
    people, hours = cost.team_size, cost.annual_hours
    if cheaper.basis not in ("hourly", "outcome", "per_deliverable") or top.basis not in TEAM_BASES:
        return ""
    if not people or not hours or people * FTE_HOURS <= SEATS_ABOVE_HOURS * hours:
        return ""
    return (
        f", partly because it is priced on the {number(hours)} hours a year you answered, where {top.name} is "
        f"priced at all {number(people)} people full-time ({number(people * FTE_HOURS)} hours)"
    )


# The pricing bases of a team priced at every person full-time (a dedicated team, staff augmentation, BOT).
TEAM_BASES = ("monthly_team", "setup_plus_hourly")
# The pricing bases no source publishes a price for: costed from the dedicated rate with a premium (``tco.case``).
UNPUBLISHED_PRICE_BASES = ("hourly", "outcome")


def dearer_headline(model: CostModel, cost: Cost | None = None, *, here: str = "") -> str:
    """The headline beside a verdict whose recommended model is likely to cost more than in-house, with how much more
    as a share of in-house when it is known ("on fit; likely to cost 94% more than in-house"): two reviewers read
    "KPO wins" beside a cost nearly double in-house, and the size of the gap belongs where the verdict is read. When
    the in-house side is a benchmark's pay the buyer did not replace (the euro-area average, a national median), the
    headline says so: a Dutch buyer read "10% more" beside a note that pay in the Netherlands is higher (review 33)."""
    share = model.savings_percent
    basis = _pay_basis(cost) if cost is not None else ""
    # A saving so unlikely that in-house is cheaper in nine of ten simulated cases or more is said in the headline too
    # (review 43: a CFO reads the verdict's words, and "KPO wins" stood beside a 127% dearer cost).
    p = model.probability_saving
    odds = ""
    if p is not None and cost is not None:
        odds = f"; a saving {likelihood(p)}" if cost.soft_chance(model.model) else f"; {chance(p)} chance of a saving"
    # In-house cheaper in nine of ten simulated cases or more: the verdict's fit does not make the move pay (review 46).
    lead = "on fit only; it does not pay" if p is not None and p < UNLIKELY_CHANCE else "on fit"
    dearer = DEARER if share is None or share > -1 else f"likely to cost {number(round(-share))}% more than in-house"
    # ``here``: where that cost is delivered from, said when another location's saving follows (review 113).
    where = f" from {here}" if here else ""
    return f"{lead}; {dearer}{where}{basis}{odds}"


def tied_saving_headline(ev: EvaluationRecord) -> str:
    """Beside a dearer (or doubtful) cost from where the work is delivered: a location tied with it on fit, meeting
    every requirement, from which the same model likely saves ("; from India, tied on fit: a likely saving of
    €848,000"), else "". A tie on fit is broken by what costs nothing to weigh (no transfer tool, more overlap, the
    region preferred), so the headline says both: a French bank read "27% more" priced from Poland at a rate derived
    from developers' pay, with India's saving three sentences on (review 79)."""
    where = ev.cost.cheaper_location
    if where is None or where.savings[1] <= 0:
        return ""
    # Behind on fit, it is named too, with how far (review 113: "it does not pay" at the top, India's saving a screen
    # down): the headline then says where the dearer cost is from.
    if where.points_behind > 0:
        fit = f"{where.points_behind} point{'' if where.points_behind == 1 else 's'} behind on fit"
    elif where.points_behind < 0:
        fit = "ranked lower"
    else:
        fit = "tied on fit"
    return f"; from {where.in_text}, {fit}: a likely saving of {ev.cost.amount(where.savings[1])}"


def _placed(ev: EvaluationRecord, elsewhere: str) -> str:
    """Where the dearer cost is delivered from, when another location's saving follows it (``elsewhere``), so the
    two figures are each placed ("… more than in-house from Poland; from India, …"); "" otherwise."""
    return ev.delivery_location.in_text if elsewhere and ev.delivery_location is not None else ""


def _pay_basis(cost: Cost) -> str:
    """ " at euro-area pay" or " at the UK median pay" when the in-house side is that benchmark ("at an estimate of
    ..." when its figure is an estimate marked weak, not read from the survey), else ""."""
    estimate = "an estimate of " if cost.pay_estimated else ""
    if cost.regional_pay:
        return f" at {estimate}euro-area pay"
    if cost.national_pay:
        return f" at {estimate}the {'UK' if cost.national_pay == 'uk' else 'US'} median pay"
    return ""


def quote_where(ev: EvaluationRecord, model: CostModel) -> str:
    """Beside a cost priced on the buyer's quote: where it is taken to be a price for. The product does not ask where
    the quoting provider's team works, so a quote for another country (an Indian price, the work delivered from
    Colombia) would be read as this location's (review 50); the cost section says the same beside the rate."""
    here = ev.delivery_location
    if here is None or not _quoted(ev, model.model):
        return ""
    return (
        f"Your quote is taken as the price for delivery from {here.in_text}: a quote for a team in another country "
        "is that country's price, so compare the locations' cost indices before relying on this figure."
    )


def _quoted(ev: EvaluationRecord, code: str) -> bool:
    """The model is costed on the buyer's own quote (its rate or its price per deliverable)."""
    return any(f.supplied and f.key in (f"{code}.rate", f"{code}.price") for f in ev.cost.figures)


def cost_caveat(ev: EvaluationRecord) -> CostCaveat | None:
    """The sentence to put next to the verdict, or None when the stored cost has nothing to add. Where the providers'
    prices were converted at a dated exchange rate a year old or more (``Cost.stale_rate``), the headline and the
    sentence say how old it is: the cost section's warning was below the verdict its figures had already decided
    (review 54: a German buyer's "2% more, a saving about as likely as not" became a likely saving at a rate a
    year and a half on)."""
    caveat = _cost_caveat(ev)
    if caveat is None or not ev.cost.stale_rate:
        return caveat
    headline = f"{caveat.headline}{dated_rate_headline(ev.cost)}" if caveat.headline else ""
    return CostCaveat(
        warning=caveat.warning,
        text=f"{caveat.text}{dated_rate_text(ev.cost)}",
        headline=headline,
        bridge=caveat.bridge,
    )


def dated_rate_text(cost: Cost) -> str:
    """The sentence ending the cost beside the verdict when a stale exchange rate converted the providers' prices
    (with its leading space), else ""."""
    if not cost.stale_rate:
        return ""
    return (
        f" The providers' prices are converted at a dated exchange rate, {cost.rate_age_months} months old when this "
        "was worked out: check it against today's rate (the cost section says how)."
    )


def dated_rate_headline(cost: Cost) -> str:
    """What ends a headline beside the verdict when a stale exchange rate converted the providers' prices, else ""."""
    return f"; at an exchange rate {cost.rate_age_months} months old" if cost.stale_rate else ""


def _favoured_name(ev: EvaluationRecord) -> str:
    """The name of the model the answers favour that the start date rules out first; "" when none is named."""
    code = ev.favoured_conflicts[0].code.removeprefix("start_within:") if ev.favoured_conflicts else ""
    return next((m.name for m in ev.models if m.code == code), "")


def bridge_text(ev: EvaluationRecord, model: CostModel | ProviderFees) -> str:
    """When the model recommended is the best that can start by the date asked for and the answers favour another
    the date rules out: that its figure prices it for the whole period, not as a bridge to the other (reviews 124 and
    126: a stop-gap's three-year saving read as the budget of the plan the trade-off proposes; review 164: a buyer with
    no benchmark read nothing of it beside the provider fees); else ""."""
    late = ev.favoured_conflicts
    if not late or ev.verdict == "doesnt_win" or not ev.models or ev.models[0].code != model.model:
        return ""
    favoured = _favoured_name(ev)
    if not favoured:
        return ""
    # The trade-off costs the plan as one where both were costed (``engine.evaluate._bridge_plan``); its figures are
    # said here too (review 135: the plan's figure was only in brackets inside the trade-off's third option).
    planned = next((option for option in late[0].options if ONE_PLAN in option.costs), None)
    if planned is None:
        tail = "and that plan is not costed as one."
    elif planned.plan is None:  # stored before the plan's figures were
        tail = "and the trade-off below costs that plan as one."
    else:
        total, saving = planned.plan
        against = f"{ev.cost.amount(abs(saving))} {'less' if saving >= 0 else 'more'} than in-house"
        tail = (
            f"and the trade-off below costs that plan as one: about {ev.cost.amount(total)} over {ev.cost.period}, "
            f"about {against} (likely figures added, not simulated together)."
        )
    return (
        f"That prices {model.name} for the whole period, as if it stayed: your answers favour {favoured}, which "
        f"cannot start in time, so {model.name} may be only a bridge to it, {tail}"
    )


def later_start_text(ev: EvaluationRecord, model: CostModel | ProviderFees) -> str:
    """Beside the figures of the model a later start frees, when no model can be used as answered (the cost prices it
    alone, from its own launch): that they are for that later start, not the date given; "" otherwise (review 159:
    "Likely cost: not estimated" beside "KPO wins, on conditions")."""
    if not ev.no_model_usable or model.model not in ev.ruled_out_by_date:
        return ""
    return (
        f"No model can start by the date you gave, so that prices {model.name} from its own launch, as if the work "
        "started when it can: the start-date trade-off says when."
    )


def bridge_headline(ev: EvaluationRecord, model: CostModel) -> str:
    """Beside a verdict whose cost argues against the model recommended, where that model may be only a bridge to the
    one the answers favour (``bridge_text``) and the start-date trade-off costs that plan as one: the plan's likely
    figure against in-house ("as one plan with Own captive centre (GCC): about £2,650,000 less than in-house"), else
    "". Reviews 140 and 143: the verdict's words read "likely to cost 7% more than
    in-house" of a stop-gap priced as if it stayed, beside a plan likely £2.65m cheaper than in-house."""
    plan = ev.bridge_plan
    if plan is None or not bridge_text(ev, model):
        return ""
    favoured = _favoured_name(ev)
    # Short: it ends a heading that may already hold three figures (review 148: 300 characters at 375 px).
    return (
        f"as one plan with {favoured}: about {ev.cost.amount(plan['saving'])} "
        f"{'less' if plan['less'] else 'more'} than in-house"
    )


def _cost_caveat(ev: EvaluationRecord) -> CostCaveat | None:
    model = recommended_cost(ev)
    if model is None:
        if elsewhere := elsewhere_cost_text(ev):
            return CostCaveat(warning=False, text=elsewhere, headline=NOT_COMPARED)
        missing = not_costed_text(ev)
        if not missing:
            return None
        if dearer := _others_dearer(ev):
            return CostCaveat(warning=True, text=f"{missing} {dearer}", headline=OTHERS_DEARER)
        return CostCaveat(warning=True, text=missing)
    years, likely = ev.cost.period, model.savings[1]
    also = "".join(
        f" {text}"
        for text in (
            later_start_text(ev, model),
            bridge_text(ev, model),
            quote_where(ev, model),
            cheaper_model_text(ev, model),
            cheaper_location_text(ev),
        )
        if text
    )
    pay = _catalogue_pay(ev.cost)
    if premium := location_premium(ev, model):
        pay += f" {premium}"
    if likely < 0:
        reason = (
            f" {OTHER_REASON}"
            if model.probability_saving is not None and model.probability_saving < UNLIKELY_CHANCE
            else ""
        )
        text = (
            f"On cost alone, keeping the work in-house is likely cheaper: {model.name} is likely to cost "
            f"{ev.cost.amount(-likely)} more over {years} ({_chance(model, ev.cost)}{_middle(model, ev.cost)}). "
            f"{FIT_ONLY}{reason}{pay}{also}"
        )
        elsewhere = tied_saving_headline(ev)
        headline = dearer_headline(model, ev.cost, here=_placed(ev, elsewhere)) + elsewhere
        return CostCaveat(warning=True, text=text, headline=headline, bridge=bridge_headline(ev, model))
    if (model.probability_saving or 0) < 0.5:
        even = (
            ev.cost.soft_chance(model.model) and likelihood(model.probability_saving or 0) == "about as likely as not"
        )
        text = (
            f"On cost alone, a saving is {'about as likely as not' if even else 'less likely than not'}: "
            f"{model.name}'s likely saving is "
            f"{ev.cost.amount(likely)} over {years} ({_chance(model, ev.cost)}{_middle(model, ev.cost)}). "
            f"{FIT_ONLY}{pay}{also}"
        )
        elsewhere = tied_saving_headline(ev)
        here = _placed(ev, elsewhere)
        headline = (EVEN_SAVING if even else UNLIKELY_SAVING) + (f" from {here}" if here else "") + elsewhere
        return CostCaveat(warning=True, text=text, headline=headline, bridge=bridge_headline(ev, model))
    # In words a buyer reads at the top of the result, before the cost section explains P10 and P90.
    spread = (
        f"(in 8 of 10 simulated cases {_spread(model.savings_p10, model.savings_p90, ev.cost)}; "
        f"{_chance(model, ev.cost)}{_middle(model, ev.cost)})"
    )
    rests, decides = premium_decides(ev, model)
    if rests:
        # The assumption the saving rests on follows its spread, before any other option (review 43: it came last;
        # review 46: put before the spread, the figure without it read as the spread's own).
        text = f"Likely saving with {model.name}: {ev.cost.amount(likely)} over {years} {spread}, {rests}.{also}"
        return CostCaveat(warning=decides, text=text, headline=ON_PREMIUM if decides else "")
    text = f"Likely saving with {model.name}: {ev.cost.amount(likely)} over {years} {spread}.{also}"
    return CostCaveat(warning=False, text=text)


# The share of a likely saving the assumed premium for temporary staff may make up before the headline names it.
PREMIUM_SHARE = 0.25


def premium_decides(ev: EvaluationRecord, model: CostModel) -> tuple[str, bool]:
    """The premium assumed for the people the buyer would take on in-house, for a piece of work done once or for a
    season's peak, beside a likely saving it makes up a large part of (``PREMIUM_SHARE``): a clause saying so and
    what the saving would be against people the buyer already employs, with its own spread and chance where the
    simulation recorded them (review 47: the premium-free figure sat below the spread it followed), and whether the
    saving rests on it entirely (it is smaller than the premium, so without it the model costs more); ("", False)
    otherwise."""
    cost, likely = ev.cost, model.savings[1]
    premium = cost.temporary_premium
    line = next((line for line in cost.inhouse_lines if line.label in PREMIUM_LINES), None)
    if premium is None or line is None or likely <= 0 or line.horizon[1] < PREMIUM_SHARE * likely:
        return "", False
    taken_on, assumed = PREMIUM_LINES[line.label], line.horizon[1]
    said = (
        f"the premium assumed for people taken on {taken_on} in-house ({premium.likely:.0%} on their loaded cost, "
        f"likely {cost.amount(assumed)} here; the product's assumption, which no published figure gives)"
    )
    own = model.without_premium
    spread = (
        f" (in 8 of 10 simulated cases {_spread(own.p10, own.p90, cost)}; {chance(own.probability)} chance of a saving)"
        if own is not None
        else ""
    )
    if likely < assumed:
        return (
            f"which rests on {said}: if people you already employ would do it, it is likely to cost about "
            f"{cost.amount(assumed - likely)} more than in-house{spread}",
            True,
        )
    rest = cost.amount(likely - assumed)
    return f"of which {cost.amount(assumed)} is {said}: with people you already employ, about {rest}{spread}", False


def _spread(low: float | None, high: float | None, cost: Cost) -> str:
    """Eight in ten simulated savings in words: a loss is said as a cost above in-house, never as a negative saving
    (whose minus sign a narrow screen may leave at the end of a line)."""
    if low is None or high is None:
        return "unknown"
    if low >= 0:
        return f"a saving of between {cost.amount(low)} and {cost.amount(high)}"
    if high < 0:
        return f"between {cost.amount(-high)} and {cost.amount(-low)} more than in-house"
    return f"between {cost.amount(-low)} more than in-house and a saving of {cost.amount(high)}"
