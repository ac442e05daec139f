"""The buyer's guided flow through the client, then the database."""

from __future__ import annotations

import html
import re
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from apps.accounts.models import Organisation, User
from apps.discussion.models import Activity
from apps.playbooks.models import Playbook
from apps.playbooks.services import import_playbook, publish_playbook, start_draft
from apps.questionnaire.models import Answer, Assessment
from tests.playbook_data import small_playbook

pytestmark = pytest.mark.django_db
HX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def assessment(playbook: Playbook, organisation: Organisation, buyer: User) -> Assessment:
    return Assessment.objects.create(
        organisation=organisation, created_by=buyer, title="Equity research 2027", playbook=playbook
    )


def answers_of(assessment: Assessment) -> dict[str, Any]:
    return dict(assessment.answers.values_list("question_code", "value"))


def autosave(client: Client, assessment: Assessment, code: str, value: Any, **extra: Any) -> Any:
    url = reverse("questionnaire:answer", args=[assessment.pk, code])
    return client.post(url, {code: value}, **{**HX, **extra})


# Starting and resuming


def test_start_pins_the_current_playbook_and_records_the_function(buyer_client: Client, playbook: Playbook) -> None:
    response = buyer_client.post(
        reverse("questionnaire:start"), {"title": "  Equity   research 2027 ", "function": "research"}
    )
    assessment = Assessment.objects.get()
    assert response.status_code == 302
    assert assessment.title == "Equity research 2027"
    assert assessment.playbook == playbook
    assert answers_of(assessment) == {"function": "research"}


def test_start_refuses_a_bad_form(buyer_client: Client, playbook: Playbook) -> None:
    response = buyer_client.post(reverse("questionnaire:start"), {"title": "", "function": "astrology"})
    assert response.status_code == 400
    assert "Select a valid choice" in response.content.decode()
    assert not Assessment.objects.exists()


def test_start_says_what_is_missing_in_the_buyers_words_and_keeps_what_was_typed(
    buyer_client: Client, playbook: Playbook
) -> None:
    no_function = buyer_client.post(reverse("questionnaire:start"), {"title": "Credit research desk", "function": ""})
    body = no_function.content.decode()
    assert no_function.status_code == 400
    assert "Choose the kind of work you are thinking of outsourcing." in body
    assert 'value="Credit research desk"' in body and "This field is required" not in body
    no_title = buyer_client.post(reverse("questionnaire:start"), {"title": "", "function": ""})
    assert "Give the assessment a title." in no_title.content.decode()
    assert not Assessment.objects.exists()
    # As on a step, a summary at the top takes focus and links each problem to its field.
    summary = re.search(
        r'<div class="error-summary[^"]*" id="error-summary"[^>]*>.*?</div>', no_title.content.decode(), re.S
    )
    assert summary is not None and "autofocus" in summary.group(0)
    assert '<a href="#id_title">Title: Give the assessment a title.</a>' in summary.group(0)
    assert '<a href="#id_function">Knowledge function: ' in summary.group(0) and "None" not in summary.group(0)
    assert "<title>Error: Start an assessment" in no_title.content.decode()
    fine = buyer_client.get(reverse("questionnaire:start")).content.decode()
    assert 'id="error-summary"' not in fine and "<title>Start an assessment" in fine


def test_start_without_a_published_playbook_says_so(buyer_client: Client) -> None:
    response = buyer_client.get(reverse("questionnaire:start"))
    assert response.status_code == 503
    assert "No published playbook yet" in response.content.decode()


def test_resume_lands_on_the_first_unanswered_step(buyer_client: Client, assessment: Assessment) -> None:
    Answer.objects.create(
        organisation_id=assessment.organisation_id, assessment=assessment, question_code="function", value="legal"
    )
    Answer.objects.create(
        organisation_id=assessment.organisation_id, assessment=assessment, question_code="judgement", value=True
    )
    response = buyer_client.get(reverse("questionnaire:resume", args=[assessment.pk]))
    assert response["Location"] == reverse("questionnaire:step", args=[assessment.pk, "volume"])


