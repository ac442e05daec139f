"""The step page's list of steps, written in Python (``apps.questionnaire.section_list``), is byte for byte the
markup the template partial it replaced drew (kept as the oracle), for the reference playbook's sections and for
made-up ones with markup in their titles, in every state: shown or hidden, current or not, done, part answered or
untouched, swapped out of band or not; and the step page and an autosave still send it."""

from __future__ import annotations

import itertools
from pathlib import Path
from typing import Any

from django.template import engines
from django.test import Client

from apps.playbooks.models import Playbook
from apps.playbooks.runtime import compiled_playbook
from apps.questionnaire import section_list
from apps.questionnaire.models import Assessment
from apps.questionnaire.progress import SectionView

# The partial the list replaced (templates/questionnaire/step.html's "sections" until then).
ORACLE = (Path(__file__).parent / "section_list_oracle.html").read_text()


class _Assessment:
    pk = 12


def _states(code: str, title: str) -> list[SectionView]:
    return [
        SectionView(code=code, title=title, visible=visible, answered=answered, required=required, current=current)
        for visible, current, (answered, required) in itertools.product(
            [True, False], [True, False], [(0, 0), (0, 3), (2, 3), (3, 3), (12, 10)]
        )
    ]


def _check(compiled: Any, sections: list[tuple[str, str]]) -> int:
    template = engines["django"].from_string(ORACLE)
    checked = 0
    states = [_states(code, title) for code, title in sections]
    # Every state of each section, with the others in turn shown, hidden, current, done or not.
    for i in range(max(len(s) for s in states)):
        views = [s[(i + n) % len(s)] for n, s in enumerate(states)]
        for oob in (True, False):
            expected = template.render({"sections": views, "assessment": _Assessment(), "oob": oob})
            got = section_list.section_list(compiled, views, _Assessment.pk, oob=oob)
            assert got == expected, (i, oob)
            checked += 1
    return checked


def test_the_reference_sections_are_drawn_as_the_template_drew_them(reference: Playbook) -> None:
    compiled = compiled_playbook(reference)
    sections = [(s.code, s.title) for s in compiled.sections]
    assert len(sections) > 5
    assert _check(compiled, sections) == 40
    assert _check(None, sections) == 40
    empty = engines["django"].from_string(ORACLE).render({"sections": [], "assessment": _Assessment(), "oob": True})
    assert section_list.section_list(None, [], _Assessment.pk, oob=True) == empty


def test_titles_with_markup_are_escaped_as_the_template_escaped_them() -> None:
    sections = [("s1", 'Costs & <b>"fees"</b>'), ("s2", "It's <script>x</script>"), ("s3", "Plain")]
    assert _check(None, sections) == 40


def test_the_step_page_and_an_autosave_send_the_list(
    buyer_client: Client, reference: Playbook, organisation: Any, buyer: Any
) -> None:
    assessment = Assessment.objects.create(organisation=organisation, created_by=buyer, title="T", playbook=reference)
    compiled = compiled_playbook(assessment.playbook)
    first = compiled.sections[0]
    page = buyer_client.get(f"/assessments/{assessment.pk}/steps/{first.code}/").content.decode()
    assert '<nav id="sections" class="step-layout__nav" aria-label="Steps">' in page
    assert f'aria-current="step">{first.title} <span class="section-list__meta">' in page
    code = compiled.roles["function"]
    url = f"/assessments/{assessment.pk}/answers/{code}/"
    value = compiled.questions[code].options[0].code
    saved = buyer_client.post(url, {code: value}, HTTP_HX_REQUEST="true").content.decode()
    assert '<nav id="sections" class="step-layout__nav" aria-label="Steps" data-hx-swap-oob="true">' in saved
    # For an editor the other steps and the review save the step's form before going (without JavaScript a link
    # would leave its answers behind); a reader, who answers nothing, gets the links the template drew.
    assert '<button type="submit" form="step-form" class="section-list__go" name="review" value="1">Review' in saved
    second = compiled.sections[1]
    assert f'name="goto" value="{second.code}">{second.title} <span' in page and 'id="step-form"' in page
    views = [
        SectionView(code=s.code, title=s.title, visible=True, answered=0, required=1, current=s is first)
        for s in compiled.sections
    ]
    reading = section_list.section_list(compiled, views, assessment.pk, oob=False)
    expected = engines["django"].from_string(ORACLE).render({"sections": views, "assessment": assessment, "oob": False})
    assert reading == expected and "<button" not in reading
