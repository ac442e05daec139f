"""Nothing a buyer types is lost: a step with one bad value saves the rest, autosave never reads a
missing field as "clear it", and a submitted assessment's review says it is submitted."""

from __future__ import annotations

import html
import json
import re
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from apps.accounts.models import Organisation, User
from apps.playbooks.models import Playbook, Question
from apps.questionnaire.models import Answer, Assessment
from apps.recommendations.services import submit_and_recommend

pytestmark = pytest.mark.django_db
HX = {"HTTP_HX_REQUEST": "true"}
VOLUME = {"volume_pattern": "seasonal", "annual_hours": "5000", "team_size": "abc", "horizon": "2"}


def answers_of(assessment: Assessment) -> dict[str, Any]:
    return dict(assessment.answers.values_list("question_code", "value"))


def _present(values: dict[str, Any]) -> dict[str, Any]:
    """What the step form posts: each field and its presence marker."""
    return values | {f"{code}__present": "1" for code in values}


@pytest.fixture
def draft(reference: Playbook, organisation: Organisation, buyer: User) -> Assessment:
    a = Assessment.objects.create(
        organisation=organisation, created_by=buyer, title="Research 2027", playbook=reference
    )
    Answer.objects.create(
        organisation_id=a.organisation_id, assessment=a, question_code="function", value="equity-research"
    )
    return a


@pytest.fixture
def small_draft(playbook: Playbook, organisation: Organisation, buyer: User) -> Assessment:
    a = Assessment.objects.create(organisation=organisation, created_by=buyer, title="Legal 2027", playbook=playbook)
    Answer.objects.bulk_create(
        Answer(organisation_id=a.organisation_id, assessment=a, question_code=c, value=v)
        for c, v in {"function": "legal", "judgement": True, "data": ["eu"]}.items()
    )
    return a


# A whole step posted without JavaScript


def test_a_step_with_one_bad_value_saves_the_others_and_shows_everything_typed(
    buyer_client: Client, draft: Assessment
) -> None:
    url = reverse("questionnaire:step", args=[draft.pk, "volume"])
    response = buyer_client.post(url, _present(VOLUME))
    assert response.status_code == 400
    assert answers_of(draft) == {
        "function": "equity-research",
        "volume_pattern": "seasonal",
        "annual_hours": 5000,
        "horizon": 2,
    }
    body = response.content.decode()
    assert 'name="team_size" value="abc"' in body
    assert 'name="annual_hours" value="5000"' in body
    assert 'name="horizon" value="2"' in body
    assert 'name="volume_pattern" value="seasonal" checked' in body


def test_a_bad_step_gets_an_error_summary_that_links_to_each_field(buyer_client: Client, draft: Assessment) -> None:
    url = reverse("questionnaire:step", args=[draft.pk, "volume"])
    body = buyer_client.post(url, _present(VOLUME | {"horizon": "99"})).content.decode()
    summary = re.search(r'<div class="error-summary[^"]*"[^>]*>.*?</div>', body, re.S)
    assert summary is not None
    box = summary.group(0)
    assert 'role="alert"' in box and "autofocus" in box and 'tabindex="-1"' in box
    assert "There is a problem" in box
    links = re.findall(r'<a href="#([\w-]+)">([^<]+)</a>', box)
    assert [target for target, _ in links] == ["input-team_size", "input-horizon"]
    # Each link lands on a field that exists, and the field is described by its message.
    assert links[0][1].startswith("How many people would the work need")
    for target, text in links:
        field = re.search(rf'<input[^>]* id="{target}"[^>]*>', body)
        assert field is not None and 'aria-invalid="true"' in field.group(0)
        status_id = re.search(r'aria-describedby="[^"]*(status-[\w-]+)"', field.group(0))
        assert status_id is not None
        beside = re.search(rf'id="{status_id.group(1)}"[^>]*>([^<]+)</p>', body)
        assert beside is not None and text.endswith(f"? {beside.group(1)}")  # a question: no colon after its mark
    assert answers_of(draft)["annual_hours"] == 5000


