"""Curating in admin quickly: parts in their own lists by playbook version, condition values picked
with widgets that fit the question, styled breadcrumbs, a readable audit list, impact labels."""

from __future__ import annotations

import re
from typing import Any

import pghistory
import pytest
from django.db import connection
from django.forms import CheckboxInput, MultiWidget
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from apps.accounts.models import User
from apps.playbooks.condition_form import REFRESH, operators_for
from apps.playbooks.lint import condition_problem
from apps.playbooks.models import Condition, Effect, Operator, Playbook, Question, Rule
from apps.playbooks.services import import_playbook, start_draft
from tests.playbook_data import small_playbook

pytestmark = pytest.mark.django_db


@pytest.fixture
def small_draft(db: None) -> Playbook:
    return import_playbook(data=small_playbook())


def _post_data(response: Any) -> dict[str, Any]:
    """What the browser would post back for a change page exactly as it was shown."""
    data: dict[str, Any] = {"_loaded_version": response.context["loaded_version"]}
    forms = [response.context["adminform"].form]
    for inline in response.context["inline_admin_formsets"]:
        management = inline.formset.management_form
        data.update({management.add_prefix(k): v for k, v in management.initial.items()})
        forms.extend(inline.formset.forms)
    for form in forms:
        for bound in form:
            widget, value = bound.field.widget, bound.value()
            if bound.field.disabled or value is None:
                continue
            if isinstance(widget, MultiWidget):
                parts = value if isinstance(value, list) else widget.decompress(value)
                data.update({f"{bound.html_name}_{i}": v for i, v in enumerate(parts) if v is not None})
            elif isinstance(widget, CheckboxInput):
                if value:
                    data[bound.html_name] = "on"
            else:
                data[bound.html_name] = value
    return data


def _rule_page(client: Client, rule: Rule) -> tuple[str, Any]:
    url = reverse("admin:playbooks_rule_change", args=[rule.pk])
    return url, client.get(url)


def _condition(draft: Playbook, question: str, op: str, value: Any) -> tuple[Rule, Condition]:
    rule = Rule.objects.get(playbook=draft, code="judgement-fit")
    condition = rule.conditions.get()
    condition.subject = Question.objects.get(playbook=draft, code=question)
    condition.operator, condition.value = op, value
    condition.save()
    return rule, condition


# The playbook's page links to its parts


def test_a_drafts_page_links_to_its_parts_instead_of_listing_them(reference: Playbook, curator_client: Client) -> None:
    draft = start_draft(playbook=reference)
    response = curator_client.get(reverse("admin:playbooks_playbook_change", args=[draft.pk]))
    body = response.content.decode()
    for name, label in (("section", "Sections"), ("question", "Questions"), ("rule", "Rules")):
        count = getattr(draft, f"{name}s").count()
        link = f'<a href="{reverse(f"admin:playbooks_{name}_changelist")}?playbook={draft.pk}">{label} ({count})</a>'
        assert link in body
    assert "sections-TOTAL_FORMS" not in body and "golden_cases-TOTAL_FORMS" not in body
    assert body.count("<textarea") <= 2


def test_the_rule_list_shows_the_current_draft_with_a_way_to_see_all(
    reference: Playbook, curator_client: Client
) -> None:
    url = reverse("admin:playbooks_rule_changelist")
    rules = reference.rules.count()
    assert curator_client.get(url).context["cl"].result_count == rules  # no draft: every version
    draft = start_draft(playbook=reference)
    response = curator_client.get(url)
    assert response.context["cl"].result_count == draft.rules.count()
    assert "?playbook=all" in response.content.decode() and "All versions" in response.content.decode()
    everything = curator_client.get(url, {"playbook": "all"})
    assert everything.context["cl"].result_count == Rule.objects.count() == 2 * draft.rules.count()
    published = curator_client.get(url, {"playbook": reference.pk, "q": "captive"})
    assert published.context["cl"].result_count > 0
    assert {r.playbook_id for r in published.context["cl"].result_list} == {reference.pk}
    assert curator_client.get(url, {"playbook": "junk"}).context["cl"].result_count == 0


