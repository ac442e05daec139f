"""Total cost of ownership: each engagement model against keeping the work in-house, as a distribution.

Pure: no Django, no I/O, no clock. Every input is a :class:`Figure` (low / likely / high, one source, a
flag when the buyer supplied it). :func:`build_case` gathers the figures from the catalogue snapshot,
``cost_assumptions.json`` and the answers; :func:`simulate` draws every figure from a triangular
distribution (seeded from the inputs themselves, so the same case always gives the same figures), costs
every model month by month over the horizon in the home market's currency, and reports P10 / P50 / P90,
the probability of a saving, the break-even month and a tornado. docs/scoring.md ("Total cost of
ownership") gives every formula and the worked example that tests/playbooks/test_tco.py recomputes.
"""

from apps.playbooks.engine.tco.case import build_case
from apps.playbooks.engine.tco.simulate import (
    dedicated_annual_fee,
    project_annual_fee,
    savings_only,
    seed_for,
    simulate,
)
from apps.playbooks.engine.tco.types import (
    CURRENCIES,
    DRAWS,
    Case,
    Figure,
    Line,
    ModelSaving,
    ModelSpec,
    ModelTco,
    Swing,
    Tco,
    TcoResult,
    TcoUnavailable,
    Triple,
)

__all__ = [
    "CURRENCIES",
    "DRAWS",
    "Case",
    "Figure",
    "Line",
    "ModelSaving",
    "ModelSpec",
    "ModelTco",
    "Swing",
    "Tco",
    "TcoResult",
    "TcoUnavailable",
    "Triple",
    "build_case",
    "dedicated_annual_fee",
    "project_annual_fee",
    "savings_only",
    "seed_for",
    "simulate",
]