def test_resume_after_signing_in_elsewhere_shows_every_answer(assessment: Assessment, buyer: User) -> None:
    first = Client()
    first.force_login(buyer)
    autosave(first, assessment, "function", "research")
    autosave(first, assessment, "judgement", "yes")
    first.post(reverse("accounts:logout"))
    second = Client()
    second.force_login(buyer)
    body = second.get(reverse("questionnaire:step", args=[assessment.pk, "work"])).content.decode()
    assert 'value="research" checked' in body
    assert 'value="yes" checked' in body


# Autosave


def test_autosave_saves_and_returns_only_the_changed_fragments(buyer_client: Client, assessment: Assessment) -> None:
    response = autosave(buyer_client, assessment, "function", "research")
    body = response.content.decode()
    assert response.status_code == 200
    assert answers_of(assessment) == {"function": "research"}
    assert 'id="status-function"' in body and "Saved" in body
    assert 'id="progress" class="stack--tight" data-hx-swap-oob="true"' in body
    assert 'id="q-distributed_us"' in body  # newly visible question sent as an out-of-band fragment
    assert 'id="q-broker"' not in body  # unchanged questions are not sent
    assert "<html" not in body
    # The status line a screen reader announces names the question it opened (review 76: only "Saved").
    status = body[body.index('id="status-function"') :].split("</p>", 1)[0]
    assert 'role="status"' in status and "Saved. It opened a question below: “" in status
    # A save that opens nothing says "Saved" alone; one that closes a question names it (review 78: "Saved" alone,
    # and a box vanished).
    again = autosave(buyer_client, assessment, "function", "legal").content.decode()
    status = again[again.index('id="status-function"') :].split("</p>", 1)[0]
    assert "It opened" not in again
    assert "Saved. It closed a question that no longer applies: “" in status and "kept" not in status
    assert "It closed" not in autosave(buyer_client, assessment, "function", "legal").content.decode()  # nothing left


def test_hidden_questions_keep_their_answers_and_come_back(buyer_client: Client, assessment: Assessment) -> None:
    autosave(buyer_client, assessment, "function", "research")
    autosave(buyer_client, assessment, "distributed_us", "yes")
    response = autosave(buyer_client, assessment, "function", "legal")
    assert 'id="q-distributed_us" class="field" hidden disabled' in response.content.decode()
    assert answers_of(assessment)["distributed_us"] is True  # kept
    # Both questions it showed close, the answered one's answer kept (review 78: the save said "Saved" alone).
    said = html.unescape(response.content.decode())
    assert "Saved. It closed 2 questions that no longer apply: “" in said
    assert "Answers given there are kept, and count again if their questions come back." in said
    response = autosave(buyer_client, assessment, "function", "research")
    assert 'value="yes" checked' in response.content.decode()


def test_autosave_of_multiple_choice_and_clearing(buyer_client: Client, assessment: Assessment) -> None:
    url = reverse("questionnaire:answer", args=[assessment.pk, "data"])
    buyer_client.post(url, {"data": ["eu", "phi"]}, **HX)
    assert answers_of(assessment)["data"] == ["phi", "eu"]
    # Unticking every box posts the group's presence marker and no value: that clears the answer.
    buyer_client.post(url, {"data__present": "1"}, **HX)
    assert "data" not in answers_of(assessment)


def test_autosave_last_write_wins(buyer_client: Client, colleague_client: Client, assessment: Assessment) -> None:
    autosave(buyer_client, assessment, "judgement", "yes")
    autosave(colleague_client, assessment, "judgement", "no")
    assert answers_of(assessment)["judgement"] is False
    assert Answer.objects.filter(assessment=assessment, question_code="judgement").count() == 1


def test_autosave_without_javascript_redirects_back_to_the_step(buyer_client: Client, assessment: Assessment) -> None:
    url = reverse("questionnaire:answer", args=[assessment.pk, "judgement"])
    response = buyer_client.post(url, {"judgement": "yes"})
    assert response.status_code == 302
    assert answers_of(assessment) == {"judgement": True}