@pytest.mark.parametrize("name", ["question", "rule"])
def test_a_playbook_filter_or_id_in_unicode_digits_finds_nothing(
    reference: Playbook, curator_client: Client, name: str
) -> None:
    url = reverse(f"admin:playbooks_{name}_changelist")
    for junk in ("²", "١", "9" * 40):  # "²".isdigit() is true, and int("²") raises
        response = curator_client.get(url, {"playbook": junk})
        assert response.status_code == 200 and response.context["cl"].result_count == 0
    response = curator_client.get(reverse("admin:playbooks_playbook_change", args=["²"]))
    assert response.status_code == 302  # admin's own "doesn't exist" message, on the list


@pytest.mark.parametrize("name", ["section", "question", "rule", "goldencase"])
def test_part_lists_take_the_same_queries_for_a_small_and_a_large_playbook(
    reference: Playbook, small_draft: Playbook, curator_client: Client, django_assert_num_queries: Any, name: str
) -> None:
    large = start_draft(playbook=reference)
    url = reverse(f"admin:playbooks_{name}_changelist")
    curator_client.get(url)  # the first request of a session caches a few things of its own
    with CaptureQueriesContext(connection) as queries:
        small = curator_client.get(url, {"playbook": small_draft.pk})
    with django_assert_num_queries(len(queries.captured_queries)):
        large_page = curator_client.get(url, {"playbook": large.pk})
    assert large_page.context["cl"].result_count > small.context["cl"].result_count


# Condition values


def test_a_condition_on_a_choice_question_offers_its_options(small_draft: Playbook, curator_client: Client) -> None:
    rule, _ = _condition(small_draft, "function", "equals", "research")
    body = _rule_page(curator_client, rule)[1].content.decode()
    assert '<select name="conditions-0-value"' in body
    assert '<option value="research" selected>Equity research</option>' in body
    rule, _ = _condition(small_draft, "data", "contains_any", ["phi"])
    body = _rule_page(curator_client, rule)[1].content.decode()
    assert 'type="checkbox" name="conditions-0-value" value="phi"' in body and "checked" in body


def test_an_unknown_option_code_is_refused_with_the_options(small_draft: Playbook, curator_client: Client) -> None:
    rule, condition = _condition(small_draft, "function", "equals", "research")
    url, page = _rule_page(curator_client, rule)
    response = curator_client.post(url, {**_post_data(page), "conditions-0-value": "judgement"})
    assert response.status_code == 200
    assert "Unknown option code “judgement”: function has research, legal." in response.content.decode()
    condition.refresh_from_db()
    assert condition.value == "research"


def test_a_yes_no_condition_saves_true_or_false(small_draft: Playbook, curator_client: Client) -> None:
    rule = Rule.objects.get(playbook=small_draft, code="judgement-fit")
    url, page = _rule_page(curator_client, rule)
    assert '<option value="yes" selected>Yes</option>' in page.content.decode()
    assert curator_client.post(url, {**_post_data(page), "conditions-0-value": "no"}).status_code == 302
    assert rule.conditions.get().value is False


@pytest.mark.parametrize(
    ("op", "value", "message"),
    [
        ("at_least", {"conditions-0-value": "lots"}, "“is at least” needs a number, not “lots”."),
        ("at_least", {"conditions-0-value": "9" * 5000}, "needs a number of at most 30 characters"),
        ("between", {"conditions-0-value_0": "10", "conditions-0-value_1": ""}, "needs two numbers: low and high"),
        ("between", {"conditions-0-value_0": "10", "conditions-0-value_1": "5"}, "needs low ≤ high; 10 is above 5"),
    ],
)
def test_number_conditions_are_checked_on_save(
    small_draft: Playbook, curator_client: Client, op: str, value: dict[str, str], message: str
) -> None:
    rule, condition = _condition(small_draft, "hours", op, [1, 2] if op == "between" else 1)
    url, page = _rule_page(curator_client, rule)
    response = curator_client.post(url, {**_post_data(page), **value})
    assert response.status_code == 200 and message in response.content.decode()
    condition.refresh_from_db()
    assert condition.value == ([1, 2] if op == "between" else 1)


