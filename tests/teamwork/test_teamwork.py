"""Contributors per assessment, who answered what, concurrent answers, second opinions and settling them."""

from __future__ import annotations

import html
import re
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from apps.accounts.models import Membership, Organisation, User
from apps.discussion.models import Activity
from apps.playbooks.models import Playbook
from apps.questionnaire.models import Answer, Assessment
from apps.recommendations.memo import render_memo_html
from apps.recommendations.models import Recommendation
from apps.teamwork.models import SecondOpinion, SecondOpinionAnswer, SectionAssignment, Settlement, StakeholderRole
from tests.factories import AssessmentFactory, MembershipFactory

pytestmark = pytest.mark.django_db

HX = {"HTTP_HX_REQUEST": "true"}
COMPLETE = {"function": "legal", "judgement": True, "hours": 4000, "data": ["none"]}


@pytest.fixture
def draft(organisation: Organisation, buyer: User, playbook: Playbook) -> Assessment:
    return AssessmentFactory(
        organisation=organisation, created_by=buyer, title="Legal review", playbook=playbook, answers=COMPLETE
    )


def _member(user: User) -> Membership:
    return Membership.objects.get(user=user)


def _assign(client: Client, assessment: Assessment, **data: str) -> Any:
    return client.post(reverse("teamwork:contributors", args=[assessment.pk]), data)


def _loaded(page: str, code: str) -> str:
    match = re.search(rf'name="{code}__loaded" value="([^"]*)"', page)
    assert match, f"no loaded stamp for {code}"
    return match.group(1)


# Contributors


def test_owner_assigns_sections_and_the_assignee_sees_their_sections_first(
    buyer_client: Client, colleague_client: Client, colleague: User, draft: Assessment
) -> None:
    StakeholderRole.objects.create(organisation=draft.organisation, membership=_member(colleague), role="finance")
    response = _assign(
        buyer_client, draft, **{"section-data": f"member-{_member(colleague).pk}", "section-volume": "role-finance"}
    )
    assert response.status_code == 302
    stored = {a.section_code: (a.member_id, a.stakeholder) for a in SectionAssignment.objects.all()}
    assert stored == {"data": (_member(colleague).pk, ""), "volume": (None, "finance")}

    listing = colleague_client.get(reverse("questionnaire:list")).content.decode()
    assert "Your sections" in listing
    assert "The Volume, Data" not in listing and re.search(r"Volume, Data|Data, Volume", listing)
    step = colleague_client.get(reverse("questionnaire:step", args=[draft.pk, "work"])).content.decode()
    assert 'aria-label="Your sections"' in step
    # A few of the steps, marked apart (a dot, not a number that would not be the step's own), and like the list of
    # steps after the form: its buttons submit it, and one before it would be what Enter presses.
    yours = step.index('aria-label="Your sections"')
    assert '<ol class="section-list section-list--yours">' in step[yours:]
    assert step.index('id="step-form"') < yours
    assert '<button type="submit" form="step-form" class="section-list__go" name="goto" value="data">' in step[yours:]


def test_an_editor_who_did_not_start_the_assessment_cannot_assign_it(
    colleague_client: Client, colleague: User, draft: Assessment
) -> None:
    response = _assign(colleague_client, draft, **{"section-data": f"member-{_member(colleague).pk}"})
    assert response.status_code == 403
    assert not SectionAssignment.objects.exists()


@pytest.mark.parametrize(
    "field, value",
    [("section-data", "member-{outsider}"), ("section-data", "role-ceo"), ("opinion-work", "{outsider}"),
     ("opinion-work", "{viewer}"), ("section-data", "member-x\u202e"),
     ("section-data", "member-{viewer}")],  # review 56: a viewer told to answer a section they could only read
)  # fmt: skip
def test_assigning_anyone_outside_the_organisation_or_an_unknown_role_is_refused(
    buyer_client: Client, outsider: User, viewer: User, draft: Assessment, field: str, value: str
) -> None:
    value = value.format(outsider=_member(outsider).pk, viewer=_member(viewer).pk)
    response = _assign(buyer_client, draft, **{field: value})
    assert response.status_code == 400
    assert not SectionAssignment.objects.exists() and not SecondOpinion.objects.exists()


def test_owners_set_stakeholder_roles_and_viewers_may_not(
    buyer_client: Client, viewer_client: Client, colleague: User
) -> None:
    key = f"roles-{_member(colleague).pk}"
    assert viewer_client.post(reverse("teamwork:roles"), {key: ["legal"]}).status_code == 403
    assert not StakeholderRole.objects.exists()
    assert buyer_client.post(reverse("teamwork:roles"), {key: ["legal", "security"]}).status_code == 302
    assert set(StakeholderRole.objects.values_list("role", flat=True)) == {"legal", "security"}
    assert buyer_client.post(reverse("teamwork:roles"), {key: ["nonsense"]}).status_code == 400
    assert set(StakeholderRole.objects.values_list("role", flat=True)) == {"legal", "security"}
    # A viewer reads each member's roles in words, or none yet, and that only owners change them (review 109: bare
    # emails over empty boxes, in a form with no button).
    page = html.unescape(viewer_client.get(reverse("teamwork:roles")).content.decode())
    assert "Only the organisation's owners change these." in page and '<form method="post" class="form' not in page
    row = page[page.index(f'<th scope="row">{colleague.email}</th>') :]
    assert row[: row.index("</tr>")].count("Legal") == 1 and "None yet" in page


def test_the_answered_by_list_offers_no_viewer_and_refusing_one_says_why(
    buyer_client: Client, viewer: User, colleague: User, draft: Assessment
) -> None:
    page = buyer_client.get(reverse("teamwork:contributors", args=[draft.pk])).content.decode()
    assert f'value="member-{_member(colleague).pk}"' in page and f'value="member-{_member(viewer).pk}"' not in page
    body = _assign(buyer_client, draft, **{"section-data": f"member-{_member(viewer).pk}"}).content.decode()
    assert "a viewer can only read, so cannot answer it" in body


# Who answered, and two contributors at the same moment


def test_every_answer_records_who_gave_it_and_the_review_shows_it(
    colleague_client: Client, colleague: User, draft: Assessment
) -> None:
    url = reverse("questionnaire:answer", args=[draft.pk, "hours"])
    assert colleague_client.post(url, {"hours": "5000"}, **HX).status_code == 200
    answer = Answer.objects.get(assessment=draft, question_code="hours")
    assert (answer.value, answer.answered_by, answer.answered_at is not None) == (5000, colleague, True)
    review = colleague_client.get(reverse("questionnaire:review", args=[draft.pk])).content.decode()
    assert "answered by colleague@acme.test" in review


def test_two_contributors_answering_the_same_question_the_later_wins_and_is_told(
    buyer_client: Client, colleague_client: Client, buyer: User, draft: Assessment
) -> None:
    step = reverse("questionnaire:step", args=[draft.pk, "work"])
    buyer_stamp = _loaded(buyer_client.get(step).content.decode(), "judgement")
    colleague_stamp = _loaded(colleague_client.get(step).content.decode(), "judgement")
    url = reverse("questionnaire:answer", args=[draft.pk, "judgement"])
    first = colleague_client.post(url, {"judgement": "no", "judgement__loaded": colleague_stamp}, **HX)
    assert "changed this answer" not in first.content.decode()
    later = buyer_client.post(url, {"judgement": "yes", "judgement__loaded": buyer_stamp}, **HX)
    body = later.content.decode()
    assert later.status_code == 200
    assert "colleague@acme.test changed this answer at" in body and "yours replaced it" in body
    answer = Answer.objects.get(assessment=draft, question_code="judgement")
    assert (answer.value, answer.answered_by) == (True, buyer)
    # The page now holds the new stamp: saving again from it is not a conflict.
    again = buyer_client.post(url, {"judgement": "no", "judgement__loaded": _loaded(body, "judgement")}, **HX)
    assert "changed this answer" not in again.content.decode()


def test_a_whole_step_posted_over_a_colleagues_change_says_so(
    buyer_client: Client, colleague_client: Client, draft: Assessment
) -> None:
    step = reverse("questionnaire:step", args=[draft.pk, "volume"])
    stamp = _loaded(buyer_client.get(step).content.decode(), "hours")
    colleague_client.post(reverse("questionnaire:answer", args=[draft.pk, "hours"]), {"hours": "100"}, **HX)
    response = buyer_client.post(step, {"hours": "4500", "hours__loaded": stamp}, follow=True)
    assert "colleague@acme.test changed this answer at" in response.content.decode()
    assert Answer.objects.get(assessment=draft, question_code="hours").value == 4500


def _whole_step(page: str, **values: str) -> dict[str, str]:
    """The volume step posted as its page drew it (every box with its stamp), with ``values`` typed over it."""
    data = {code: re.search(rf'name="{code}"[^>]*value="([^"]*)"', page).group(1) for code in ("hours", "budget")}  # type: ignore[union-attr]  # drawn
    data.update({f"{code}__loaded": _loaded(page, code) for code in ("hours", "budget", "share")})
    data["share"] = ""
    return {**data, **values}


def test_typing_over_an_answer_a_colleague_removed_since_the_page_was_opened_says_so(
    buyer_client: Client, colleague_client: Client, draft: Assessment
) -> None:
    # Review 119: the colleague's removal was typed over with a plain "Saved"; a change would have been named.
    step = reverse("questionnaire:step", args=[draft.pk, "volume"])
    url = reverse("questionnaire:answer", args=[draft.pk, "hours"])
    assert buyer_client.post(url, {"hours": "2000"}, **HX).status_code == 200
    stamp = _loaded(buyer_client.get(step).content.decode(), "hours")
    assert stamp.partition("|")[0]  # drawn answered, with when
    assert colleague_client.post(url, {"hours": ""}, **HX).status_code == 200
    assert not Answer.objects.filter(assessment=draft, question_code="hours").exists()
    later = buyer_client.post(url, {"hours": "3000", "hours__loaded": stamp}, **HX)
    body = html.unescape(later.content.decode())
    assert later.status_code == 200
    assert "The answer this page showed was removed after it was opened; yours is now stored in its place." in body
    assert Answer.objects.get(assessment=draft, question_code="hours").value == 3000
    # Drawn unanswered, a first answer is just saved.
    again = reverse("questionnaire:answer", args=[draft.pk, "budget"])
    assert (
        "was removed after"
        not in buyer_client.post(again, {"budget": "1000", "budget__loaded": ""}, **HX).content.decode()
    )