@pytest.mark.parametrize(
    ("code", "value", "message"),
    [
        ("function", "astrology", "Choose one of the options shown."),
        ("judgement", "perhaps", "Answer yes or no."),
        ("hours", "lots", "Enter a number, like 2000."),
        ("hours", "-5", "Enter 0 or more."),
        ("hours", "99999999999999", "That number is too large."),
        ("share", "250", "Enter"),
        ("covered", "yes", "apply given your other answers"),
    ],
)
def test_bad_autosave_gets_a_clear_message_next_to_the_field(
    buyer_client: Client, assessment: Assessment, code: str, value: str, message: str
) -> None:
    Answer.objects.create(
        organisation_id=assessment.organisation_id, assessment=assessment, question_code="judgement", value=True
    )
    Answer.objects.create(
        organisation_id=assessment.organisation_id, assessment=assessment, question_code="hours", value=1000
    )
    before = answers_of(assessment)
    response = autosave(buyer_client, assessment, code, value)
    assert response.status_code == 400
    body = response.content.decode()
    assert f'id="status-{code}"' in body and 'role="alert"' in body
    assert message in body
    assert answers_of(assessment) == before
    # Said with what is stored, so a box left as refused is not read as saved (review 117).
    stored = {"judgement": "The answer stored stays “Yes”.", "hours": "The answer stored stays “1,000"}
    assert html.unescape(body).count("Not saved: ") == 1
    assert stored.get(code, "Nothing is stored for it yet.") in html.unescape(body)


def test_answer_to_a_question_of_another_playbook_is_404(buyer_client: Client, assessment: Assessment) -> None:
    response = autosave(buyer_client, assessment, "no_such_question", "x")
    assert response.status_code == 404
    assert not Answer.objects.exists()


def test_answer_to_a_submitted_assessment_is_refused(buyer_client: Client, assessment: Assessment) -> None:
    Assessment.objects.filter(pk=assessment.pk).update(status="submitted", submitted_at="2026-01-01T00:00Z")
    response = autosave(buyer_client, assessment, "judgement", "yes")
    assert response.status_code == 409
    assert "has been submitted" in response.content.decode()
    assert not Answer.objects.exists()


def test_missing_csrf_token_is_refused(buyer: User, assessment: Assessment) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(buyer)
    response = autosave(client, assessment, "judgement", "yes")
    assert response.status_code == 403
    assert not Answer.objects.exists()


# Steps without JavaScript


def test_without_javascript_a_step_chosen_in_the_list_saves_this_step_first(
    buyer_client: Client, assessment: Assessment
) -> None:
    # The list's steps are buttons submitting the step's form: the answers given here are saved, then the step
    # chosen opens. One the answers do not show is not gone to; the step's own next one is.
    url = reverse("questionnaire:step", args=[assessment.pk, "work"])
    response = buyer_client.post(url, {"judgement": "yes", "goto": "volume"})
    assert response.status_code == 302
    landed = buyer_client.get(response["Location"]).content.decode()
    if "still need" in landed:  # the message names the step left with questions open, not "that step"
        assert "an answer on “" in landed and "on that step" not in landed
    assert response["Location"] == reverse("questionnaire:step", args=[assessment.pk, "volume"])
    assert Answer.objects.get(assessment=assessment, question_code="judgement").value is True
    review = buyer_client.post(url, {"judgement": "no", "review": "1"})
    assert review["Location"] == reverse("questionnaire:review", args=[assessment.pk])
    assert Answer.objects.get(assessment=assessment, question_code="judgement").value is False
    unknown = buyer_client.post(url, {"judgement": "no", "goto": "no-such-step"})
    assert unknown.status_code == 302
    # The lists of steps come after the form in the page: a submit button before it would be the form's default,
    # pressed by Enter in any field, and send the buyer to the first step instead of the next.
    page = buyer_client.get(url).content.decode()
    form_start = page.index('id="step-form"')
    form_end = page.index("</form>", form_start)
    first_submit = page.index('type="submit"', form_start)
    assert form_start < first_submit < form_end
    # Without JavaScript the questions' comment buttons (name="goto") are in the form too: the first submit button,
    # the default, is a plain "Save and continue" before them.
    assert page.index('name="goto"', form_start) > first_submit
    assert "name=" not in page[first_submit : page.index(">", first_submit)]
    assert 'form="step-form"' not in page[:form_start]
    assert page.index('class="section-list__go" name="goto"') > form_end
    # A refused answer keeps the buyer on the step with what they typed and the message, wherever they meant to go.
    volume = reverse("questionnaire:step", args=[assessment.pk, "volume"])
    buyer_client.post(url, {"judgement": "yes"})  # the answers show the volume step again
    refused = buyer_client.post(volume, {"hours": "lots", "goto": "work"})
    assert refused.status_code == 400 and 'value="lots"' in refused.content.decode()