def test_stored_numbers_are_shown_as_typed_and_come_back_unchanged(
    small_draft: Playbook, curator_client: Client
) -> None:
    """The value boxes show numbers as people type them (never 1e-05, never grouped with the commas that
    separate a list), so saving the page as shown keeps the condition as it was."""
    for op, value, shown in (
        ("one_of", [0.00001, 2000000], 'value="0.00001, 2000000"'),
        ("between", [0.00001, 2000000], 'name="conditions-0-value_0" value="0.00001"'),
    ):
        rule, condition = _condition(small_draft, "hours", op, value)
        url, page = _rule_page(curator_client, rule)
        assert shown in page.content.decode()
        assert curator_client.post(url, _post_data(page)).status_code == 302
        condition.refresh_from_db()
        assert condition.value == value


def test_a_between_out_of_order_names_both_numbers_as_people_write_them(
    small_draft: Playbook, curator_client: Client
) -> None:
    rule, condition = _condition(small_draft, "hours", "between", [1, 2])
    url, page = _rule_page(curator_client, rule)
    data = {**_post_data(page), "conditions-0-value_0": "2000000", "conditions-0-value_1": "5"}
    response = curator_client.post(url, data)
    assert response.status_code == 200 and "needs low ≤ high; 2,000,000 is above 5." in response.content.decode()
    condition.refresh_from_db()
    assert condition.value == [1, 2]


def test_number_conditions_save_typed_numbers(small_draft: Playbook, curator_client: Client) -> None:
    rule, condition = _condition(small_draft, "hours", "between", [1, 2])
    url, page = _rule_page(curator_client, rule)
    assert 'type="number" name="conditions-0-value_0"' in page.content.decode()
    data = {**_post_data(page), "conditions-0-value_0": "1,000", "conditions-0-value_1": "2500.5"}
    assert curator_client.post(url, data).status_code == 302
    condition.refresh_from_db()
    assert condition.value == [1000, 2500.5]


def test_an_operator_that_does_not_fit_the_question_is_refused(small_draft: Playbook, curator_client: Client) -> None:
    rule, condition = _condition(small_draft, "function", "equals", "research")
    url, page = _rule_page(curator_client, rule)
    data = {**_post_data(page), "conditions-0-operator": "contains_all", "conditions-0-value": ["research"]}
    response = curator_client.post(url, data)
    assert "works on multiple-choice questions only" in response.content.decode()
    condition.refresh_from_db()
    assert condition.operator == "equals"


def test_without_javascript_a_new_condition_gets_its_widget_after_the_question_is_chosen(
    small_draft: Playbook, curator_client: Client
) -> None:
    rule = Rule.objects.get(playbook=small_draft, code="judgement-fit")
    url, page = _rule_page(curator_client, rule)
    covered = Question.objects.get(playbook=small_draft, code="covered")
    data = {**_post_data(page), "conditions-TOTAL_FORMS": "2"}
    data.update({"conditions-1-rule": rule.pk, "conditions-1-subject": covered.pk, "conditions-1-operator": "equals"})
    first = curator_client.post(url, data)
    assert first.status_code == 200
    body = first.content.decode()
    assert "Choose the value to compare covered with" in body
    assert '<select name="conditions-1-value"' in body and '<option value="yes">Yes</option>' in body
    assert rule.conditions.count() == 1
    assert curator_client.post(url, {**data, "conditions-1-value": "yes"}).status_code == 302
    added = rule.conditions.get(subject=covered)
    assert (added.value, added.playbook_id) == (True, small_draft.pk)


def _operators(response: Any) -> list[str]:
    field = response.context["inline_admin_formsets"][0].formset.forms[0].fields["operator"]
    return [code for code, _ in field.choices if code]


@pytest.mark.parametrize(
    ("question", "offered", "not_offered"),
    [
        (
            "function",
            ["equals", "one_of", "none_of", "not_one_of", "answered"],
            ["between", "at_least", "contains_any"],
        ),
        ("covered", ["equals", "not_answered"], ["at_most", "between", "contains_all"]),
        ("data", ["contains_any", "contains_all", "equals"], ["between", "at_least"]),
        ("hours", ["between", "at_least", "at_most", "equals"], ["contains_any", "contains_all"]),
    ],
)
def test_the_operator_menu_offers_only_operators_that_fit_the_question(
    small_draft: Playbook, curator_client: Client, question: str, offered: list[str], not_offered: list[str]
) -> None:
    rule, _ = _condition(small_draft, question, "answered", None)
    operators = _operators(_rule_page(curator_client, rule)[1])
    assert set(offered) <= set(operators) and not set(not_offered) & set(operators)


