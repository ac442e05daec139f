"""What the API takes and gives, as typed schemas (the OpenAPI document is generated from them)."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from ninja import Field, Schema
from pydantic import ConfigDict

# What the API takes refuses keys it does not know (422), as its query strings do: a misspelt field is an error,
# not a request quietly done without it.
STRICT = ConfigDict(extra="forbid")


class AssessmentIn(Schema):
    model_config = STRICT

    title: str = Field(max_length=200, description="Names the piece of work.")
    function: str = Field(max_length=60, description="The knowledge function's option code (see /playbook).")


class AssessmentOut(Schema):
    id: int
    title: str
    status: str = Field(description="draft or submitted")
    playbook_version: int | None
    created_at: datetime
    updated_at: datetime
    submitted_at: datetime | None
    answers: dict[str, Any] = Field(description="Stored answers by question code.")
    hidden: list[str] = Field(
        description="Codes of stored answers to questions the other answers hide now: kept, so changing those answers "
        "back shows them again, and neither scored nor counted as missing."
    )
    missing: list[str] = Field(description="Required questions shown but not answered yet (drafts).")
    recommendation_id: int | None


class AssessmentPage(Schema):
    items: list[AssessmentOut]
    next_cursor: str | None


class AnswersIn(Schema):
    model_config = STRICT

    answers: dict[str, Any] = Field(
        description="Question code to value (see /playbook for each kind); null or an empty string clears it."
    )


class AnswerIn(Schema):
    model_config = STRICT

    value: Any = Field(description="The answer; null or an empty string clears it.")


class AnswersOut(Schema):
    saved: list[str]
    cleared: list[str]
    answers: dict[str, Any]
    missing: list[str]


class Submitted(Schema):
    assessment_id: int
    recommendation_id: int
    verdict: str
    fit_score: int
    top_model: str


class RecommendationRow(Schema):
    id: int
    title: str
    created_at: datetime
    verdict: str
    fit_score: int
    top_model: str
    function: str
    regimes: list[str]
    decision_status: Literal["not_required", "awaiting", "approved", "rejected"] = Field(
        description="Sign-off: not required, awaiting approval, approved or rejected (derived from the decisions)."
    )


class RecommendationPage(Schema):
    items: list[RecommendationRow]
    next_cursor: str | None


class Reason(Schema):
    text: str
    points: int


class RequirementOut(Schema):
    code: str
    label: str
    because: str


class Failure(Schema):
    requirement: str
    detail: str


class VendorMatch(Schema):
    code: str
    name: str
    score: int
    reasons: list[Reason]
    cautions: list[str]
    usable_locations: list[str]
    failures: list[Failure]


class VendorMatching(Schema):
    requirements: list[RequirementOut]
    ranked: list[VendorMatch]
    excluded: list[VendorMatch]