def test_a_whole_step_sent_from_an_older_page_keeps_a_colleagues_newer_answer_it_did_not_touch(
    buyer_client: Client, colleague_client: Client, buyer: User, draft: Assessment
) -> None:
    # Review 56: "Save and continue" sent every box as drawn, so a colleague's newer 12 went back to the 6 on screen.
    step = reverse("questionnaire:step", args=[draft.pk, "volume"])
    page = buyer_client.get(step).content.decode()
    answer = reverse("questionnaire:answer", args=[draft.pk, "hours"])
    assert colleague_client.post(answer, {"hours": "12000"}, **HX).status_code == 200
    share = reverse("questionnaire:answer", args=[draft.pk, "share"])
    assert colleague_client.post(share, {"share": "40"}, **HX).status_code == 200
    response = buyer_client.post(step, _whole_step(page, budget="250000"), follow=True)
    body = response.content.decode()
    stored = {a.question_code: (a.value, a.answered_by) for a in Answer.objects.filter(assessment=draft)}
    assert stored["hours"][0] == 12000 and stored["share"][0] == 40  # both kept, the blank box included
    assert stored["budget"][0] == 250000 and stored["budget"][1] == buyer
    assert "colleague@acme.test changed this answer at" in body and "that answer is kept (12,000" in body
    assert "yours replaced it" not in body
    # One answer changed, and said so: the boxes sent as they were are neither written nor counted.
    assert stored["hours"][1] != buyer
    lines = Activity.objects.filter(assessment=draft, actor=buyer).values_list("summary", flat=True)
    assert [line.split(" in ")[0] for line in lines] == ["buyer@acme.test changed 1 answer"]


def test_a_whole_step_from_another_window_of_ones_own_keeps_the_newer_answer_and_says_so(
    buyer_client: Client, draft: Assessment
) -> None:
    step = reverse("questionnaire:step", args=[draft.pk, "volume"])
    older = buyer_client.get(step).content.decode()
    newer = buyer_client.get(step).content.decode()
    assert buyer_client.post(step, _whole_step(newer, hours="8000"), follow=True).status_code == 200
    response = buyer_client.post(step, _whole_step(older))
    # The step drawn again at the answer kept, not the next step (review 126: without JavaScript the page moved on).
    assert response.status_code == 302 and response["Location"] == f"{step}#q-hours"
    body = buyer_client.get(response["Location"]).content.decode()
    assert Answer.objects.get(assessment=draft, question_code="hours").value == 8000
    assert "You changed this answer in another window" in body and "that answer is kept (8,000" in body
    assert "Check the one kept before going on." in body


def test_a_box_saved_by_a_step_refused_elsewhere_and_then_changed_back_is_saved(
    buyer_client: Client, draft: Assessment
) -> None:
    # Review 57: the page drawn again after the refusal carried the stamps from before the save, so changing the saved
    # box back to its old value read as "untouched" and was dropped, with a message about another window.
    step = reverse("questionnaire:step", args=[draft.pk, "volume"])
    page = buyer_client.get(step).content.decode()
    refused = buyer_client.post(step, _whole_step(page, hours="4500", budget="lots"), **HX)
    assert refused.status_code == 400
    assert Answer.objects.get(assessment=draft, question_code="hours").value == 4500
    again = refused.content.decode()
    body = buyer_client.post(step, _whole_step(again, hours="4000", budget=""), follow=True).content.decode()
    assert Answer.objects.get(assessment=draft, question_code="hours").value == 4000
    assert "another window" not in body


def test_a_box_both_changed_is_the_later_save_and_names_the_answer_it_replaced(
    buyer_client: Client, colleague_client: Client, draft: Assessment
) -> None:
    step = reverse("questionnaire:step", args=[draft.pk, "volume"])
    page = buyer_client.get(step).content.decode()
    colleague_client.post(reverse("questionnaire:answer", args=[draft.pk, "hours"]), {"hours": "12000"}, **HX)
    body = buyer_client.post(step, _whole_step(page, hours="7000"), follow=True).content.decode()
    assert Answer.objects.get(assessment=draft, question_code="hours").value == 7000
    assert "(their answer: 12,000" in body and "yours replaced it" in body


# Second opinions and divergence


def _ask(buyer_client: Client, draft: Assessment, reviewer: User, section: str = "work") -> SecondOpinion:
    assert _assign(buyer_client, draft, **{f"opinion-{section}": str(_member(reviewer).pk)}).status_code == 302
    return SecondOpinion.objects.get(assessment=draft, section_code=section)


def _differing(buyer_client: Client, colleague_client: Client, colleague: User, draft: Assessment) -> tuple[str, str]:
    """A second opinion on "judgement" that differs from the answer given: the settle address, and the stamp of what
    the review page drawn now shows (its form's ``seen``)."""
    _ask(buyer_client, draft, colleague)
    colleague_client.post(reverse("teamwork:opinion", args=[draft.pk, "work"]), {"judgement": "no"})
    page = buyer_client.get(reverse("questionnaire:review", args=[draft.pk])).content.decode()
    seen = re.search(r'name="seen" value="([^"]+)"', page).group(1)  # type: ignore[union-attr]  # drawn
    return reverse("teamwork:settle", args=[draft.pk, "judgement"]), seen


def test_nobody_gives_the_second_opinion_on_a_section_they_answer(
    buyer_client: Client, colleague: User, draft: Assessment
) -> None:
    # Review 119: one member could be named for both, and was then sent to give a second opinion on answers nobody had
    # given; chosen at once or one half at a time (two owners each choosing one), it is refused and nothing saved.
    member = _member(colleague)
    both = _assign(
        buyer_client,
        draft,
        **{"section-work": f"member-{member.pk}", "opinion-work": str(member.pk), "section-volume": "role-finance"},
    )
    page = html.unescape(both.content.decode())
    # Refused on the form, the choices kept and the clash named in the error summary (review 122: every choice lost).
    assert both.status_code == 400, page[:500]
    assert f"{colleague} would both answer “" in page and 'id="error-summary" tabindex="-1" data-error-summary' in page
    assert 'value="role-finance" selected' in page
    assert not SectionAssignment.objects.exists() and not SecondOpinion.objects.exists()
    _ask(buyer_client, draft, colleague)
    then = _assign(buyer_client, draft, **{"section-work": f"member-{member.pk}"})
    assert then.status_code == 409 and not SectionAssignment.objects.exists()
    # Another section of theirs is fine.
    assert _assign(buyer_client, draft, **{"section-volume": f"member-{member.pk}"}).status_code == 302


def test_a_stale_page_naming_a_member_removed_since_in_a_select_left_alone_saves_the_change_made(
    buyer_client: Client, colleague: User, draft: Assessment
) -> None:
    # Review 123: the untouched select's removed member blocked the save with "Select a valid choice. 29 is not one of
    # the available choices", and the change made beside it was lost.
    member = _member(colleague)
    assert _assign(buyer_client, draft, **{"section-work": f"member-{member.pk}"}).status_code == 302
    page = buyer_client.get(reverse("teamwork:contributors", args=[draft.pk])).content.decode()
    assert f'name="was-section-work" value="member-{member.pk}"' in page
    drawn = {"section-work": f"member-{member.pk}", "was-section-work": f"member-{member.pk}"}
    Membership.objects.filter(pk=member.pk).delete()  # the assignment goes with the member
    saved = _assign(buyer_client, draft, **drawn, **{"section-volume": "role-finance", "was-section-volume": ""})
    assert saved.status_code == 302, html.unescape(saved.content.decode())[:600]
    assert SectionAssignment.objects.get(section_code="volume").stakeholder == "finance"
    # Chosen on the page (not as drawn), a removed member is refused in words, without its raw id.
    chosen = _assign(buyer_client, draft, **{"section-data": f"member-{member.pk}", "was-section-data": ""})
    body = html.unescape(chosen.content.decode())
    assert chosen.status_code == 400 and "not in the organisation now (removed since this page was opened)" in body
    assert "is not one of the available choices" not in body


def test_the_reviewer_cannot_change_or_clear_the_hidden_first_answers_through_autosave(
    buyer_client: Client, colleague_client: Client, colleague: User, draft: Assessment
) -> None:
    # Review 55: the step page hid them, but its autosave URL overwrote the first answer (and an empty post cleared it).
    _ask(buyer_client, draft, colleague)
    url = reverse("questionnaire:answer", args=[draft.pk, "judgement"])
    for sent in ({"judgement": "no"}, {"judgement": ""}):
        for headers in (HX, {}):
            response = colleague_client.post(url, sent, **headers)
            assert response.status_code == 409
            assert "you are asked for a second opinion on this step" in response.content.decode()
    assert Answer.objects.get(assessment=draft, question_code="judgement").value is True
    # Given, the step is theirs to answer like any other.
    assert (
        colleague_client.post(reverse("teamwork:opinion", args=[draft.pk, "work"]), {"judgement": "no"}).status_code
        == 302
    )
    assert colleague_client.post(url, {"judgement": "no"}, **HX).status_code == 200