def test_without_javascript_the_step_says_its_answers_are_saved_by_its_button(
    buyer_client: Client, assessment: Assessment
) -> None:
    # "Saved as you give it" holds with JavaScript; without it a link to another step would leave answers behind.
    first = buyer_client.get(reverse("questionnaire:step", args=[assessment.pk, "work"])).content.decode()
    assert (
        '<noscript><p class="muted small" id="nojs-saving">With JavaScript off, this step\'s answers are saved when '
        "you press “Save and continue”, “Save and go to review” below, or a step in the list of steps, so use one of "
        "those before following another link.</p></noscript>" in first
    )
    # Beside the buttons it names, at the foot of the form, not above the first question.
    assert first.index('id="nojs-saving"') > first.index('id="step-form"') and first.index(
        'id="nojs-saving"'
    ) < first.index('class="button button--primary">Save and continue</button>')
    assert (
        '<button type="submit" name="review" value="1" class="button button--secondary">Save and go to review' in first
    )
    later = buyer_client.get(reverse("questionnaire:step", args=[assessment.pk, "volume"])).content.decode()
    note = re.search(r"<noscript>(<p.*?)</noscript>", later, re.S)
    # The last step's button is "Save and review"; the note names the buttons the step shows.
    assert note is not None and "when you press “Save and review”" in note.group(1), note
    assert ("“Back”" in note.group(1)) == ('name="back"' in later)


def test_posting_a_whole_step_saves_it_and_moves_on(buyer_client: Client, assessment: Assessment) -> None:
    url = reverse("questionnaire:step", args=[assessment.pk, "work"])
    response = buyer_client.post(
        url, {"function": "legal", "judgement": "yes", "function__present": "1", "judgement__present": "1"}
    )
    assert response["Location"] == reverse("questionnaire:step", args=[assessment.pk, "volume"])
    assert answers_of(assessment) == {"function": "legal", "judgement": True}


def test_a_step_that_reveals_questions_stays_put(buyer_client: Client, assessment: Assessment) -> None:
    url = reverse("questionnaire:step", args=[assessment.pk, "work"])
    response = buyer_client.post(url, {"function": "research", "judgement": "yes"}, follow=True)
    # The page opens at the first question shown, which the message names: without JavaScript it reloads at its
    # top, and a question far down it would go unseen.
    shown = [c for c in response.context["questions"] if c.visible and c.code not in ("function", "judgement")]
    assert shown
    assert response.redirect_chain[-1][0] == f"{url}#q-{shown[0].code}"
    page = html.unescape(response.content.decode())
    assert f"Saved. Your answers opened {'a question' if len(shown) == 1 else 'more questions'} on this step: “" in page
    assert f"“{shown[0].question.prompt}”" in page


def test_a_step_that_closes_a_question_says_so(buyer_client: Client, assessment: Assessment) -> None:
    # Review 78: without JavaScript the step said "Saved." alone, and the answered question was gone from it.
    url = reverse("questionnaire:step", args=[assessment.pk, "work"])
    buyer_client.post(url, {"function": "research", "judgement": "yes", "distributed_us": "no"})
    response = buyer_client.post(url, {"function": "legal", "judgement": "yes"}, follow=True)
    page = html.unescape(response.content.decode())
    assert "Saved. It closed a question that no longer applies: “" in page
    assert "Its answer is kept, and counts again if the question comes back." in page
    assert answers_of(assessment)["distributed_us"] is False


def test_an_answer_removed_names_the_questions_it_closes(buyer_client: Client, assessment: Assessment) -> None:
    # Review 83: with JavaScript, unticking the last box said "Answer removed" alone while its follow-up, answered,
    # disappeared.
    url = reverse("questionnaire:step", args=[assessment.pk, "data"])
    buyer_client.post(url, {"data": ["phi"], "data__present": "1", "covered": "yes"})
    assert answers_of(assessment)["covered"] is True
    cleared = buyer_client.post(
        reverse("questionnaire:answer", args=[assessment.pk, "data"]), {"data__present": "1"}, **HX
    ).content.decode()
    status = html.unescape(cleared[cleared.index('id="status-data"') :].split("</p>", 1)[0])
    assert "Answer removed" in status and "It closed a question that no longer applies: “" in status
    assert "Its answer is kept, and counts again if the question comes back." in status