def test_an_error_summary_links_to_the_first_choice_of_a_group(buyer_client: Client, draft: Assessment) -> None:
    url = reverse("questionnaire:step", args=[draft.pk, "volume"])
    body = buyer_client.post(url, _present({"volume_pattern": "forever", "annual_hours": "100"})).content.decode()
    assert '<a href="#input-volume_pattern">' in body
    first = re.search(r'<input type="radio"[^>]* name="volume_pattern"[^>]*>', body)
    assert first is not None and 'id="input-volume_pattern"' in first.group(0)
    assert answers_of(draft)["annual_hours"] == 100


def test_a_good_step_still_moves_on_without_a_summary(buyer_client: Client, draft: Assessment) -> None:
    url = reverse("questionnaire:step", args=[draft.pk, "volume"])
    response = buyer_client.post(url, _present(VOLUME | {"team_size": "12", "peak_share": "40"}), follow=True)
    assert response.status_code == 200
    assert "There is a problem" not in response.content.decode()
    assert answers_of(draft)["team_size"] == 12


# Autosave: only a posted field (or its marker) clears an answer


def _autosave_url(a: Assessment, code: str) -> str:
    return reverse("questionnaire:answer", args=[a.pk, code])


@pytest.mark.parametrize("htmx", [True, False])
def test_an_empty_autosave_post_is_refused_and_keeps_the_answer(
    buyer_client: Client, small_draft: Assessment, htmx: bool
) -> None:
    response = buyer_client.post(_autosave_url(small_draft, "data"), {}, **(HX if htmx else {}))
    assert response.status_code == 400
    assert "Nothing was saved" in response.content.decode()
    assert "Saved" not in response.content.decode().replace("Nothing was saved", "")
    assert answers_of(small_draft)["data"] == ["eu"]


def test_a_json_autosave_body_is_refused_and_keeps_the_answer(buyer_client: Client, small_draft: Assessment) -> None:
    response = buyer_client.post(
        _autosave_url(small_draft, "judgement"), json.dumps({"judgement": ""}), content_type="application/json", **HX
    )
    assert response.status_code == 400
    assert "Nothing was saved" in response.content.decode()
    assert answers_of(small_draft)["judgement"] is True


def test_a_chunked_autosave_body_is_refused_and_keeps_the_answer(buyer_client: Client, small_draft: Assessment) -> None:
    # A chunked body has no Content-Length; WSGI hands Django no form data for it.
    response = buyer_client.generic(
        "POST",
        _autosave_url(small_draft, "judgement"),
        b"judgement=&judgement__present=1",
        content_type="application/x-www-form-urlencoded",
        CONTENT_LENGTH="",
        HTTP_TRANSFER_ENCODING="chunked",
        **HX,
    )
    assert response.status_code == 400
    assert answers_of(small_draft)["judgement"] is True


def test_an_autosave_body_with_other_fields_but_not_this_one_is_refused(
    buyer_client: Client, small_draft: Assessment
) -> None:
    response = buyer_client.post(_autosave_url(small_draft, "judgement"), _present({"function": "legal"}), **HX)
    assert response.status_code == 400
    assert 'id="status-judgement"' in response.content.decode()
    assert answers_of(small_draft)["judgement"] is True


@pytest.mark.parametrize(("code", "post"), [("data", {"data__present": "1"}), ("judgement", {"judgement": ""})])
def test_an_emptied_checkbox_group_or_a_blank_field_clears_the_answer(
    buyer_client: Client, small_draft: Assessment, code: str, post: dict[str, str]
) -> None:
    response = buyer_client.post(_autosave_url(small_draft, code), post, **HX)
    assert response.status_code == 200
    assert code not in answers_of(small_draft)
    # The status says the answer was removed, not "Saved" (review 45).
    status = re.search(rf'<p id="status-{code}"[^>]*>(.*?)</p>', response.content.decode())
    assert status is not None and status.group(1).startswith("Answer removed")
    # Stamped as a step draws a question with no answer, so a value typed next and kept over a reload is put back
    # (review 117: it was refused as typed over a later answer).
    stamp = re.search(rf'id="loaded-{code}" name="{code}__loaded" value="([^"]*)"', response.content.decode())
    section = Question.objects.get(section__playbook=small_draft.playbook, code=code).section.code
    drawn = buyer_client.get(reverse("questionnaire:step", args=[small_draft.pk, section])).content.decode()
    assert stamp is not None and stamp.group(1) == "|"
    assert f'id="loaded-{code}" name="{code}__loaded" value="|"' in drawn


# The review page of a submitted assessment


