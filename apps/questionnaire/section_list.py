"""The step page's list of steps, written in Python: the step page draws it, and every autosave sends it back
(an out-of-band swap) with each step's progress.

As a template it was a loop of ``{% if %}`` nodes and filters over every section, the largest of the fragments
an autosave returns (docs/performance.md). The escaped titles are made once per compiled playbook
(``rule_index(pb).memo``, as ``fieldsets.question_parts``) and the step URL reversed once a call; a request
fills in which steps are shown, current and done. The markup is byte for byte what the template's
``sections`` partial drew (tests/questionnaire/test_section_list.py renders the old partial and compares).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from django.urls import reverse
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from apps.common.templatetags.kpo import SECTION_PLACEHOLDER
from apps.playbooks.engine import CompiledPlaybook
from apps.playbooks.engine.compiler import rule_index


def _escaped(compiled: CompiledPlaybook | None, sections: Sequence[Any]) -> Mapping[str, tuple[str, str]]:
    """Each section's code to its code and title escaped, once per compiled playbook (for this call without one)."""
    if compiled is None:
        return {s.code: (escape(s.code), escape(s.title)) for s in sections}
    memo = rule_index(compiled).memo
    escaped: Mapping[str, tuple[str, str]] | None = memo.get("section list")
    if escaped is None:
        escaped = memo["section list"] = {s.code: (escape(s.code), escape(s.title)) for s in compiled.sections}
    return escaped


def section_list(
    compiled: CompiledPlaybook | None, sections: Sequence[Any], assessment_pk: int, *, oob: bool, submit: bool = False
) -> SafeString:
    """``sections`` (``progress.SectionView``, in order) as ``questionnaire/step.html``'s ``sections`` partial drew
    them, the newline before and after included; ``compiled`` is the playbook they are from.

    With ``submit`` (a step the buyer may answer), every step but the current one, and the review, is a button that
    submits the step's form (``STEP_FORM``) and goes there once its answers are saved: without JavaScript a link
    would leave the answers given on the step behind, unsaved. Otherwise the markup is the template's, byte for byte.
    """
    escaped = _escaped(compiled, sections)
    before, after = escape(reverse("questionnaire:step", args=[assessment_pk, SECTION_PLACEHOLDER])).split(
        SECTION_PLACEHOLDER, 1
    )
    button = f'<button type="submit" form="{STEP_FORM}" class="section-list__go"'
    out = ['\n<nav id="sections" class="step-layout__nav" aria-label="Steps"']
    out.append(' data-hx-swap-oob="true">' if oob else ">")
    out.append('\n  <ol class="section-list">\n  ')
    for s in sections:
        if not s.visible:
            continue
        done, current = s.done, s.current
        code, title = escaped[s.code]
        if submit and not current:
            opening, closing = f'{button} name="goto" value="{code}">', "</button>"
        else:
            opening, closing = f'<a href="{before}{code}{after}"{' aria-current="step"' if current else ""}>', "</a>"
        out.append(
            '\n    <li class="section-list__item'
            f"{' section-list__item--current' if current else ''}{' section-list__item--done' if done else ''}"
            f'">\n      {opening}'
            f'{title} <span class="section-list__meta">{"done" if done else _count(s.answered, s.required)}'
            f"</span>{closing}\n    </li>\n  "
        )
    if submit:
        review = f'{button} name="review" value="1">Review and submit</button>'
    else:
        review = f'<a href="{escape(reverse("questionnaire:review", args=[assessment_pk]))}">Review and submit</a>'
    out.append(f'\n    <li class="section-list__item section-list__item--review">{review}</li>\n  </ol>\n</nav>\n')
    return mark_safe("".join(out))  # noqa: S308 -- every value above is escaped


STEP_FORM = "step-form"  # the id of the step page's form, which the list's buttons submit


def _count(answered: int, required: int) -> str:
    """A step's progress: "2/4" to the eye, "2 of 4 answered" to a screen reader (a bare "2/4" is read as a
    fraction or a date)."""
    return (
        f'<span aria-hidden="true">{answered}/{required}</span>'
        f'<span class="visually-hidden">{answered} of {required} answered</span>'
    )