def test_save_and_go_to_review_saves_the_step_and_opens_the_review(
    buyer_client: Client, assessment: Assessment
) -> None:
    url = reverse("questionnaire:step", args=[assessment.pk, "work"])
    response = buyer_client.post(
        url,
        {"function": "legal", "judgement": "yes", "function__present": "1", "judgement__present": "1", "review": "1"},
    )
    assert response["Location"] == reverse("questionnaire:review", args=[assessment.pk])
    assert answers_of(assessment) == {"function": "legal", "judgement": True}


def test_a_bad_step_post_saves_the_valid_answers_and_keeps_what_was_typed(
    buyer_client: Client, assessment: Assessment
) -> None:
    Answer.objects.create(
        organisation_id=assessment.organisation_id, assessment=assessment, question_code="judgement", value=True
    )
    url = reverse("questionnaire:step", args=[assessment.pk, "volume"])
    response = buyer_client.post(url, {"hours": "12abc", "budget": "5000"})
    assert response.status_code == 400
    body = response.content.decode()
    assert "Enter the number alone, like 2000, without words or currency codes." in body
    assert 'value="12abc"' in body
    assert 'value="5000"' in body
    assert answers_of(assessment) == {"judgement": True, "budget": 5000}


def test_without_javascript_a_refused_step_is_shown_after_a_redirect_so_back_never_resends_it(
    buyer_client: Client, assessment: Assessment
) -> None:
    # The form's <noscript> field says no JavaScript ran: the refused POST redirects, and the GET after it shows the
    # typed values and the messages, once. Going Back to that GET later loads the step again, not a resend prompt.
    Answer.objects.create(
        organisation_id=assessment.organisation_id, assessment=assessment, question_code="judgement", value=True
    )
    url = reverse("questionnaire:step", args=[assessment.pk, "volume"])
    page = buyer_client.get(url).content.decode()
    assert '<noscript><input type="hidden" name="nojs" value="1"></noscript>' in page
    response = buyer_client.post(url, {"hours": "12abc", "budget": "5000", "nojs": "1"})
    assert response.status_code == 302 and response["Location"] == url
    assert answers_of(assessment) == {"judgement": True, "budget": 5000}
    shown = buyer_client.get(url)
    assert shown.status_code == 400
    body = shown.content.decode()
    assert (
        "Enter the number alone, like 2000, without words or currency codes." in body
        and 'value="12abc"' in body
        and 'value="5000"' in body
    )
    assert "Your other answers on this step are saved. Correct these and save again:" in body
    again = buyer_client.get(url)
    assert again.status_code == 200 and "12abc" not in again.content.decode()
    # Another step's GET leaves it alone; HEAD does not take it either.
    buyer_client.post(url, {"hours": "12abc", "nojs": "1"})
    assert buyer_client.head(url).status_code == 200
    assert buyer_client.get(reverse("questionnaire:step", args=[assessment.pk, "data"])).status_code == 200
    assert buyer_client.get(url).status_code == 400


def test_none_of_these_ticked_with_another_kind_of_data_is_refused_and_both_ticks_stay(
    buyer_client: Client, assessment: Assessment
) -> None:
    url = reverse("questionnaire:step", args=[assessment.pk, "data"])
    response = buyer_client.post(url, {"data": ["none", "phi"], "data__present": "1"})
    assert response.status_code == 400
    body = html.unescape(response.content.decode())
    assert "“None of these” cannot be ticked with other answers: untick it or untick the others." in body
    checked = set(re.findall(r'<input[^>]*name="data"[^>]*value="([a-z]+)"[^>]*checked', body))
    assert checked == {"none", "phi"}  # what the buyer ticked is shown as ticked, to correct
    assert "data" not in answers_of(assessment)


def test_unknown_step_is_404(buyer_client: Client, assessment: Assessment) -> None:
    assert buyer_client.get(reverse("questionnaire:step", args=[assessment.pk, "nope"])).status_code == 404


# Review and submit