def test_the_reviewer_answers_without_seeing_the_first_answers(
    buyer_client: Client, colleague_client: Client, colleague: User, draft: Assessment
) -> None:
    _ask(buyer_client, draft, colleague)
    opinion_url = reverse("teamwork:opinion", args=[draft.pk, "work"])
    step = colleague_client.get(reverse("questionnaire:step", args=[draft.pk, "work"]))
    assert step.status_code == 302 and step["Location"] == opinion_url
    page = colleague_client.get(opinion_url).content.decode()
    assert "checked" not in page  # the first answers (legal, yes) are not drawn
    review = colleague_client.get(reverse("questionnaire:review", args=[draft.pk])).content.decode()
    assert "Legal review</dd>" not in review and "stay hidden until you have given yours" in review
    assert colleague_client.post(opinion_url, {"judgement": "no"}).status_code == 302
    assert SecondOpinionAnswer.objects.get().value is False
    assert colleague_client.get(reverse("questionnaire:step", args=[draft.pk, "work"])).status_code == 200


def test_a_second_opinion_that_flips_the_verdict_is_shown_first_and_blocks_submit_until_settled(
    buyer_client: Client, colleague_client: Client, buyer: User, colleague: User, draft: Assessment
) -> None:
    _ask(buyer_client, draft, colleague)
    _ask(buyer_client, draft, colleague, section="volume")
    opinion = reverse("teamwork:opinion", args=[draft.pk, "work"])
    assert colleague_client.post(opinion, {"judgement": "no", "function": "legal"}).status_code == 302
    volume = reverse("teamwork:opinion", args=[draft.pk, "volume"])
    assert colleague_client.post(volume, {"hours": "3000"}).status_code == 302

    review = buyer_client.get(reverse("questionnaire:review", args=[draft.pk])).content.decode()
    assert review.index('id="divergence-judgement"') < review.index('id="divergence-hours"')
    block = review[review.index('id="divergence-judgement"') : review.index('id="divergence-hours"')]
    assert "Changes the verdict" in block and "KPO wins" in block and "KPO doesn" in block

    submit = reverse("recommendations:submit", args=[draft.pk])
    refused = buyer_client.post(submit)
    assert refused.status_code == 400
    assert "Settle the second opinion on" in refused.content.decode()
    assert not Recommendation.objects.exists()
    draft.refresh_from_db()
    assert draft.is_draft

    settle = reverse("teamwork:settle", args=[draft.pk, "judgement"])
    reason = "Legal confirmed the reports need analyst judgement."
    assert buyer_client.post(settle, {"choice": "first", "reason": reason}).status_code == 302
    assert Settlement.objects.get().reason == reason
    assert buyer_client.post(submit).status_code == 302
    assert Recommendation.objects.get().verdict == "wins"


def test_nobody_submits_while_a_second_opinion_is_owed_until_it_is_given_or_withdrawn(
    buyer_client: Client, colleague_client: Client, colleague: User, draft: Assessment
) -> None:
    # Review 72: a colleague could submit while the opinion was owed, so the result decided without it and showed
    # the first answers to the member who owed it.
    _ask(buyer_client, draft, colleague)
    submit = reverse("recommendations:submit", args=[draft.pk])
    refused = buyer_client.post(submit)
    assert refused.status_code == 400
    assert f"Wait for {colleague}&#x27;s second opinion on" in refused.content.decode()
    assert "withdraw the request on the contributors page" in refused.content.decode()
    assert not Recommendation.objects.exists()
    # Withdrawn (no one asked for the section), it no longer blocks.
    assert _assign(buyer_client, draft, **{"opinion-work": ""}).status_code == 302
    assert not SecondOpinion.objects.exists()
    assert buyer_client.post(submit).status_code == 302
    assert Recommendation.objects.filter(assessment=draft).exists()


def test_a_second_opinion_given_the_same_as_the_first_answers_lets_submit_through(
    buyer_client: Client, colleague_client: Client, colleague: User, draft: Assessment
) -> None:
    _ask(buyer_client, draft, colleague)
    submit = reverse("recommendations:submit", args=[draft.pk])
    assert buyer_client.post(submit).status_code == 400
    opinion = reverse("teamwork:opinion", args=[draft.pk, "work"])
    assert colleague_client.post(opinion, {"judgement": "yes", "function": "legal"}).status_code == 302
    assert buyer_client.post(submit).status_code == 302


def test_settling_for_the_second_opinion_makes_it_the_answer(
    buyer_client: Client, colleague_client: Client, buyer: User, colleague: User, draft: Assessment
) -> None:
    _ask(buyer_client, draft, colleague)
    colleague_client.post(reverse("teamwork:opinion", args=[draft.pk, "work"]), {"judgement": "no"})
    settle = reverse("teamwork:settle", args=[draft.pk, "judgement"])
    response = buyer_client.post(settle, {"choice": "second", "reason": "It is rules-based processing after all."})
    assert response.status_code == 302
    answer = Answer.objects.get(assessment=draft, question_code="judgement")
    assert (answer.value, answer.answered_by) == (False, buyer)
    assert Settlement.objects.get().chosen_value is False


def test_answers_a_second_opinion_brings_in_go_with_it_and_are_taken_with_it(
    buyer_client: Client, colleague_client: Client, buyer: User, colleague: User, draft: Assessment
) -> None:
    # "Are you a HIPAA covered entity?" shows only once the data is health data: the first answers (no
    # such data) never asked it, so the reviewer is asked it once their answer brings it in, and their
    # answer to it is not a difference of its own but goes with the one that brings it in.
    _ask(buyer_client, draft, colleague, section="data")
    opinion = reverse("teamwork:opinion", args=[draft.pk, "data"])
    response = colleague_client.post(opinion, {"data": ["phi"]})
    assert (response.status_code, response["Location"]) == (302, opinion)
    assert 'id="q-covered"' in colleague_client.get(opinion).content.decode()
    response = colleague_client.post(opinion, {"data": ["phi"], "covered": "yes"})
    assert (response.status_code, response["Location"]) == (302, reverse("questionnaire:review", args=[draft.pk]))
    review = buyer_client.get(reverse("questionnaire:review", args=[draft.pk])).content.decode()
    assert 'id="divergence-data"' in review and 'id="divergence-covered"' not in review
    assert "questions it brings in: Are you a HIPAA covered entity? Yes" in review

    settle = reverse("teamwork:settle", args=[draft.pk, "data"])
    response = buyer_client.post(settle, {"choice": "second", "reason": "The files are patient records."})
    assert response.status_code == 302
    stored = dict(Answer.objects.filter(assessment=draft).values_list("question_code", "value"))
    assert (stored["data"], stored["covered"]) == (["phi"], True)
    assert 'id="divergence-' not in buyer_client.get(reverse("questionnaire:review", args=[draft.pk])).content.decode()


@pytest.mark.parametrize(
    "data", [{"choice": "first", "reason": "short"}, {"choice": "both", "reason": "A long enough reason."},
             {"reason": "A long enough reason."}, {"choice": "first", "reason": "x" * 2001}],
)  # fmt: skip
def test_a_settlement_without_a_valid_choice_and_reason_is_refused(
    buyer_client: Client, colleague_client: Client, colleague: User, draft: Assessment, data: dict[str, str]
) -> None:
    _ask(buyer_client, draft, colleague)
    colleague_client.post(reverse("teamwork:opinion", args=[draft.pk, "work"]), {"judgement": "no"})
    response = buyer_client.post(reverse("teamwork:settle", args=[draft.pk, "judgement"]), data)
    assert response.status_code == 400
    assert not Settlement.objects.exists()
    assert Answer.objects.get(assessment=draft, question_code="judgement").value is True


def test_only_the_assessments_owner_settles(
    buyer_client: Client, colleague_client: Client, colleague: User, draft: Assessment
) -> None:
    _ask(buyer_client, draft, colleague)
    colleague_client.post(reverse("teamwork:opinion", args=[draft.pk, "work"]), {"judgement": "no"})
    data = {"choice": "second", "reason": "I am sure it is rules-based."}
    assert colleague_client.post(reverse("teamwork:settle", args=[draft.pk, "judgement"]), data).status_code == 403
    assert not Settlement.objects.exists()


def test_a_bad_second_opinion_is_refused_and_nothing_is_stored(
    buyer_client: Client, colleague_client: Client, colleague: User, draft: Assessment
) -> None:
    _ask(buyer_client, draft, colleague)
    url = reverse("teamwork:opinion", args=[draft.pk, "work"])
    assert colleague_client.post(url, {"judgement": "perhaps"}).status_code == 400
    assert colleague_client.post(url, {"hours": "10"}).status_code == 400  # another section's question
    assert not SecondOpinionAnswer.objects.exists()
    assert not SecondOpinion.objects.get().is_given
    # Every answer sent stays in its box beside the refused one (review 81: the choices were cleared).
    page = colleague_client.post(url, {"function": "research", "judgement": "perhaps"}).content.decode()
    assert 'value="research" checked' in page
    volume = reverse("teamwork:opinion", args=[draft.pk, "volume"])
    assert _assign(buyer_client, draft, **{"opinion-work": ""}).status_code == 302  # owing one section at a time
    _ask(buyer_client, draft, colleague, "volume")
    page = colleague_client.post(volume, {"hours": "-3", "budget": "500"}).content.decode()
    assert 'name="budget" value="500"' in page and 'name="hours" value="-3"' in page
    assert not SecondOpinionAnswer.objects.exists()


def test_only_the_named_reviewer_gives_the_opinion(buyer_client: Client, colleague: User, draft: Assessment) -> None:
    _ask(buyer_client, draft, colleague)
    assert (
        buyer_client.post(reverse("teamwork:opinion", args=[draft.pk, "work"]), {"judgement": "no"}).status_code == 403
    )
    assert not SecondOpinionAnswer.objects.exists()


