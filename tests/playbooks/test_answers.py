"""Answers are validated against the question's kind, options and bounds (no database)."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest

from apps.playbooks.engine import AnswerError, clean_answer
from apps.playbooks.engine.types import Option, Question

OPTS = (Option("a", "A"), Option("b", "B"), Option("c", "C"))


def q(kind: str, **kw: Any) -> Question:
    return Question("q", "s", "Q?", kind, True, options=OPTS if kind in ("single", "multi") else (), **kw)


@pytest.mark.parametrize(
    ("question", "raw", "stored"),
    [
        (q("single"), "b", "b"),
        (q("multi"), ["c", "a"], ["a", "c"]),
        (q("multi"), "a", ["a"]),
        (q("yes_no"), "yes", True),
        (q("yes_no"), False, False),
        (q("integer"), "2,000", 2000),
        (q("integer"), 12.0, 12),
        (q("money"), "$12,500.50", 12500.5),
        (q("percent"), "40%", 40.0),
        (q("integer", min=0, max=10), "10", 10),
        (q("single"), "", None),
        (q("multi"), [], None),
    ],
)
def test_valid_answers_are_normalised(question: Question, raw: Any, stored: Any) -> None:
    assert clean_answer(question, raw) == stored


@pytest.mark.parametrize(
    "typed",
    ["12000", "12,000", "12 000", "12\u00a0000", "12\u202f000", "12'000", " 12,000 ", "12000.", "+12,000"],
)
def test_numbers_are_read_with_the_separators_people_type(typed: str) -> None:
    assert clean_answer(q("integer"), typed) == 12000


def test_grouped_decimals_and_money_read_as_typed() -> None:
    assert clean_answer(q("money"), "1,234.5") == 1234.5
    assert clean_answer(q("money"), "$1 234 567.89") == 1234567.89
    assert clean_answer(q("integer"), "1,000,000") == 1_000_000


@pytest.mark.parametrize(
    ("raw", "limit"),
    [
        (10**5000, "999,999,999,999 or less"),
        (-(10**5000), "-999,999,999,999 or more"),
        ("9" * 5000, "999,999,999,999 or less"),
        ("-" + "9" * 5000, "-999,999,999,999 or more"),
        (10**12, "999,999,999,999 or less"),
        ("1,000,000,000,000", "999,999,999,999 or less"),
    ],
    ids=["huge int", "huge negative int", "5000 digits", "5000 negative digits", "10^12", "10^12 typed"],
)
def test_huge_numbers_are_refused_with_the_largest_accepted(raw: Any, limit: str) -> None:
    with pytest.raises(AnswerError) as info:
        clean_answer(q("integer"), raw)
    assert info.value.message == f"That number is too large. Enter {limit}."


@pytest.mark.parametrize("raw", [10**5000, "9" * 5000], ids=["huge int", "5000 digits"])
def test_huge_numbers_against_a_maximum_say_the_maximum(raw: Any) -> None:
    with pytest.raises(AnswerError) as info:
        clean_answer(q("integer", min=0, max=1_000_000), raw)
    assert info.value.message == "That number is too large. Enter 1,000,000 or less."


@pytest.mark.parametrize(
    ("question", "raw", "message"),
    [
        (q("single"), "zz", "Choose one of the options shown."),
        (q("single"), 3, "Choose one of the options shown."),
        (q("multi"), ["a", "zz"], "Choose from the options shown."),
        (q("multi"), [1, 2], "Choose from the options shown."),
        (q("yes_no"), "perhaps", "Answer yes or no."),
        (q("integer"), "lots", "Enter a number, like 2000."),
        (q("integer"), "2.5", "Enter a whole number, like 2000."),
        (q("integer"), True, "Enter a number."),
        (q("integer"), "1e400", "Write the number in full, like 2000."),
        (q("integer"), "1e4", "Write the number in full, like 2000."),
        (q("money"), "2.5E+3", "Write the number in full, like 2000."),
        (q("integer"), "nan", "Enter a number, like 2000."),
        (q("integer"), "inf", "Enter a number, like 2000."),
        (q("money"), "-Infinity", "Enter a number, like 2000."),
        (q("money"), float("nan"), "Enter a number, like 2000."),
        (q("integer"), "12,5", "Enter a whole number, like 2000: 12,5 is not one."),  # never "use a point" (review 91)
        (q("integer", min=0, max=40), "2,5", "Enter a whole number, like 5: 2,5 is not one."),
        (q("percent", min=0, max=100), "12,5", "Use a point for decimals: 12.5, not 12,5."),
        (q("percent", min=0, max=100), "lots", "Enter a number, like 40."),
        (q("integer", min=1, max=5000), "1e4", "Write the number in full, like 40."),  # a team: not 2000 people
        (q("integer", min=1000, max=10_000_000), "lots", "Enter a number, like 100000."),  # a yearly cost
        (q("money", min=1, max=1000), "lots", "Enter a number, like 40."),  # an hourly rate, not $500
        (q("integer", min=1, max=10), "lots", "Enter a number, like 3."),
        (q("integer", min=1, max=50), "1e4", "Write the number in full, like 10."),
        (q("integer"), "1,2345", "Enter a number, like 2000."),
        (q("integer"), "1,000 000", "Enter a number, like 2000."),
        (q("money"), {"x": 1}, "Enter a number."),
        (q("integer", min=1, max=10), "0", "Enter 1 or more."),
        (q("integer", min=1, max=10), "11", "Enter 10 or less."),
        (q("integer", min=0, max=2_000_000), "2000001", "Enter 2,000,000 or less."),
        (q("money", min=0.5), "0.25", "Enter 0.5 or more."),
        (q("integer", min=1_500), "1,499", "Enter 1,500 or more."),
        (q("percent"), "140", "Enter a percentage from 0 to 100."),
        # Other scripts' digits, alone or mixed with ASCII ones: "1٠" reads as "1." and was stored as 10.
        (q("integer"), "١٢", "Write the number with the digits 0 to 9, like 2000."),
        (q("integer"), "1٢", "Write the number with the digits 0 to 9, like 2000."),
        (q("integer"), "1٠", "Write the number with the digits 0 to 9, like 2000."),
        (q("integer"), "𝟏𝟐", "Write the number with the digits 0 to 9, like 2000."),
        (q("money"), "٣,٠٠٠", "Write the number with the digits 0 to 9, like 2000."),
        (q("integer"), "१२", "Write the number with the digits 0 to 9, like 2000."),
    ],
)
def test_invalid_answers_get_a_clear_message(question: Question, raw: Any, message: str) -> None:
    with pytest.raises(AnswerError) as info:
        clean_answer(question, raw)
    assert info.value.message == message


@pytest.mark.parametrize(
    ("question", "value", "text"),
    [
        (q("single"), "b", "B"),
        (q("multi"), ["a", "c"], "A, C"),
        (q("yes_no"), True, "Yes"),
        (q("money"), 12500.5, "$12,500.50"),
        (q("percent"), 40.0, "40%"),
        (q("integer", unit="hours a year"), 2_000_000, "2,000,000 hours a year"),
        (q("integer"), None, ""),
        (q("integer", unit="years"), 1, "1 year"),
        (q("integer", unit="years"), 2, "2 years"),
        (q("integer", unit="people"), 1, "1 person"),
        (q("integer", unit="hours per person per week"), 1, "1 hour per person per week"),
        (q("integer", unit="deliverables a year"), 1, "1 deliverable a year"),
    ],
)
def test_answers_read_as_words_in_one_way_everywhere(question: Question, value: Any, text: str) -> None:
    from apps.playbooks.engine.answers import answer_text

    assert answer_text(question, value) == text


def test_none_of_these_cannot_be_ticked_with_another_option() -> None:
    with_none = Question("q", "s", "Q?", "multi", True, options=(*OPTS, Option("none", "None of these")))
    assert clean_answer(with_none, ["none"]) == ["none"]
    assert clean_answer(with_none, ["b", "a"]) == ["a", "b"]
    with pytest.raises(AnswerError) as refused:
        clean_answer(with_none, ["none", "a"])
    assert (
        str(refused.value.message)
        == "“None of these” cannot be ticked with other answers: untick it or untick the others."
    )


@pytest.mark.parametrize("raw", ["€500", "$5", "£2,000", "＄20"])
def test_hours_or_people_with_a_currency_sign_are_refused(raw: str) -> None:
    # Review 112: the API stored "€500" as 500 hours a year.
    hours = q("integer", min=1, max=10_000_000, unit="hours a year")
    with pytest.raises(AnswerError) as refused:
        clean_answer(hours, raw)
    assert refused.value.message.startswith("Enter a number of hours a year without a currency sign, like ")
    assert clean_answer(hours, "2,000") == 2000
    # A rate per 100 US dollars names its currency: a sign is read as before.
    assert clean_answer(q("integer", min=1, max=100_000, unit="per 100 US dollars"), "£78") == 78


def test_a_pound_or_euro_amount_is_read_where_the_question_is_not_in_dollars() -> None:
    own_cost = q("integer", min=1000, max=10_000_000, unit="a year (USD, GBP or EUR)")
    assert clean_answer(own_cost, "£95,000") == 95000
    assert clean_answer(own_cost, "€ 80 000") == 80000
    # A question asked in US dollars refuses them rather than read pounds as dollars.
    with pytest.raises(AnswerError) as refused:
        clean_answer(q("money"), "£28")
    assert refused.value.message == "Enter the amount in US dollars: convert a pound or euro figure first."
    assert clean_answer(q("money"), "$28") == 28


def test_a_rate_per_unit_typed_where_it_is_asked_per_hundred_is_shown_its_hundredfold() -> None:
    rate = q("integer", min=30, max=300, unit="per 100 US dollars")
    with pytest.raises(AnswerError) as refused:
        clean_answer(rate, "0.79")
    assert refused.value.message == "Enter 30 or more: the rate is per 100 US dollars, so 0.79 is 79."
    with pytest.raises(AnswerError) as plain:
        clean_answer(rate, "5")
    assert plain.value.message == "Enter 30 or more."  # 500 is out of bounds too: no hint


@pytest.mark.parametrize(("typed", "meant"), [("1.27", "79"), ("1.08", "93")])
def test_a_rate_quoted_the_other_way_round_is_shown_its_inverse_not_its_hundredfold(typed: str, meant: str) -> None:
    # Review 101: "1.27" (US dollars to the pound, as markets quote it) was told "so 1.27 is 127", and 127 saved: every
    # provider dollar priced at 1.27 pounds where it buys 0.79.
    rate = q("integer", min=30, max=300, unit="per 100 US dollars")
    with pytest.raises(AnswerError) as refused:
        clean_answer(rate, typed)
    message = refused.value.message
    assert "looks like the rate quoted the other way round" in message and f"so enter {meant}." in message
    assert "127" not in message and "108" not in message


def test_an_own_in_house_cost_typed_in_another_currency_is_refused_and_shown_in_its_own() -> None:
    # Review 91: "$85000" under UK in-house costs was saved as £85,000 and shown as "85,000 a year (USD, GBP or EUR)".
    from apps.playbooks.engine.answers import answer_text, currency_problems, currency_refusal

    cost = replace(q("integer", min=1000, max=10_000_000), role="own_inhouse_cost", unit="a year (USD, GBP or EUR)")
    assert currency_refusal(cost, "$85000", "uk").startswith("Enter the amount in pounds, the currency of the in-house")
    assert currency_refusal(cost, "£85,000", "us").startswith("Enter the amount in US dollars")
    assert currency_refusal(cost, "€85,000", "other").startswith("Enter the amount in US dollars, the currency of the")
    assert "converted at today's rate" in currency_refusal(cost, "€85,000", "other")
    for fine in (("£85,000", "uk"), ("€85,000", "eu"), ("$85,000", "us"), ("85000", "uk"), ("$85,000", None)):
        assert currency_refusal(cost, *fine) == ""
    assert currency_refusal(replace(cost, role=""), "$85000", "uk") == ""
    # Full-width signs are the signs they stand for; with no market chosen, the message says so (review 92).
    assert currency_refusal(cost, "＄85000", "uk").startswith("Enter the amount in pounds")
    assert clean_answer(cost, "￡85,000") == 85000
    assert currency_refusal(cost, "£85,000", None).startswith("Enter the amount in US dollars: with no country chosen")
    with pytest.raises(AnswerError, match="without a per cent sign"):
        clean_answer(cost, "%90000")
    # Review 93: "€85.000" was read as 85 and refused as too small; "85000 USD" got "Enter a number".
    with pytest.raises(AnswerError, match=r"Write 85,000 or 85000: a point marks decimals here\."):
        clean_answer(cost, "€85.000")
    for coded in ("85000 USD", "GBP 85000", "US$85000"):
        with pytest.raises(AnswerError, match="without words or currency codes"):
            clean_answer(cost, coded)
    # The market sent with it counts first, else the one stored (read only when a sign was typed).
    questions, roles = {"c": replace(cost, code="c")}, {"own_inhouse_cost": "c", "home_market": "m"}
    asked: list[bool] = []

    def stored() -> dict[str, Any]:
        asked.append(True)
        return {"m": "uk"}

    assert currency_problems(questions, roles, {"c": "85000"}, {"c": 85000}, stored) == {} and not asked
    assert set(currency_problems(questions, roles, {"c": "$85000"}, {"c": 85000}, stored)) == {"c"} and asked
    assert currency_problems(questions, roles, {"c": "$85000"}, {"c": 85000, "m": "us"}, stored) == {}
    assert answer_text(cost, 85000, market="uk", priced=True) == "£85,000 a year"
    assert answer_text(cost, 85000, market="other", priced=True) == "$85,000 a year"
    assert answer_text(cost, 85000) == "85,000 a year (USD, GBP or EUR)"