def test_review_flags_missing_required_answers(buyer_client: Client, assessment: Assessment) -> None:
    Answer.objects.create(
        organisation_id=assessment.organisation_id, assessment=assessment, question_code="function", value="legal"
    )
    body = buyer_client.get(reverse("questionnaire:review", args=[assessment.pk])).content.decode()
    assert "required answers missing" in body
    assert "Is the work judgement-based?" in body


def test_submit_is_refused_while_anything_required_is_missing(buyer_client: Client, assessment: Assessment) -> None:
    Answer.objects.create(
        organisation_id=assessment.organisation_id, assessment=assessment, question_code="function", value="legal"
    )
    response = buyer_client.post(reverse("recommendations:submit", args=[assessment.pk]))
    assert response.status_code == 400
    page = response.content.decode()
    assert "required answers missing:" in page and "Is the work judgement-based?</a>" in page
    # Each missing answer is named once, as a link (review 61: twice, once as a message too), in an error summary.
    assert "Not answered yet: Is the work judgement-based?" not in page and "<title>Error: Review" in page
    # Its history entry is the review page's address, so Back to it loads that page (review 63: the 405 page).
    assert f'data-post-result="{reverse("questionnaire:review", args=[assessment.pk])}"' in page
    assessment.refresh_from_db()
    assert assessment.is_draft


def _complete(assessment: Assessment) -> None:
    for code, value in {"function": "legal", "judgement": True, "hours": 4000, "data": ["none"]}.items():
        Answer.objects.create(
            organisation_id=assessment.organisation_id, assessment=assessment, question_code=code, value=value
        )


def test_submitting_twice_gives_one_submitted_assessment(buyer_client: Client, assessment: Assessment) -> None:
    _complete(assessment)
    url = reverse("recommendations:submit", args=[assessment.pk])
    first = buyer_client.post(url)
    second = buyer_client.post(url)
    assert (
        first["Location"]
        == second["Location"]
        == reverse("recommendations:detail", args=[assessment.recommendation.pk])
    )
    assessment.refresh_from_db()
    assert assessment.status == "submitted"
    assert assessment.submitted_at is not None


def test_skipping_steps_then_submitting_is_refused(buyer_client: Client, assessment: Assessment) -> None:
    Answer.objects.create(
        organisation_id=assessment.organisation_id, assessment=assessment, question_code="data", value=["none"]
    )
    response = buyer_client.post(reverse("recommendations:submit", args=[assessment.pk]))
    assert response.status_code == 400


# The pinned playbook


def test_publishing_a_new_version_leaves_an_assessment_in_flight_alone(
    buyer_client: Client, assessment: Assessment, playbook: Playbook
) -> None:
    autosave(buyer_client, assessment, "function", "research")
    changed = small_playbook()
    changed["sections"][0]["questions"][1]["prompt"] = "A reworded question in version 2"
    v2 = publish_playbook(playbook=import_playbook(data=changed))
    assert v2.version == 2
    body = buyer_client.get(reverse("questionnaire:step", args=[assessment.pk, "work"])).content.decode()
    assert "Is the work judgement-based?" in body
    assert "reworded" not in body
    autosave(buyer_client, assessment, "judgement", "yes")
    assessment.refresh_from_db()
    assert assessment.playbook == playbook
    assert answers_of(assessment) == {"function": "research", "judgement": True}


def test_new_assessments_start_on_the_newest_version(buyer_client: Client, playbook: Playbook) -> None:
    v2 = publish_playbook(playbook=start_draft(playbook=playbook))
    buyer_client.post(reverse("questionnaire:start"), {"title": "New", "function": "legal"})
    assert Assessment.objects.get().playbook == v2


# Roles and scoping


def test_viewer_reads_but_cannot_answer(viewer_client: Client, assessment: Assessment) -> None:
    page = viewer_client.get(reverse("questionnaire:step", args=[assessment.pk, "work"]))
    assert page.status_code == 200
    assert "only editors and owners answer" in page.content.decode()
    assert autosave(viewer_client, assessment, "judgement", "yes").status_code == 403
    assert viewer_client.post(reverse("recommendations:submit", args=[assessment.pk])).status_code == 403
    assert viewer_client.get(reverse("questionnaire:start")).status_code == 403
    assert not Answer.objects.exists()