def test_every_offered_operator_is_one_saving_accepts(small_draft: Playbook) -> None:
    fitting = {"single": "research", "multi": ["phi"], "yes_no": True, "integer": 5, "money": 5, "percent": 5}
    for kind, value in fitting.items():
        for op in Operator.values:
            operand = [value, value] if op == "between" else value
            refused = condition_problem(subject="q", kind=kind, options=["research", "phi"], op=op, value=operand)
            assert (op in operators_for(kind)) == (refused is None), (kind, op, refused)


def test_changing_the_question_rebuilds_the_value_box_without_saving(
    small_draft: Playbook, curator_client: Client
) -> None:
    rule, condition = _condition(small_draft, "function", "equals", "research")
    url, page = _rule_page(curator_client, rule)
    hours = Question.objects.get(playbook=small_draft, code="hours")
    data = {**_post_data(page), "conditions-0-subject": hours.pk, REFRESH: "1"}
    response = curator_client.post(url, data)
    body = response.content.decode()
    assert response.status_code == 200 and "Nothing is saved yet" in body
    assert '<select name="conditions-0-value"' not in body and 'type="number" name="conditions-0-value"' in body
    assert "between" in _operators(response) and "Please correct" not in body
    del data[REFRESH]  # saving it as it is: the old option code is refused, and kept in the box
    body = curator_client.post(url, data).content.decode()
    assert "“equals” needs a number, not “research”." in body and 'name="conditions-0-value" value="research"' in body
    condition.refresh_from_db()
    assert (condition.subject.code, condition.value) == ("function", "research")


def test_an_operator_that_no_longer_fits_is_kept_marked_and_its_value_box_waits(
    small_draft: Playbook, curator_client: Client
) -> None:
    rule, condition = _condition(small_draft, "hours", "between", [1, 2])
    url, page = _rule_page(curator_client, rule)
    function = Question.objects.get(playbook=small_draft, code="function")
    response = curator_client.post(url, {**_post_data(page), "conditions-0-subject": function.pk, REFRESH: "1"})
    body = response.content.decode()
    assert '<option value="between" selected>is between (does not fit this question)</option>' in body
    assert "choose an operator that fits the question" in body and "needs a number question, not single" in body
    response = curator_client.post(url, {**_post_data(page), "conditions-0-subject": function.pk})
    assert response.status_code == 200 and "needs a number question, not single" in response.content.decode()
    condition.refresh_from_db()
    assert (condition.subject.code, condition.operator, condition.value) == ("hours", "between", [1, 2])


def test_the_condition_table_has_the_update_button_and_its_script(
    small_draft: Playbook, curator_client: Client
) -> None:
    rule = Rule.objects.get(playbook=small_draft, code="judgement-fit")
    body = _rule_page(curator_client, rule)[1].content.decode()
    assert f'<button type="submit" name="{REFRESH}"' in body and "js/condition-refresh.js" in body


def test_a_question_id_in_unicode_digits_is_refused_as_an_unknown_choice(
    small_draft: Playbook, curator_client: Client
) -> None:
    rule, condition = _condition(small_draft, "function", "equals", "research")
    url, page = _rule_page(curator_client, rule)
    for refresh in ({REFRESH: "1"}, {}):
        response = curator_client.post(url, {**_post_data(page), "conditions-0-subject": "²", **refresh})
        assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    condition.refresh_from_db()
    assert condition.subject.code == "function"


def test_the_question_select_offers_only_this_playbooks_questions(
    reference: Playbook, small_draft: Playbook, curator_client: Client
) -> None:
    rule = Rule.objects.get(playbook=small_draft, code="judgement-fit")
    url, page = _rule_page(curator_client, rule)
    choices = page.context["inline_admin_formsets"][0].formset.forms[0].fields["subject"].choices
    assert len(list(choices)) == small_draft.questions.count() + 1
    other = Question.objects.filter(playbook=reference).first()
    assert other is not None
    response = curator_client.post(url, {**_post_data(page), "conditions-0-subject": other.pk})
    assert response.status_code == 200 and "Select a valid choice" in response.content.decode()


# Curation pages, audit list, impact labels, simulator