def test_a_submitted_assessments_review_says_so_and_offers_no_edits(
    buyer_client: Client, small_draft: Assessment, buyer: User
) -> None:
    Answer.objects.create(
        organisation_id=small_draft.organisation_id, assessment=small_draft, question_code="hours", value=4000
    )
    Answer.objects.filter(assessment=small_draft, question_code="data").update(value=["none"])
    submit_and_recommend(assessment=small_draft, user=buyer)
    body = buyer_client.get(reverse("questionnaire:review", args=[small_draft.pk])).content.decode()
    assert "Check each answer before you submit" not in body
    assert "has been submitted" in body
    assert f'href="{reverse("recommendations:for_assessment", args=[small_draft.pk])}"' in body
    assert reverse("questionnaire:step", args=[small_draft.pk, "work"]) not in body
    assert "Submit for a recommendation" not in body


@pytest.mark.parametrize("htmx", [True, False])
def test_an_own_in_house_cost_in_another_currency_is_refused_and_the_review_shows_its_currency(
    buyer_client: Client, draft: Assessment, htmx: bool
) -> None:
    # Review 91: "$85000" under UK in-house costs was saved and read as £85,000.
    url = reverse("questionnaire:step", args=[draft.pk, "comparison"])
    buyer_client.post(url, _present({"home_market": "uk", "own_figures": "yes"}))
    assert answers_of(draft)["home_market"] == "uk"
    response = buyer_client.post(
        _autosave_url(draft, "own_inhouse_cost"), {"own_inhouse_cost": "$85000"}, **(HX if htmx else {})
    )
    assert response.status_code == 400
    assert "Enter the amount in pounds" in response.content.decode()
    assert "own_inhouse_cost" not in answers_of(draft)
    # Sent with the whole step, as without JavaScript: refused beside what was typed, the rest saved.
    body = buyer_client.post(url, _present({"own_inhouse_cost": "$85000", "quoted_rate": "40"})).content.decode()
    assert "Enter the amount in pounds" in body and 'value="$85000"' in body
    assert "own_inhouse_cost" not in answers_of(draft) and answers_of(draft)["quoted_rate"] == 40
    buyer_client.post(_autosave_url(draft, "own_inhouse_cost"), {"own_inhouse_cost": "£85,000"}, **HX)
    assert answers_of(draft)["own_inhouse_cost"] == 85000
    review = buyer_client.get(reverse("questionnaire:review", args=[draft.pk])).content.decode()
    assert "£85,000 a year" in review and "(USD, GBP or EUR)" not in review.split("own_inhouse_cost")[-1][:400]


def test_choosing_another_country_for_in_house_costs_says_how_the_stored_cost_is_now_read(
    buyer_client: Client, draft: Assessment
) -> None:
    # Review 92: choosing the US after "£95,000" re-read it as $95,000 without a word.
    url = reverse("questionnaire:step", args=[draft.pk, "comparison"])
    buyer_client.post(url, _present({"home_market": "uk", "own_figures": "yes"}))
    buyer_client.post(_autosave_url(draft, "own_inhouse_cost"), {"own_inhouse_cost": "£95,000"}, **HX)
    said = buyer_client.post(_autosave_url(draft, "home_market"), {"home_market": "us"}, **HX).content.decode()
    assert "Your own in-house cost is now read as $95,000 a year, in US dollars: check it." in html.unescape(said)
    step = buyer_client.post(url, _present({"home_market": "eu"}), follow=True).content.decode()
    assert "now read as €95,000 a year, in euros" in html.unescape(step)
    same = buyer_client.post(url, _present({"home_market": "eu"}), follow=True).content.decode()
    assert "now read as" not in same  # nothing changed, nothing said


def test_the_own_in_house_cost_box_names_the_currency_of_the_country_chosen(
    buyer_client: Client, draft: Assessment
) -> None:
    # The box had "a year (USD, GBP or EUR)" beside it whatever country was chosen above it.
    url = reverse("questionnaire:step", args=[draft.pk, "comparison"])
    buyer_client.post(url, _present({"home_market": "uk", "own_figures": "yes"}))
    step = buyer_client.get(url).content.decode()
    assert '<span class="muted" id="unit-own_inhouse_cost">a year, in pounds</span>' in step
    assert "(USD, GBP or EUR)" not in step
    # Autosaving another country swaps the unit beside the box, the box itself left as the buyer has it.
    said = buyer_client.post(_autosave_url(draft, "home_market"), {"home_market": "eu"}, **HX).content.decode()
    assert '<span class="muted" id="unit-own_inhouse_cost" data-hx-swap-oob="true">a year, in euros</span>' in said
    assert 'id="input-own_inhouse_cost"' not in said
    # Another answer on the step leaves it alone.
    said = buyer_client.post(_autosave_url(draft, "quoted_rate"), {"quoted_rate": "40"}, **HX).content.decode()
    assert "unit-own_inhouse_cost" not in said
    buyer_client.post(url, _present({"home_market": "other"}))
    assert "a year, in US dollars" in buyer_client.get(url).content.decode()