def test_editor_answers(colleague_client: Client, assessment: Assessment) -> None:
    assert autosave(colleague_client, assessment, "judgement", "yes").status_code == 200


@pytest.mark.parametrize(
    ("method", "name", "args"),
    [
        ("get", "questionnaire:resume", []),
        ("get", "questionnaire:step", ["work"]),
        ("post", "questionnaire:step", ["work"]),
        ("post", "questionnaire:answer", ["judgement"]),
        ("get", "questionnaire:review", []),
        ("post", "recommendations:submit", []),
        ("get", "recommendations:for_assessment", []),
        ("post", "questionnaire:delete", []),
        ("get", "questionnaire:delete_confirm", []),
    ],
)
def test_outsider_gets_404(
    outsider_client: Client, assessment: Assessment, method: str, name: str, args: list[str]
) -> None:
    url = reverse(name, args=[assessment.pk, *args])
    response = getattr(outsider_client, method)(url, {"judgement": "yes"})
    assert response.status_code == 404
    assert Assessment.objects.filter(pk=assessment.pk, status="draft").exists()
    assert not Answer.objects.exists()


def test_list_shows_only_this_organisations_assessments(
    buyer_client: Client, outsider_client: Client, assessment: Assessment
) -> None:
    assert "Equity research 2027" in buyer_client.get(reverse("questionnaire:list")).content.decode()
    assert "Equity research 2027" not in outsider_client.get(reverse("questionnaire:list")).content.decode()


# Query budgets: fixed whatever the number of questions


def _big_playbook(extra: int) -> dict[str, Any]:
    data = small_playbook()
    data["sections"][0]["questions"] += [
        {"code": f"extra_{i}", "prompt": f"Extra {i}?", "help": "", "kind": "yes_no", "required": False}
        for i in range(extra)
    ]
    return data


@pytest.mark.parametrize("extra", [0, 60])
def test_step_page_and_autosave_take_a_fixed_number_of_queries(
    organisation: Organisation, buyer: User, buyer_client: Client, django_assert_num_queries: Any, extra: int
) -> None:
    playbook = publish_playbook(playbook=import_playbook(data=_big_playbook(extra)))
    assessment = Assessment.objects.create(organisation=organisation, created_by=buyer, title="t", playbook=playbook)
    url = reverse("questionnaire:step", args=[assessment.pk, "work"])
    buyer_client.get(url)  # warm the compiled-playbook cache
    # session, user, memberships (the member, the header's switcher and its inbox count, one query), assessment
    # with the member's sections, pending second opinions and its answers with who gave them (one query), and the
    # step's comments (apps/discussion); the session is saved only when it changes
    with django_assert_num_queries(5):
        assert buyer_client.get(url).status_code == 200
    # session, user, membership, the assessment with the draft's row version and its answers (one statement), and
    # one statement that marks the draft and upserts while the row is still that version (no savepoint)
    with django_assert_num_queries(5):
        assert autosave(buyer_client, assessment, "judgement", "yes").status_code == 200


@pytest.mark.django_db(transaction=True)
def test_an_autosave_served_takes_five_statements_its_timeline_line_in_the_last(
    organisation: Organisation, buyer: User, buyer_client: Client
) -> None:
    """As in production (these statements commit): session, user, membership, the assessment with the draft, and
    the draft's write with its timeline line (apps/discussion/sitting.py), each a statement of its own, with no
    transaction opened."""
    playbook = publish_playbook(playbook=import_playbook(data=small_playbook()))
    assessment = Assessment.objects.create(organisation=organisation, created_by=buyer, title="t", playbook=playbook)
    buyer_client.get(reverse("questionnaire:step", args=[assessment.pk, "work"]))  # the compiled playbook cached
    for value in ("yes", "no"):  # the first save starts the line, the second is added to it
        with CaptureQueriesContext(connection) as queries:
            assert autosave(buyer_client, assessment, "judgement", value).status_code == 200
        sql = [q["sql"] for q in queries.captured_queries]
        assert len(sql) == 5 and sql[-1].startswith("\nWITH draft AS") and "), latest AS (" in sql[-1], sql
    [line] = Activity.objects.filter(organisation=organisation, assessment=assessment)
    assert line.summary == f"{buyer.email} changed 2 answers in “t”"