@pytest.mark.parametrize(
    "url",
    [
        "admin:playbooks_playbook_lint",
        "admin:playbooks_playbook_golden",
        "admin:playbooks_playbook_simulate",
        "admin:recommendations_recommendation_impact",
        "admin:playbooks_playbook_import",
    ],
)
def test_curation_pages_use_admins_breadcrumbs(small_draft: Playbook, curator_client: Client, url: str) -> None:
    args = [] if url.endswith("import") else [small_draft.pk]
    body = curator_client.get(reverse(url, args=args)).content.decode()
    assert '<ol class="breadcrumbs">' in body and '<div class="breadcrumbs">' not in body
    assert '<li aria-current="page">' in body


def test_the_audit_list_reads_in_words(
    small_draft: Playbook, curator: User, curator_client: Client, django_assert_max_num_queries: Any
) -> None:
    effect = Effect.objects.filter(rule__playbook=small_draft, kind="fit").get()
    with pghistory.context(user=curator.pk, url="/admin/"):
        for points in (*range(40, 70), 20, 35):  # a page of events: who made them is looked up once
            Effect.objects.filter(pk=effect.pk).update(points=points)
    with django_assert_max_num_queries(12):
        response = curator_client.get(reverse("admin:pghistory_events_changelist"))
    body = response.content.decode()
    for label in ("When", "Changed by", "What", "Changes"):
        assert f"<span>{label}</span>" in body or f">{label}</a>" in body
    assert "Pgh obj model" not in body and "Pgh diff" not in body
    assert "points: 20 → 35" in body and "curator@kpo.test" in body and f"update Effect #{effect.pk}" in body


def test_the_simulator_refuses_a_5000_digit_number_with_the_fields_message(
    small_draft: Playbook, curator_client: Client
) -> None:
    url = reverse("admin:playbooks_playbook_simulate", args=[small_draft.pk])
    typed = curator_client.post(url, {"q__hours": "9" * 5000})
    assert typed.status_code == 400
    assert "Ensure this value has at most 40 characters" in typed.content.decode()
    pasted = curator_client.post(url, {"answers_json": '{"hours": ' + "9" * 5000 + "}"})
    assert pasted.status_code == 400 and "not valid JSON" in pasted.content.decode()


def test_the_simulator_shows_the_engines_message_for_a_typed_answer(
    small_draft: Playbook, curator_client: Client
) -> None:
    url = reverse("admin:playbooks_playbook_simulate", args=[small_draft.pk])
    response = curator_client.post(url, {"q__share": "250"})
    assert response.status_code == 400
    assert "Enter a percentage from 0 to 100." in response.content.decode()
    # At the top, taking the focus, linked to its box (review 66: out of view below the form's first screen).
    page = response.content.decode()
    top = page[page.index('id="simulator-errors"') - 120 :]
    assert (
        "autofocus" in top[:200]
        and 'href="#id_q__share"' in top
        and page.index("simulator-errors") < page.index('id="id_q__share"')
    )


def test_every_box_of_the_condition_table_names_itself_and_points_stay_within_a_score(
    small_draft: Playbook, curator_client: Client
) -> None:
    """Review 34: axe found the condition table's selects and Delete boxes nameless (the admin labels a table only
    by its header cells), and an effect took −99,999,999 points with "changed successfully"."""
    rule, _ = _condition(small_draft, "function", "equals", "research")
    url, page = _rule_page(curator_client, rule)
    body = page.content.decode()
    assert 'aria-label="Subject, condition 1"' in body
    assert 'aria-label="Operator, condition 1"' in body and 'aria-label="Value, condition 1"' in body
    assert 'name="conditions-0-DELETE" aria-label="Delete condition 1"' in body
    # The table scrolls sideways in a region the keyboard reaches (axe scrollable-region-focusable at 375 px).
    assert '<div class="inline-scroll" tabindex="0" role="region" aria-label="Conditions">' in body
    question = Question.objects.filter(playbook=small_draft, options__isnull=False).first()
    assert question is not None
    options = curator_client.get(reverse("admin:playbooks_question_change", args=[question.pk])).content.decode()
    assert '<div class="inline-scroll" tabindex="0" role="region" aria-label="Options">' in options
    # The admin's tables are named, and no header cell is left empty (axe empty-table-header).
    assert '<table aria-label="Conditions">' in body and '<table aria-label="Options">' in options
    for html in (body, options):
        assert '<th class="original"></th>' not in html
        assert '<th class="original"><span class="visually-hidden">Saved row</span></th>' in html
        assert not re.search(r"<th>\s*</th>", html)
    data = _post_data(page)
    points = next(k for k in data if k.endswith("-points"))
    data[points] = "-99999999"
    refused = curator_client.post(url, data)
    assert refused.status_code == 200 and "Points go from −100 to 100: scores run 0 to 100." in refused.content.decode()
    assert 'min="-100"' in page.content.decode() and 'max="100"' in page.content.decode()  # the box says it too
    assert not Effect.objects.filter(rule=rule, points__lt=-100).exists()
    from apps.playbooks.lint import lint

    definition = small_playbook()
    definition["rules"][0]["effects"][0]["points"] = 250
    assert any("beyond ±100" in p.message for p in lint(definition))


