"""The reference playbook (its volume step has the branching and number questions buyers mistype)."""

from tests.recommendations.conftest import reference  # noqa: F401  (the same fixture, one home)