def test_the_api_submit_is_blocked_by_a_verdict_flipping_divergence(
    buyer_client: Client, colleague_client: Client, buyer: User, colleague: User, draft: Assessment
) -> None:
    from apps.api.services import create_api_key

    _ask(buyer_client, draft, colleague)
    colleague_client.post(reverse("teamwork:opinion", args=[draft.pk, "work"]), {"judgement": "no"})
    _, secret = create_api_key(organisation=draft.organisation, user=buyer, name="Suite", scopes=["submit"])
    response = Client().post(
        f"/api/v1/assessments/{draft.pk}/submit", HTTP_AUTHORIZATION=f"Bearer {secret}", content_type="application/json"
    )
    assert response.status_code == 422
    assert "Settle the second opinion" in response.content.decode()
    assert not Recommendation.objects.exists()


@pytest.mark.parametrize("opinions", [1, 3])
def test_the_review_page_with_divergences_takes_a_fixed_number_of_queries(
    buyer_client: Client, colleague_client: Client, colleague: User, draft: Assessment, opinions: int,
    django_assert_num_queries: Any,
) -> None:  # fmt: skip
    answers = {"work": {"judgement": "no"}, "volume": {"hours": "3000"}, "data": {"data": ["phi"], "covered": "yes"}}
    for section in list(answers)[:opinions]:
        _ask(buyer_client, draft, colleague, section)
        assert (
            colleague_client.post(reverse("teamwork:opinion", args=[draft.pk, section]), answers[section]).status_code
            == 302
        )
    url = reverse("questionnaire:review", args=[draft.pk])
    buyer_client.get(url)
    # session, user, memberships (with the header's inbox count, apps/discussion), assessment with its answers and
    # who gave them (one query), the member's sections and pending opinions and whether any section is assigned
    # or opinion asked (one query; no section is assigned, so no assignments are read), opinions with their
    # reviewers, their answers, their settlements (with who settled), and the page's comments (apps/discussion)
    with django_assert_num_queries(9):
        response = buyer_client.get(url)
    assert response.content.decode().count('id="divergence-') == opinions


def test_sections_the_answers_do_not_ask_are_marked_so_on_the_assignment_page(
    buyer_client: Client, buyer: User, organisation: Organisation, reference: Playbook
) -> None:
    # Review 66: an equity-research draft offered "Legal work" and "Tax work" to assign with no word that its answers
    # never ask them. They stay assignable (a changed answer may ask them) and say so.
    draft = AssessmentFactory(
        organisation=organisation, created_by=buyer, title="Research", playbook=reference,
        answers={"function": "equity-research"},
    )  # fmt: skip
    page = buyer_client.get(reverse("teamwork:contributors", args=[draft.pk])).content.decode()
    rows = {m.group(1): m.group(0) for m in re.finditer(r'<th scope="row">([^<]+)(?:(?!</th>).)*</th>', page, re.S)}
    assert "Not asked, given the answers so far" in rows["Legal work"]
    assert "Not asked, given the answers so far" in rows["Tax work"]
    assert "Not asked" not in rows["Investment research"] and "Not asked" not in rows["The work"]


def test_a_second_opinion_on_a_question_nobody_answered_becomes_the_answer(
    buyer_client: Client, colleague_client: Client, buyer: User, colleague: User, draft: Assessment
) -> None:
    # Review 71: a question the first answers left empty was listed as a difference, to settle by "keeping Not
    # answered" with a 10-character reason.
    _ask(buyer_client, draft, colleague, section="volume")
    volume = reverse("teamwork:opinion", args=[draft.pk, "volume"])
    assert colleague_client.post(volume, {"hours": "4000", "budget": "250000"}).status_code == 302
    answer = Answer.objects.get(assessment=draft, question_code="budget")
    assert (answer.value, answer.answered_by) == (250000, colleague)
    review = buyer_client.get(reverse("questionnaire:review", args=[draft.pk])).content.decode()
    assert 'id="divergence-budget"' not in review
    assert buyer_client.post(reverse("recommendations:submit", args=[draft.pk])).status_code == 302


def test_whoever_gave_the_second_opinion_does_not_settle_it(
    buyer_client: Client, colleague_client: Client, buyer: User, colleague: User, organisation: Organisation,
    playbook: Playbook,
) -> None:  # fmt: skip
    # Review 71: an organisation owner asked for the second opinion could then settle it against the first answers.
    started = AssessmentFactory(
        organisation=organisation, created_by=colleague, title="Colleague's", playbook=playbook, answers=COMPLETE
    )
    _ask(colleague_client, started, buyer)
    opinion = reverse("teamwork:opinion", args=[started.pk, "work"])
    page = buyer_client.get(opinion).content.decode()
    assert "colleague@acme.test, who started the assessment, sees both" in page
    assert buyer_client.post(opinion, {"judgement": "no"}).status_code == 302
    review = buyer_client.get(reverse("questionnaire:review", args=[started.pk])).content.decode()
    assert "You gave this second opinion, so whoever started the assessment" in review
    assert reverse("teamwork:settle", args=[started.pk, "judgement"]) not in review
    settle = reverse("teamwork:settle", args=[started.pk, "judgement"])
    refused = buyer_client.post(settle, {"choice": "second", "reason": "I think it is rules-based work."})
    assert refused.status_code == 409
    assert "You gave this second opinion" in refused.content.decode()
    assert not Settlement.objects.exists()
    reason = "Legal confirmed the reports need analyst judgement."
    assert colleague_client.post(settle, {"choice": "first", "reason": reason}).status_code == 302
    assert Settlement.objects.get().reason == reason


def test_without_javascript_a_questions_comment_button_saves_the_step_first(
    buyer_client: Client, buyer: User, draft: Assessment
) -> None:
    # Review 71: without JavaScript the question's "Comment" link left the step, and its typed answers were lost.
    step = reverse("questionnaire:step", args=[draft.pk, "volume"])
    page = buyer_client.get(step).content.decode()
    assert '<a href="' + reverse("discussion:question", args=[draft.pk, "hours"]) + '" class="js-only">' in page
    assert 'name="goto" class="button button--link button--small" value="comment:hours">Save this step, then' in page
    assert "css/nojs" in page and "With JavaScript off, this step's answers are saved when you press" in page
    response = buyer_client.post(step, _whole_step(page, budget="250000", goto="comment:hours", nojs="1"))
    assert response.status_code == 302
    assert response["Location"] == reverse("discussion:question", args=[draft.pk, "hours"])
    assert Answer.objects.get(assessment=draft, question_code="budget").value == 250000
    # A question of another step is not a way out of this one: the step is saved and goes on as usual.
    other = buyer_client.post(step, _whole_step(page, goto="comment:judgement", nojs="1"))
    assert other.status_code == 302 and "/questions/" not in other["Location"]


def test_the_opinion_page_never_draws_a_first_answer_even_when_refused(
    buyer_client: Client, colleague_client: Client, colleague: User, draft: Assessment
) -> None:
    # Review 72: an empty opinion refused ("answer at least one question") was drawn with the first answer checked.
    _ask(buyer_client, draft, colleague)
    url = reverse("teamwork:opinion", args=[draft.pk, "work"])
    for response in (colleague_client.get(url), colleague_client.post(url, {})):
        body = response.content.decode()
        assert " checked" not in body.split('id="main"')[-1].split("</form>")[0], response.status_code
    assert colleague_client.post(url, {}).status_code == 400


def test_whoever_started_the_assessment_is_not_offered_as_its_second_opinion(
    buyer_client: Client, buyer: User, colleague: User, draft: Assessment
) -> None:
    # Review 73: the starter could ask themselves, and the difference could then never be settled.
    page = buyer_client.get(reverse("teamwork:contributors", args=[draft.pk])).content.decode()
    own = str(_member(buyer).pk)
    opinion = page.split('name="opinion-work"')[1].split("</select>")[0]
    assert f'value="{own}"' not in opinion and f'value="{_member(colleague).pk}"' in opinion
    assert _assign(buyer_client, draft, **{"opinion-work": own}).status_code == 400
    assert not SecondOpinion.objects.exists()


def test_a_settle_refused_says_so_in_plain_words_and_keeps_the_reason(
    buyer_client: Client, colleague_client: Client, colleague: User, draft: Assessment
) -> None:
    # Review 73: Django's "This field is required." in a list with role=alert (not allowed there), no "Error:" in the
    # title, focus on the page, and the reason typed lost.
    _ask(buyer_client, draft, colleague)
    colleague_client.post(reverse("teamwork:opinion", args=[draft.pk, "work"]), {"judgement": "no"})
    settle = reverse("teamwork:settle", args=[draft.pk, "judgement"])
    # The form is sent as it is, so this page's summary answers, not a passing browser bubble (review 76).
    review = buyer_client.get(reverse("questionnaire:review", args=[draft.pk])).content.decode()
    assert re.search(rf'<form method="post" action="{settle}"[^>]* novalidate>', review)
    refused = buyer_client.post(settle, {"reason": "short"})
    body = refused.content.decode()
    assert refused.status_code == 400 and "<title>Error: Review · " in body
    assert "Choose which answer stands." in body and "Give the reason in at least 10 characters." in body
    assert "This field is required" not in body
    # Review 86: the review page again, the refusal beside the difference's own form, the reason back in its box and
    # the choice as sent; the history entry is the review page at that difference.
    form = body.split(f'action="{settle}"')[1].split("</form>")[0]
    assert 'id="settle-error-judgement" role="alert"' in form and ">short</textarea>" in form
    assert f'data-post-result="{reverse("questionnaire:review", args=[draft.pk])}#divergence-judgement"' in body
    assert not Settlement.objects.exists()
    chose = buyer_client.post(settle, {"choice": "second", "reason": "x"}).content.decode()
    form = chose.split(f'action="{settle}"')[1].split("</form>")[0]
    assert 'value="second" checked' in form and 'value="first" required checked' not in form