def test_clearing_the_country_of_in_house_costs_puts_back_the_dollar_unit(
    buyer_client: Client, draft: Assessment
) -> None:
    # Review 97: the unit stayed "in euros" after the country was cleared, while the cost is then read in dollars.
    url = reverse("questionnaire:step", args=[draft.pk, "comparison"])
    buyer_client.post(url, _present({"home_market": "eu", "own_figures": "yes"}))
    said = buyer_client.post(
        _autosave_url(draft, "home_market"), {"home_market": "", "home_market__present": "1"}, **HX
    ).content.decode()
    assert '<span class="muted" id="unit-own_inhouse_cost" data-hx-swap-oob="true">a year, in US dollars</span>' in said


def test_a_budget_rate_far_from_the_reference_is_questioned_as_it_is_saved(
    buyer_client: Client, draft: Assessment
) -> None:
    # Review 104: 127 pounds per 100 dollars (the rate quoted the other way round) said "Saved" alone on the step,
    # where 1.27 was questioned and the review page named it.
    url = reverse("questionnaire:step", args=[draft.pk, "comparison"])
    buyer_client.post(url, _present({"home_market": "uk", "own_figures": "yes"}))
    said = html.unescape(
        buyer_client.post(_autosave_url(draft, "budget_fx"), {"budget_fx": "127"}, **HX).content.decode()
    )
    assert answers_of(draft)["budget_fx"] == 127
    assert "But check it: Your budget rate, 127 pounds per 100 US dollars, lies far outside the band" in said
    fine = html.unescape(
        buyer_client.post(_autosave_url(draft, "budget_fx"), {"budget_fx": "79"}, **HX).content.decode()
    )
    assert "But check it" not in fine
    # Without JavaScript, the step's message says it too.
    step = html.unescape(buyer_client.post(url, _present({"budget_fx": "127"}), follow=True).content.decode())
    assert "But check it: Your budget rate, 127 pounds per 100 US dollars" in step


def test_a_step_sent_as_json_says_nothing_was_saved(buyer_client: Client, draft: Assessment) -> None:
    # Review 103: a whole step posted as JSON answered "Saved." with nothing saved.
    url = reverse("questionnaire:step", args=[draft.pk, "comparison"])
    refused = buyer_client.post(url, json.dumps({"home_market": "uk"}), content_type="application/json")
    assert refused.status_code == 400
    assert "Nothing was saved: no answer of this step reached the server" in refused.content.decode()
    assert "home_market" not in answers_of(draft)
    assert buyer_client.post(url, _present({"home_market": "uk"})).status_code == 302


def test_a_step_ignores_a_value_for_a_question_its_answers_hide_whatever_the_value(
    buyer_client: Client, draft: Assessment
) -> None:
    # Review 129: a value outside the choices for a question drawn hidden was refused with "Correct these", asking the
    # buyer to correct a question they cannot see; a valid one was ignored.
    step = reverse("questionnaire:step", args=[draft.pk, "collaboration"])
    sent = {"buyer_location": "us", "buyer_india_data_for_clients": "bogus", "buyer_gulf_country": "qatar"}
    response = buyer_client.post(step, sent, follow=True)
    page = html.unescape(response.content.decode())
    assert "Correct these" not in page and "Choose one of the options shown" not in page
    assert answers_of(draft).get("buyer_location") == "us"
    assert "buyer_india_data_for_clients" not in answers_of(draft)
    # Shown, the same value is refused as before.
    shown = {"buyer_location": "gulf", "buyer_gulf_country": "qatar"}
    refused = html.unescape(buyer_client.post(step, shown, follow=True).content.decode())
    assert "Correct these" in refused