def test_an_effects_optional_autocomplete_boxes_offer_an_empty_choice_with_a_label(
    small_draft: Playbook, curator_client: Client
) -> None:
    # Review 52: the Nu HTML checker counts an empty <option> without a label as an error (three on each effect).
    rule = Rule.objects.filter(playbook=small_draft).first()
    assert rule is not None
    _, response = _rule_page(curator_client, rule)
    page = response.content.decode()
    selects = re.findall(
        r'<select name="effects-__prefix__-(engagement_model|regime|location)"[^>]*>(.*?)</select>', page, re.S
    )
    assert [name for name, _ in selects] == ["engagement_model", "regime", "location"]
    for _, options in selects:
        assert '<option value="" label="None"></option>' in options
    assert not re.search(r"<option[^>]*>\s*</option>", page.replace('label="None"></option>', ""))


def test_a_required_autocomplete_box_starts_with_an_empty_choice() -> None:
    # Review 61: a required autocomplete box was a <select required> with no option on an add page, and one whose
    # first option was a value on a change page (Nu: errors without JavaScript).
    from django.contrib import admin

    from apps.accounts.models import Membership
    from apps.common.admin import _BlankLabelledAutocompleteSelect

    db_field = Membership._meta.get_field("user")
    field = db_field.formfield(widget=_BlankLabelledAutocompleteSelect(db_field, admin.site))
    assert field is not None and field.required
    drawn = field.widget.render("user", None)
    found = re.search(r"<select[^>]*>(.*?)</select>", drawn, re.S)
    assert found is not None and found.group(1).strip().startswith('<option value="" label="Choose one"></option>')


def test_an_obligations_regime_is_chosen_from_every_regime_without_javascript(
    reference: Playbook, curator_client: Client
) -> None:
    # Review 63: as an autocomplete box it listed only the chosen regime without JavaScript.
    from apps.compliance.models import Obligation, Regime

    obligation = Obligation.objects.first()
    assert obligation is not None
    for url in (
        reverse("admin:compliance_obligation_add"),
        reverse("admin:compliance_obligation_change", args=[obligation.pk]),
    ):
        page = curator_client.get(url).content.decode()
        found = re.search(r'<select name="regime"[^>]*required[^>]*>(.*?)</select>', page, re.S)
        assert found is not None, url
        assert found.group(1).strip().startswith('<option value=""')
        assert found.group(1).count("<option") == Regime.objects.count() + 1


def test_a_published_playbooks_part_says_why_it_is_read_only_and_how_to_change_it(
    reference: Playbook, curator_client: Client
) -> None:
    # Review 113: "View question" with no editable field and no word why, and no way on from the page.
    question = Question.objects.filter(playbook=reference).first()
    assert question is not None
    page = curator_client.get(reverse("admin:playbooks_question_change", args=[question.pk])).content.decode()
    assert f"This is part of {reference}, whose parts can't change once it is published." in page
    assert f'<a href="{reverse("admin:playbooks_playbook_changelist")}">playbooks list</a>' in page
    assert "Start a new draft from the selected playbook" in page
    # A draft's part is edited as before, with no such word.
    draft = start_draft(playbook=reference)
    part = Question.objects.filter(playbook=draft).first()
    assert part is not None
    editable = curator_client.get(reverse("admin:playbooks_question_change", args=[part.pk])).content.decode()
    assert "so its parts can" not in editable