def test_a_member_owing_an_opinion_reads_nothing_of_the_hidden_answers_in_saves_steps_or_the_list(
    buyer_client: Client, colleague_client: Client, colleague: User, draft: Assessment
) -> None:
    # Review 75: the autosave's list of steps and progress, "Back" after a step, and the list's counts were worked out
    # from every answer: the "volume" step, open only because the hidden first answer says judgement is needed, showed.
    _ask(buyer_client, draft, colleague)
    volume = reverse("questionnaire:step", args=[draft.pk, "volume"])
    saved = colleague_client.post(
        reverse("questionnaire:answer", args=[draft.pk, "data"]), {"data": ["none"]}, **HX
    ).content.decode()
    step_button = 'name="goto" value="volume"'
    assert saved.count("data-hx-swap-oob") >= 2 and step_button not in saved
    data = reverse("questionnaire:step", args=[draft.pk, "data"])
    back = colleague_client.post(data, {"data": ["none"], "back": "1"})
    assert back.status_code == 302 and back["Location"] != volume
    listed = colleague_client.get(reverse("questionnaire:list")).content.decode()
    assert "1 of 3 answered" in listed and "4 of 4 answered" not in listed
    # The owner, who owes nothing, reads every answer.
    assert "4 of 4 answered" in buyer_client.get(reverse("questionnaire:list")).content.decode()
    owner_saved = buyer_client.post(reverse("questionnaire:answer", args=[draft.pk, "data"]), {"data": ["none"]}, **HX)
    assert step_button in owner_saved.content.decode()


def test_a_given_opinion_stays_as_given_once_the_first_answers_are_open_to_its_reviewer(
    buyer_client: Client, colleague_client: Client, colleague: User, draft: Assessment
) -> None:
    # Review 75: given with one answer, the first answers were shown, and the opinion could be revised after reading
    # them; a settlement then stayed "settled" against the revised opinion.
    _ask(buyer_client, draft, colleague)
    opinion = reverse("teamwork:opinion", args=[draft.pk, "work"])
    assert colleague_client.post(opinion, {"judgement": "no"}).status_code == 302
    given_at = SecondOpinion.objects.get().given_at
    # Sent again as given, nothing changes: not its time, nor a second notice (review 78).
    notices = Activity.objects.count()
    assert colleague_client.post(opinion, {"judgement": "no"}).status_code == 302
    assert SecondOpinion.objects.get().given_at == given_at and Activity.objects.count() == notices
    revised = colleague_client.post(opinion, {"judgement": "yes"})
    assert revised.status_code == 400 and "stays as given" in revised.content.decode()
    assert SecondOpinionAnswer.objects.get(question_code="judgement").value is False
    # The page draws what was given as given, not as boxes to change, and offers only the rest (review 78).
    page = colleague_client.get(opinion).content.decode()
    judgement = page[page.index('id="q-judgement"') :].split("</fieldset>")[0]
    function = page[page.index('id="q-function"') :].split("</fieldset>")[0]
    assert judgement.count(" disabled") == 2 and " checked disabled" in judgement  # "No", as given
    assert " disabled" not in function
    assert ">Add to my opinion</button>" in page and "Give my opinion" not in page
    # Its lead no longer says the first answers stay hidden, and points to them (review 83).
    assert "stay hidden until you have given yours" not in page and "The first answers are open to you now" in page
    # A question it had not answered may still be answered; what it gave is kept. The disabled box sends only its
    # presence marker, which is no answer.
    added = colleague_client.post(opinion, {"judgement__present": "1", "function": "legal", "function__present": "1"})
    assert added.status_code == 302
    assert dict(SecondOpinionAnswer.objects.values_list("question_code", "value")) == {
        "judgement": False,
        "function": "legal",
    }
    # Nothing left to answer: no button, and where to add something instead.
    page = colleague_client.get(opinion).content.decode()
    assert re.findall(r'<fieldset[^>]* id="q-([a-z_]+)"', page) == ["function", "judgement"]  # both given
    assert "opinion</button>" not in page and "There is nothing left to answer" in page


def test_a_settlement_holds_only_against_the_opinion_it_settled(
    buyer_client: Client, colleague_client: Client, colleague: User, draft: Assessment
) -> None:
    from apps.teamwork.divergence import Divergence

    _ask(buyer_client, draft, colleague)
    colleague_client.post(reverse("teamwork:opinion", args=[draft.pk, "work"]), {"judgement": "no"})
    settle = reverse("teamwork:settle", args=[draft.pk, "judgement"])
    assert buyer_client.post(settle, {"choice": "first", "reason": "Legal confirmed judgement."}).status_code == 302
    settlement = Settlement.objects.get()
    assert (settlement.first_value, settlement.second_value, settlement.chosen_value) == (True, False, True)
    fields = {"opinion": settlement.opinion, "question": None, "first_by": "", "first_at": None}
    effects = {"with_first": None, "with_second": None, "settlement": settlement}
    assert Divergence(**fields, first=True, second=False, **effects).settled  # type: ignore[arg-type]  # stand-ins
    assert not Divergence(**fields, first=True, second="other", **effects).settled  # type: ignore[arg-type]  # same
    assert not Divergence(**fields, first=False, second=False, **effects).settled  # type: ignore[arg-type]  # same


@pytest.mark.parametrize("judgement", [True, False])
def test_what_a_member_owing_an_opinion_is_told_is_the_same_whatever_the_hidden_answers(
    buyer_client: Client, colleague_client: Client, colleague: User, draft: Assessment, judgement: bool
) -> None:
    # Review 77: whether a save was taken, where the resume link led, which sections the contributors page called
    # "not asked", and why submit was refused, each told the hidden answer (the volume step shows only with judgement).
    Answer.objects.filter(assessment=draft, question_code="judgement").update(value=judgement)
    _ask(buyer_client, draft, colleague)
    probe = colleague_client.post(reverse("questionnaire:answer", args=[draft.pk, "hours"]), {"hours": "10"}, **HX)
    assert probe.status_code == 400 and "doesn&#x27;t apply given your other answers" in probe.content.decode()
    resume = colleague_client.get(reverse("questionnaire:resume", args=[draft.pk]))
    assert resume["Location"] == reverse("questionnaire:step", args=[draft.pk, "work"])
    page = colleague_client.get(reverse("teamwork:contributors", args=[draft.pk])).content.decode()
    assert '<th scope="row">Volume<br><span class="small muted">Not asked, given the answers so far' in page
    refused = colleague_client.post(reverse("recommendations:submit", args=[draft.pk])).content.decode()
    assert "Give your second opinion on" in refused


def test_notices_asking_for_what_is_no_longer_asked_are_marked_read(
    buyer_client: Client,
    colleague: User,
    viewer: User,
    draft: Assessment,
    organisation: Organisation,
    buyer: User,
    django_capture_on_commit_callbacks: Any,
) -> None:
    # Review 78: a withdrawn request for a second opinion, a section given to someone else and a deleted draft's
    # requests stayed unread in the inbox, each leading to a page that no longer asked anything.
    from apps.discussion.models import Notification

    editor = MembershipFactory(organisation=organisation, role=Membership.Role.EDITOR, user__email="third@acme.test")
    other = AssessmentFactory(organisation=organisation, created_by=buyer, title="Other", playbook=draft.playbook)

    def unread(user: User) -> list[str]:
        return sorted(Notification.objects.filter(recipient=user, read_at=None).values_list("kind", "url"))

    with django_capture_on_commit_callbacks(execute=True):
        for assessment in (draft, other):
            _ask(buyer_client, assessment, colleague)
            assert _assign(buyer_client, assessment, **{"section-data": f"member-{editor.pk}"}).status_code == 302
    opinion = reverse("teamwork:opinion", args=[draft.pk, "work"])
    assert ("second_opinion_requested", opinion) in unread(colleague)
    assert ("section_assigned", reverse("questionnaire:step", args=[draft.pk, "data"])) in unread(editor.user)

    with django_capture_on_commit_callbacks(execute=True):
        assert _assign(buyer_client, draft, **{"opinion-work": ""}).status_code == 302  # withdrawn
        assert _assign(buyer_client, draft, **{"section-data": ""}).status_code == 302  # nobody in particular now
    other_opinion = reverse("teamwork:opinion", args=[other.pk, "work"])
    assert unread(colleague) == [("second_opinion_requested", other_opinion)]
    assert unread(editor.user) == [("section_assigned", reverse("questionnaire:step", args=[other.pk, "data"]))]

    # Asked of someone else: the first reviewer's request is done with, the new one's is not.
    viewer_membership = Membership.objects.get(user=viewer)
    viewer_membership.role = Membership.Role.EDITOR
    viewer_membership.save()
    with django_capture_on_commit_callbacks(execute=True):
        assert _assign(buyer_client, other, **{"opinion-work": str(viewer_membership.pk)}).status_code == 302
    assert unread(colleague) == []
    assert unread(viewer) == [("second_opinion_requested", other_opinion)]

    # A deleted draft's notices all lead nowhere; another draft's stay.
    with django_capture_on_commit_callbacks(execute=True):
        assert buyer_client.post(reverse("questionnaire:delete", args=[other.pk])).status_code == 302
    assert unread(viewer) == [] and unread(editor.user) == []


def test_an_opinion_given_in_another_tab_meanwhile_is_not_replaced(
    buyer_client: Client, colleague_client: Client, colleague: User, draft: Assessment
) -> None:
    # Review 80: two tabs sent the opinion at once; both read it not given, both were told "saved", and the later
    # replaced the earlier's answers. The opinion is read again under the draft's lock.
    from apps.teamwork.services import give_second_opinion

    asked = _ask(buyer_client, draft, colleague)
    stale = SecondOpinion.objects.select_related("assessment__playbook").get(pk=asked.pk)  # read before either post
    assert colleague_client.post(reverse("teamwork:opinion", args=[draft.pk, "work"]), {"judgement": "no"}).status_code
    assert stale.given_at is None
    problems = give_second_opinion(opinion=stale, values={"judgement": "yes"}, user=colleague)
    assert "stays as given" in problems["judgement"]
    assert SecondOpinionAnswer.objects.get(question_code="judgement").value is False


@pytest.mark.parametrize("owes", [False, True])
def test_a_colleague_owing_the_sections_opinion_is_not_told_their_answer_there_was_replaced(
    buyer_client: Client,
    colleague_client: Client,
    colleague: User,
    draft: Assessment,
    owes: bool,
    django_capture_on_commit_callbacks: Any,
) -> None:
    # Review 82: the inbox said "changed 3 answers …, replacing 1 given by a colleague" to the member owing the volume
    # section's opinion: when and how much the hidden first answers changed, and that theirs had.
    from apps.discussion.models import Notification

    step = reverse("questionnaire:step", args=[draft.pk, "volume"])
    page = buyer_client.get(step).content.decode()
    colleague_client.post(reverse("questionnaire:answer", args=[draft.pk, "hours"]), {"hours": "12000"}, **HX)
    if owes:
        _ask(buyer_client, draft, colleague, "volume")
    with django_capture_on_commit_callbacks(execute=True):
        buyer_client.post(step, _whole_step(page, hours="7000"))
    assert Answer.objects.get(assessment=draft, question_code="hours").value == 7000
    told = Notification.objects.filter(recipient=colleague, kind="answers_changed").exists()
    assert told is not owes


def test_changing_who_answers_a_submitted_assessment_is_refused_with_why(
    buyer_client: Client, colleague: User, draft: Assessment
) -> None:
    # Review 82: its owner got a 403 saying only its owners assign it.
    from django.utils import timezone

    Assessment.objects.filter(pk=draft.pk).update(status=Assessment.Status.SUBMITTED, submitted_at=timezone.now())
    response = _assign(buyer_client, draft, **{"section-data": f"member-{_member(colleague).pk}"})
    assert response.status_code == 409
    assert "This assessment has been submitted; who answers it can no longer change." in response.content.decode()
    assert not SectionAssignment.objects.exists()


def test_an_opinion_sent_after_the_assessment_was_submitted_is_refused_with_what_was_sent(
    buyer_client: Client, colleague_client: Client, colleague: User, draft: Assessment
) -> None:
    # Review 82: a 404 "This assessment has been submitted", what was sent shown nowhere.
    from django.utils import timezone

    _ask(buyer_client, draft, colleague)
    Assessment.objects.filter(pk=draft.pk).update(status=Assessment.Status.SUBMITTED, submitted_at=timezone.now())
    response = colleague_client.post(reverse("teamwork:opinion", args=[draft.pk, "work"]), {"function": "research"})
    page = response.content.decode()
    assert response.status_code == 409 and "a second opinion can no longer be given" in page
    assert 'value="research" checked' in page
    assert not SecondOpinionAnswer.objects.exists()


def test_a_section_whose_questions_follow_from_another_owed_one_says_to_give_that_first(
    buyer_client: Client, colleague_client: Client, colleague: User, draft: Assessment
) -> None:
    # Owing "The work" and "Volume", the volume page asked nothing, without a word: its questions follow from the work's
    # answers, hidden from the reviewer until they give that opinion.
    _ask(buyer_client, draft, colleague, "work")
    _ask(buyer_client, draft, colleague, "volume")
    volume = reverse("teamwork:opinion", args=[draft.pk, "volume"])
    page = colleague_client.get(volume).content.decode()
    assert 'id="q-hours"' not in page  # the small playbook's volume step follows from the work's function
    work = reverse("teamwork:opinion", args=[draft.pk, "work"])
    assert "whose second opinion you owe too: give that first" in page and f'href="{work}"' in page
    assert colleague_client.post(work, {"function": "legal", "judgement": "yes"}).status_code == 302
    assert 'id="q-hours"' in colleague_client.get(volume).content.decode()


def test_a_settle_from_a_page_drawn_before_another_settlement_is_refused_and_replaces_nothing(
    buyer_client: Client, colleague_client: Client, colleague: User, draft: Assessment
) -> None:
    # Review 85: a second owner's tab, drawn before the first settled, replaced that settlement and its reason unread.
    settle, seen = _differing(buyer_client, colleague_client, colleague, draft)
    assert seen.startswith("none:")
    first = {"choice": "first", "reason": "Keep it: judgement is needed.", "seen": seen}
    assert buyer_client.post(settle, first).status_code == 302
    late = buyer_client.post(settle, {"choice": "second", "reason": "Take theirs, from an old tab.", "seen": seen})
    body = late.content.decode()
    assert (
        late.status_code == 409
        and "settled this difference since this page was opened, keeping “" in body
        and "(the answer given), because: “Keep it: judgement is needed.” Nothing was changed" in body
    )
    assert ">Take theirs, from an old tab.</textarea>" in body  # what was typed stays in its box
    (kept,) = Settlement.objects.all()
    assert kept.reason == "Keep it: judgement is needed." and kept.chosen_value is True
    assert Answer.objects.get(assessment=draft, question_code="judgement").value is True
    # Drawn again, the page carries the settlement it now shows, and settling again goes through.
    fresh = buyer_client.get(reverse("questionnaire:review", args=[draft.pk])).content.decode()
    now = re.search(r'name="seen" value="([^"]+)"', fresh).group(1)
    again = {"choice": "second", "reason": "Take theirs after all, having read it.", "seen": now}
    assert buyer_client.post(settle, again).status_code == 302
    assert Settlement.objects.get().reason == "Take theirs after all, having read it."


def test_a_settle_refused_after_the_other_answer_was_taken_gives_the_reason_back(
    buyer_client: Client, colleague_client: Client, colleague: User, draft: Assessment
) -> None:
    # Review 119: the first owner took the second opinion, so the answers agree and the difference has no form left:
    # the second owner's 409 showed no trace of the reason they typed.
    settle, seen = _differing(buyer_client, colleague_client, colleague, draft)
    assert buyer_client.post(settle, {"choice": "second", "reason": "Theirs: it is rules", "seen": seen}).status_code
    late = buyer_client.post(settle, {"choice": "first", "reason": "Keep ours: judgement decides it.", "seen": seen})
    body = html.unescape(late.content.decode())
    assert late.status_code == 409 and "settled this difference since this page was opened" in body
    assert "Keep ours: judgement decides it." in body
    assert "because: “Theirs: it is rules”. Nothing was changed" in body  # quoted as typed (review 123)
    assert Settlement.objects.get().reason == "Theirs: it is rules"


def test_a_settle_raced_by_the_submit_says_so_and_gives_the_reason_back(
    monkeypatch: pytest.MonkeyPatch,
    buyer_client: Client,
    colleague_client: Client,
    colleague: User,
    draft: Assessment,
) -> None:
    # Review 119: submitted between the page's checks and the settlement, the refusal read the contributors page's
    # words ("who answers it can no longer change") and the reason was lost.
    from django.utils import timezone

    from apps.teamwork import services as teamwork_services

    _ask(buyer_client, draft, colleague)
    colleague_client.post(reverse("teamwork:opinion", args=[draft.pk, "work"]), {"judgement": "no"})
    original = teamwork_services.settle

    def raced(**kwargs: Any) -> None:
        Assessment.objects.filter(pk=draft.pk).update(status=Assessment.Status.SUBMITTED, submitted_at=timezone.now())
        original(**kwargs)

    monkeypatch.setattr(teamwork_services, "settle", raced)
    settle = reverse("teamwork:settle", args=[draft.pk, "judgement"])
    response = buyer_client.post(
        settle, {"choice": "second", "reason": "Theirs is right: it is rules.", "seen": "none:29df5a951454c329"}
    )
    body = html.unescape(response.content.decode())
    assert response.status_code == 409
    assert "This assessment has been submitted since this page was opened: nothing is left to settle, so what" in body
    assert "who answers it can no longer change" not in body
    assert "Theirs is right: it is rules." in body and "Your reason" in body
    assert "29df5a951454c329" not in body  # the form's own stamp is not given back as typed (review 122)
    assert not Settlement.objects.exists()


def test_the_same_settlement_sent_twice_is_settled_not_refused(
    buyer_client: Client, colleague_client: Client, colleague: User, draft: Assessment
) -> None:
    # Review 100: a double click's second post said someone had settled it since, under the first's "Settled".
    settle, seen = _differing(buyer_client, colleague_client, colleague, draft)
    sent = {"choice": "second", "reason": "Theirs is right: the method is written down.", "seen": seen}
    assert buyer_client.post(settle, sent).status_code == 302
    again = buyer_client.post(settle, sent)
    assert again.status_code == 302 and again["Location"] == reverse("questionnaire:review", args=[draft.pk])
    (kept,) = Settlement.objects.all()
    assert kept.reason == sent["reason"] and kept.chosen_value is False
    # Another choice or another reason from the same old page is still refused: that is a different decision.
    other = buyer_client.post(settle, {**sent, "reason": "Another reason."})
    assert other.status_code == 409 and "settled this difference since this page was opened" in other.content.decode()
    assert Settlement.objects.get().reason == sent["reason"]


def test_a_settle_from_a_page_showing_answers_since_changed_is_refused(
    buyer_client: Client, colleague_client: Client, colleague: User, draft: Assessment
) -> None:
    # Review 87: an autosave changed the first answer after the page was drawn, and "keep the answer given" kept the
    # new value, one never shown; a form without "seen" replaced an existing settlement unchecked.
    settle, seen = _differing(buyer_client, colleague_client, colleague, draft)
    Answer.objects.filter(assessment=draft, question_code="judgement").update(value="changed since")
    late = buyer_client.post(settle, {"choice": "first", "reason": "Keep what I saw.", "seen": seen})
    assert late.status_code == 409 and "has changed since this page was opened" in late.content.decode()
    assert not Settlement.objects.exists()
    Answer.objects.filter(assessment=draft, question_code="judgement").update(value=True)
    assert (
        buyer_client.post(settle, {"choice": "first", "reason": "Keep it, as shown.", "seen": seen}).status_code == 302
    )
    unseen = buyer_client.post(settle, {"choice": "second", "reason": "No seen field at all here."})
    assert unseen.status_code == 409 and Settlement.objects.get().reason == "Keep it, as shown."


def test_a_section_given_to_a_role_only_a_viewer_holds_is_saved_with_a_warning_and_the_viewer_is_not_asked(
    buyer_client: Client, viewer: User, colleague: User, draft: Assessment, django_capture_on_commit_callbacks: Any
) -> None:
    # Review 91: "Saved who answers each section." alone, and the viewer's inbox said a section was theirs to answer.
    from apps.discussion.models import Notification

    StakeholderRole.objects.create(organisation=draft.organisation, membership=_member(viewer), role="legal")
    with django_capture_on_commit_callbacks(execute=True):
        response = _assign(buyer_client, draft, **{"section-data": "role-legal"})
    page = buyer_client.get(response["Location"]).content.decode()
    assert "Nobody who may answer holds the role given this section" in page
    assert f"{viewer.email} holds it but only reads" in page
    assert not Notification.objects.filter(recipient=viewer, kind="section_assigned").exists()
    # Held by an editor too: no warning, and the editor is asked.
    StakeholderRole.objects.create(organisation=draft.organisation, membership=_member(colleague), role="finance")
    with django_capture_on_commit_callbacks(execute=True):
        again = _assign(buyer_client, draft, **{"section-volume": "role-finance"})
    assert "Nobody who may answer" not in buyer_client.get(again["Location"]).content.decode()
    assert Notification.objects.filter(recipient=colleague, kind="section_assigned").exists()


def test_making_a_reviewer_a_viewer_names_the_opinion_they_can_no_longer_give(
    buyer_client: Client, colleague: User, draft: Assessment
) -> None:
    # Review 91: the demotion said only "is now Viewer"; the draft then waited on an opinion nobody could give.
    membership = _member(colleague)
    assert _assign(buyer_client, draft, **{"opinion-volume": str(membership.pk)}).status_code == 302
    response = buyer_client.post(reverse("accounts:change_role", args=[membership.pk]), {"role": "viewer"}, follow=True)
    page = response.content.decode()
    assert f"As a viewer, {colleague.email} can no longer give a second opinion on" in page and "Legal review" in page
    editor = buyer_client.post(reverse("accounts:change_role", args=[membership.pk]), {"role": "editor"}, follow=True)
    assert "can no longer give" not in editor.content.decode()


def test_a_section_given_to_a_role_left_with_no_one_to_answer_it_is_said_when_the_roles_or_a_role_change(
    buyer_client: Client, colleague: User, draft: Assessment
) -> None:
    # Review 92: unticking the role, or making its only holder a viewer, said only "Saved" or "is now Viewer".
    membership = _member(colleague)
    StakeholderRole.objects.create(organisation=draft.organisation, membership=membership, role="finance")
    assert _assign(buyer_client, draft, **{"section-volume": "role-finance"}).status_code == 302
    demoted = buyer_client.post(reverse("accounts:change_role", args=[membership.pk]), {"role": "viewer"}, follow=True)
    assert f"As a viewer, {colleague.email} can no longer give the section" in demoted.content.decode()
    buyer_client.post(reverse("accounts:change_role", args=[membership.pk]), {"role": "editor"})
    members = Membership.objects.filter(organisation=draft.organisation)
    # Every box unticked, as the page sends it: nothing for the boxes, what it showed each member holding.
    untick = {f"was-roles-{m.pk}": "finance" if m.pk == membership.pk else "" for m in members}
    page = buyer_client.post(reverse("teamwork:roles"), untick, follow=True).content.decode()
    assert "Nobody who may answer now holds the role given" in page and "Legal review" in page


def test_the_review_says_beside_submit_how_many_differences_are_not_settled(
    buyer_client: Client, colleague_client: Client, colleague: User, draft: Assessment
) -> None:
    # Review 96: three unsettled differences, and only "Nothing is scored until you submit" beside the button.
    _ask(buyer_client, draft, colleague, section="volume")
    review_url = reverse("questionnaire:review", args=[draft.pk])
    assert 'id="unsettled-note"' not in buyer_client.get(review_url).content.decode()
    volume = reverse("teamwork:opinion", args=[draft.pk, "volume"])
    assert colleague_client.post(volume, {"hours": "3000"}).status_code == 302
    review = buyer_client.get(review_url).content.decode()
    note = review[review.index('id="unsettled-note"') :].split("</p>")[0]
    assert "1 answer differs from a second opinion and is not settled:" in note
    assert "submitting keeps the answer given" in note and 'href="#divergences"' in note
    assert review.index('id="unsettled-note"') < review.index("Submit for a recommendation</button>")


def test_the_result_and_its_memo_record_the_second_opinions_it_was_submitted_with(
    buyer_client: Client, colleague_client: Client, buyer: User, colleague: User, draft: Assessment
) -> None:
    # A submit over an unsettled difference left no trace on the result a CFO signs: the note beside the submit
    # button was all. The result now says which answers differed, who settled what and why, and what was not.
    _ask(buyer_client, draft, colleague)
    _ask(buyer_client, draft, colleague, section="volume")
    assert colleague_client.post(reverse("teamwork:opinion", args=[draft.pk, "work"]), {"judgement": "no"}).status_code
    assert colleague_client.post(reverse("teamwork:opinion", args=[draft.pk, "volume"]), {"hours": "3000"})
    reason = "Legal confirmed the reports need analyst judgement."
    settle = reverse("teamwork:settle", args=[draft.pk, "judgement"])
    assert buyer_client.post(settle, {"choice": "first", "reason": reason}).status_code == 302
    assert buyer_client.post(reverse("recommendations:submit", args=[draft.pk])).status_code == 302
    rec = Recommendation.objects.get()
    page = html.unescape(buyer_client.get(reverse("recommendations:detail", args=[rec.pk])).content.decode())
    answers = page[page.index('id="answers"') :]
    summary = answers[answers.index('id="second-opinions"') :].split("</p>")[0]
    assert f"Second opinions were given by {colleague}." in summary
    assert "1 answer differed from one and was not settled before this was submitted" in summary
    assert "1 was settled" in summary
    hours = answers[answers.index("4,000") :].split("</dd>")[0]
    assert "Second opinion differed, not settled:" in hours and f"{colleague} answered “3,000" in hours
    assert "the answer given stood when this was submitted" in hours
    judgement = answers[: answers.index("4,000")].rsplit("<dt>", 1)[0].rsplit("<dd>", 1)[1]
    assert "Settled for the answer given:" in judgement and f"{buyer} kept the answer given" in judgement
    assert f"“{reason}”" in judgement and f"“{reason}”." not in judgement  # the reason's own stop ends it
    memo = html.unescape(render_memo_html(rec, "http://testserver/"))
    assert "Second opinion differed, not settled:" in memo and f"“{reason}”" in memo
    assert f"Second opinions were given by {colleague}." in memo


def test_a_result_settled_for_the_second_opinion_names_the_answer_it_replaced(
    buyer_client: Client, colleague_client: Client, colleague: User, draft: Assessment
) -> None:
    _ask(buyer_client, draft, colleague)
    colleague_client.post(reverse("teamwork:opinion", args=[draft.pk, "work"]), {"judgement": "no"})
    reason = "It is rules-based processing after all."
    settle = reverse("teamwork:settle", args=[draft.pk, "judgement"])
    assert buyer_client.post(settle, {"choice": "second", "reason": reason}).status_code == 302
    assert buyer_client.post(reverse("recommendations:submit", args=[draft.pk])).status_code == 302
    rec = Recommendation.objects.get()
    page = html.unescape(buyer_client.get(reverse("recommendations:detail", args=[rec.pk])).content.decode())
    note = page[page.index("Settled for the second opinion:") :].split("</span>")[0]
    assert f"took {colleague}'s answer over “Yes" in note and "the answer given first" in note
    assert "1 answer differed from one and was settled before this was submitted, as marked below." in page


def test_a_result_without_second_opinions_says_nothing_of_them(buyer_client: Client, draft: Assessment) -> None:
    assert buyer_client.post(reverse("recommendations:submit", args=[draft.pk])).status_code == 302
    page = buyer_client.get(reverse("recommendations:detail", args=[Recommendation.objects.get().pk])).content.decode()
    assert 'id="second-opinions"' not in page and "answers__opinion" not in page


def _drawn_form(page: str) -> dict[str, str]:
    """Every select and hidden input of the contributors form as the page drew it."""
    form = next(f for f in page.split("<form")[1:] if 'name="section-' in f).split("</form>", 1)[0]
    data = dict(re.findall(r'<input type="hidden" name="([^"]+)"(?: value="([^"]*)")?', form))
    for name, options in re.findall(r'<select name="([^"]+)"[^>]*>(.*?)</select>', form, re.S):
        chosen = re.search(r'<option value="([^"]*)" selected', options)
        data[name] = chosen.group(1) if chosen else ""
    return data


def test_a_page_opened_before_a_colleagues_change_leaves_the_selects_it_did_not_touch(
    buyer_client: Client, colleague_client: Client, colleague: User, draft: Assessment
) -> None:
    """Review 103: a contributors page opened before a second opinion was asked posted "None" for it, and saving
    another section from it withdrew the opinion given since, with its answers, without a word."""
    stale = _drawn_form(buyer_client.get(reverse("teamwork:contributors", args=[draft.pk])).content.decode())
    assert stale["opinion-work"] == "" and stale["was-opinion-work"] == ""
    opinion = _ask(buyer_client, draft, colleague)  # from another tab
    # The stale page assigns a section: the opinion it showed as "None" stays.
    sent = {**stale, "section-data": f"member-{_member(colleague).pk}"}
    assert buyer_client.post(reverse("teamwork:contributors", args=[draft.pk]), sent).status_code == 302
    assert SecondOpinion.objects.filter(pk=opinion.pk).exists()
    assert SectionAssignment.objects.get(section_code="data").member_id == _member(colleague).pk
    # Changed on the stale page and by someone else since: refused, nothing saved, the page drawn as it is now.
    # The stale page showed "anyone" for the data section, which now names the colleague.
    clash = {**stale, "section-data": "role-finance", "section-volume": "role-finance"}
    refused = buyer_client.post(reverse("teamwork:contributors", args=[draft.pk]), clash)
    assert refused.status_code == 409
    assert "since this page was opened, so nothing was saved" in refused.content.decode()
    assert SectionAssignment.objects.get(section_code="data").member_id == _member(colleague).pk
    assert not SectionAssignment.objects.filter(section_code="volume").exists()
    # A page drawn now withdraws the opinion when asked to.
    fresh = _drawn_form(buyer_client.get(reverse("teamwork:contributors", args=[draft.pk])).content.decode())
    assert fresh["was-opinion-work"] == str(_member(colleague).pk)
    assert (
        buyer_client.post(reverse("teamwork:contributors", args=[draft.pk]), {**fresh, "opinion-work": ""}).status_code
        == 302
    )
    assert not SecondOpinion.objects.exists()


def test_a_roles_page_opened_before_another_owners_save_leaves_the_members_it_did_not_change(
    buyer_client: Client, colleague: User, organisation: Organisation
) -> None:
    """Review 103: a stale stakeholder roles page cleared the roles another owner had just given a colleague."""
    members = Membership.objects.filter(organisation=organisation).order_by("pk")
    stale = {f"was-roles-{m.pk}": "" for m in members}  # the page showed nobody holding a role
    key = f"roles-{_member(colleague).pk}"
    assert buyer_client.post(reverse("teamwork:roles"), {key: ["legal", "security"]}).status_code == 302
    assert members[0].user_id != colleague.pk
    own = f"roles-{members[0].pk}"
    # The stale page gives the first member a role and leaves the colleague as it showed them: their roles stay.
    assert buyer_client.post(reverse("teamwork:roles"), {**stale, own: ["finance"]}).status_code == 302
    held = set(StakeholderRole.objects.filter(membership=_member(colleague)).values_list("role", flat=True))
    assert held == {"legal", "security"}
    assert StakeholderRole.objects.filter(membership_id=members[0].pk, role="finance").exists()
    # Changed on the stale page and by the other owner since: refused, nothing saved.
    refused = buyer_client.post(reverse("teamwork:roles"), {**stale, key: ["legal"], own: []})
    assert refused.status_code == 409
    assert "since this page was opened, so nothing was saved" in refused.content.decode()
    held = set(StakeholderRole.objects.filter(membership=_member(colleague)).values_list("role", flat=True))
    assert held == {"legal", "security"}
    assert StakeholderRole.objects.filter(membership_id=members[0].pk, role="finance").exists()


def test_your_own_answer_typed_over_from_another_window_is_said_and_announced_to_no_one(
    buyer_client: Client, buyer: User, draft: Assessment
) -> None:
    """Review 104: the same person in two tabs typed 5000 in one and 7000 in the other; both said "Saved" and the
    first tab still showed 5000."""
    step = reverse("questionnaire:step", args=[draft.pk, "work"])
    first_tab = _loaded(buyer_client.get(step).content.decode(), "judgement")
    second_tab = _loaded(buyer_client.get(step).content.decode(), "judgement")
    url = reverse("questionnaire:answer", args=[draft.pk, "judgement"])
    saved = buyer_client.post(url, {"judgement": "no", "judgement__loaded": first_tab}, **HX).content.decode()
    assert "changed this answer" not in saved
    later = buyer_client.post(url, {"judgement": "yes", "judgement__loaded": second_tab}, **HX).content.decode()
    assert "You changed this answer in another window at" in later and "this one replaced it" in later
    assert Answer.objects.get(assessment=draft, question_code="judgement").value is True
    # Nobody else is told, and the timeline does not read it as a colleague's answer replaced.
    summaries = Activity.objects.filter(assessment=draft).values_list("summary", flat=True)
    assert not any("given by a colleague" in s for s in summaries)
    # Saving again from the same tab, which now holds the new stamp, is not a conflict.
    again = buyer_client.post(url, {"judgement": "no", "judgement__loaded": _loaded(later, "judgement")}, **HX)
    assert "changed this answer" not in again.content.decode()


def test_a_page_drawn_before_a_second_opinion_was_given_cannot_withdraw_it_unawares(
    buyer_client: Client, colleague_client: Client, colleague: User, draft: Assessment
) -> None:
    """Review 105: a page drawn while the opinion was asked but not yet given withdrew it, with the answers given
    since, without a word."""
    opinion = _ask(buyer_client, draft, colleague)
    stale = _drawn_form(buyer_client.get(reverse("teamwork:contributors", args=[draft.pk])).content.decode())
    assert stale["was-opinion-work"] == str(_member(colleague).pk)
    given = colleague_client.post(reverse("teamwork:opinion", args=[draft.pk, "work"]), {"judgement": "no"})
    assert given.status_code == 302
    refused = buyer_client.post(reverse("teamwork:contributors", args=[draft.pk]), {**stale, "opinion-work": ""})
    assert refused.status_code == 409
    page = html.unescape(refused.content.decode())
    assert "(or the opinion was given) since this page was opened, so nothing was saved" in page
    assert SecondOpinion.objects.filter(pk=opinion.pk).exists()
    # The 409 page is drawn from what is stored now, saying the opinion was given: withdrawing it from there is a
    # choice made knowing it.
    now = _drawn_form(refused.content.decode())
    assert now["opinion-work"] == str(_member(colleague).pk) and now["was-opinion-work"].endswith("+")
    again = buyer_client.post(reverse("teamwork:contributors", args=[draft.pk]), {**now, "opinion-work": ""})
    assert again.status_code == 302 and not SecondOpinion.objects.exists()


def test_a_roles_page_leaves_alone_a_member_who_joined_after_it_was_drawn(
    buyer_client: Client, colleague: User, organisation: Organisation
) -> None:
    """Review 105: a member who joined after the page was opened had the roles given them since cleared."""
    members = list(Membership.objects.filter(organisation=organisation).exclude(user=colleague))
    stale = {f"was-roles-{m.pk}": "" for m in members}  # drawn before the colleague joined
    StakeholderRole.objects.create(organisation=organisation, membership=_member(colleague), role="legal")
    assert (
        buyer_client.post(reverse("teamwork:roles"), {**stale, f"roles-{members[0].pk}": ["finance"]}).status_code
        == 302
    )
    assert StakeholderRole.objects.filter(membership=_member(colleague), role="legal").exists()


def test_a_select_left_as_drawn_is_not_refused_for_a_member_made_a_viewer_since(
    buyer_client: Client, colleague: User, draft: Assessment
) -> None:
    """Review 105: a section assigned to a member since made a viewer, and reassigned by a colleague, refused the
    stale page's save of another section ("Choose a member who edits…") for the select it had not touched."""
    assert _assign(buyer_client, draft, **{"section-data": f"member-{_member(colleague).pk}"}).status_code == 302
    stale = _drawn_form(buyer_client.get(reverse("teamwork:contributors", args=[draft.pk])).content.decode())
    Membership.objects.filter(pk=_member(colleague).pk).update(role=Membership.Role.VIEWER)
    assert _assign(buyer_client, draft, **{"section-data": "role-finance"}).status_code == 302
    saved = buyer_client.post(
        reverse("teamwork:contributors", args=[draft.pk]), {**stale, "section-volume": "role-legal"}
    )
    assert saved.status_code == 302
    stored = {a.section_code: a.stakeholder for a in SectionAssignment.objects.filter(assessment=draft)}
    assert stored == {"data": "finance", "volume": "legal"}
    # A page drawn now offers the viewer for no section.
    fresh = buyer_client.get(reverse("teamwork:contributors", args=[draft.pk])).content.decode()
    assert f'value="member-{_member(colleague).pk}"' not in fresh


def test_the_team_pages_sent_as_json_say_nothing_was_saved(buyer_client: Client, draft: Assessment) -> None:
    """Review 105: JSON posted to the contributors or the roles page drew the page again, 200, with no word."""
    for url in (reverse("teamwork:contributors", args=[draft.pk]), reverse("teamwork:roles")):
        refused = buyer_client.post(url, '{"section-data": "role-legal"}', content_type="application/json")
        assert refused.status_code == 400
        assert "Nothing was saved: no choice of this page reached the server" in html.unescape(refused.content.decode())
    assert not SectionAssignment.objects.exists()


def test_a_reader_of_the_contributors_page_is_not_told_to_assign_or_invite(
    buyer_client: Client, viewer_client: Client, draft: Assessment
) -> None:
    # Review 117: a viewer read "Assign each section to a colleague … Invite them to the organisation", with no control.
    url = reverse("teamwork:contributors", args=[draft.pk])
    owner_page, viewer_page = (c.get(url).content.decode() for c in (buyer_client, viewer_client))
    assert "Assign each section to a colleague" in owner_page and "Invite them to the organisation" in owner_page
    assert "Assign each section" not in viewer_page and "Invite them" not in viewer_page
    assert "Who answers each section of this assessment" in viewer_page and "Only the assessment's owner" in viewer_page
