"""One question as a fieldset, written in Python: the step page, autosave's fragments, the what-if page and the
second-opinion page draw every question this way.

A step page of a large playbook draws dozens of questions with their options; as a template include, each
option's line was a dozen ``{% if %}`` nodes and each question a ``{% url %}``, most of the page's CPU
(docs/performance.md). What does not depend on the answers (the escaped prompt, help, option labels, range
text) is written once per compiled playbook (``rule_index(pb).memo``, so it goes with the playbook), and a
request only fills in what does: the ticks, the value, the error, visibility and the answer URL. The markup is
byte for byte what the template ``questionnaire/_question.html`` drew (tests/questionnaire/test_fieldsets.py
compares them over every question of the reference playbook in each state).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.template.defaultfilters import floatformat
from django.urls import reverse
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

from apps.playbooks.engine import CompiledPlaybook
from apps.playbooks.engine.answers import OWN_COST_ROLE
from apps.playbooks.engine.compiler import rule_index
from apps.playbooks.engine.types import MULTI, SINGLE, YES_NO

# The answer URL reversed once per page with this in place of the question code (codes are slugs).
QUESTION_PLACEHOLDER = "__question__"
# Where the buyer's own in-house cost's unit goes: it names the currency of the answers' market.
UNIT_PLACEHOLDER = "__unit__"
SAVE_STATUS = (
    ' data-save-status="Not confirmed: the service could not be reached, so this answer may not be saved yet. '
    'Try again in a moment, or use Save and continue to save the whole step."'
)


@dataclass(frozen=True)
class _Choice:
    value: str  # the option code (or yes/no) as ``QuestionView.selected`` holds it
    head: str  # the label's markup up to the input's state attributes
    tail: str  # from the end of the input tag to the end of the label


@dataclass(frozen=True)
class _Parts:
    """A question's markup around what a request fills in, escaped once."""

    code: str  # escaped
    open_tag: str  # '\n\n  <fieldset id="q-…" class="field'
    head: str  # from aria-describedby to the hidden presence input and the line it starts
    choices: tuple[_Choice, ...] | None  # None: a text input
    multi: bool
    yes_no: bool
    input_head: str  # text input: up to its value
    input_mid: str  # text input: from after the value to its state attributes
    input_tail: str  # text input: from the end of its tag to the end of its block


def _choice(code: str, index: int, kind: str, value: str, text: str) -> _Choice:
    ident = f"input-{code}" if index == 0 else f"input-{code}-{index + 1}"
    kind_attr = "checkbox" if kind == MULTI else "radio"
    head = f'<label class="choice"><input type="{kind_attr}" id="{ident}" name="{code}" value="{escape(value)}"'
    return _Choice(value=value, head=head, tail=f'> <span class="choice__text">{text}</span></label>')


def _parts(question: Any) -> _Parts:
    c = escape(question.code)
    prompt, help_text = escape(question.prompt), escape(question.help)
    optional = "" if question.required else ' <span class="field__optional">(optional)</span>'
    help_p = f'<p class="field__help" id="help-{c}">{help_text}</p>' if question.help else ""
    help_ref = f"help-{c} " if question.help else ""
    head = (
        f' aria-describedby="{help_ref}status-{c}">\n'
        f'    <legend class="field__label">{prompt}{optional}</legend>\n'
        f"    {help_p}\n"
        f'    <input type="hidden" name="{c}__present" value="1">\n'
        "    "
    )
    choices: tuple[_Choice, ...] | None = None
    input_head = input_mid = input_tail = ""
    if question.kind == YES_NO:
        choices = (_choice(c, 0, YES_NO, "yes", "Yes"), _choice(c, 1, YES_NO, "no", "No"))
    elif question.kind in (SINGLE, MULTI):
        choices = tuple(
            _choice(
                c,
                i,
                question.kind,
                option.code,
                escape(option.label)
                + (f' <span class="choice__hint">{escape(option.help)}</span>' if option.help else ""),
            )
            for i, option in enumerate(question.options)
        )
    else:
        low, high = question.min, question.max
        ranged = low is not None or high is not None
        money = '<span aria-hidden="true">$</span>' if question.kind == "money" else ""
        if question.kind == "percent":
            unit = "<span>%</span>"
        elif question.role == OWN_COST_ROLE:
            unit = f'<span class="muted" id="unit-{c}">{UNIT_PLACEHOLDER}</span>'
        else:
            unit = f'<span class="muted">{escape(question.unit)}</span>' if question.unit else ""
        whole = question.kind == "integer"  # said in the hint, before a decimal is refused (review 91)
        if low is not None and high is not None:
            words = (
                f"{'A whole number from' if whole else 'From'} {floatformat(low, '-2g')} to {floatformat(high, '-2g')}."
            )
        elif low is not None:
            words = f"{'A whole number, at least' if whole else 'At least'} {floatformat(low, '-2g')}."
        else:
            words = f"{'A whole number, at most' if whole else 'At most'} {floatformat(high, '-2g')}."
        range_p = f'<p class="field__help small" id="range-{c}">{words}</p>' if ranged else ""
        mode = "numeric" if whole else "decimal"  # a phone's keyboard without a decimal separator for a whole number
        input_head = (
            '\n      <div class="cluster input-with-unit">\n'
            f"        {money}\n"
            f'        <input type="text" inputmode="{mode}" id="input-{c}" name="{c}" value="'
        )
        input_mid = f'" aria-label="{prompt}" aria-describedby="{help_ref}{f"range-{c} " if ranged else ""}status-{c}"'
        input_tail = f">\n        {unit}\n      </div>\n      {range_p}\n    "
    return _Parts(
        code=c,
        open_tag=f'\n\n  <fieldset id="q-{c}" class="field',
        head=head,
        choices=choices,
        multi=question.kind == MULTI,
        yes_no=question.kind == YES_NO,
        input_head=input_head,
        input_mid=input_mid,
        input_tail=input_tail,
    )


def question_parts(compiled: CompiledPlaybook) -> Mapping[str, _Parts]:
    """Every question's markup parts, made once per compiled playbook (and language: the range's numbers are
    localised as the template's ``floatformat`` localised them)."""
    memo = rule_index(compiled).memo
    key = f"fieldsets {get_language()}"
    parts: Mapping[str, _Parts] | None = memo.get(key)
    if parts is None:
        parts = memo[key] = {code: _parts(q) for code, q in compiled.questions.items()}
    return parts


def answer_url_pattern(assessment_pk: int) -> str:
    """The assessment's answer URL with ``QUESTION_PLACEHOLDER`` for the code: one ``reverse`` a page."""
    return reverse("questionnaire:answer", args=[assessment_pk, QUESTION_PLACEHOLDER])


def status_line(code: str, status: str, message: str, *, autosave: bool) -> str:
    """``questionnaire/_status.html`` for the statuses a fieldset shows: none, or an error (``code`` escaped)."""
    if status == "error":
        return (
            f'<p id="status-{code}" class="saved-indicator is-error field__error" role="alert"'
            f"{SAVE_STATUS if autosave else ''}>{escape(message)}</p>"
        )
    return f'<p id="status-{code}" class="saved-indicator" role="status"{SAVE_STATUS if autosave else ""}></p>'


def own_cost_unit_swap(item: Any) -> SafeString:
    """The unit beside the buyer's own in-house cost's box, swapped out of band when the answers' market changes."""
    unit = escape(item.own_cost_unit)
    return mark_safe(f'<span class="muted" id="unit-{escape(item.code)}" data-hx-swap-oob="true">{unit}</span>')  # noqa: S308


def fieldset(
    compiled: CompiledPlaybook | None,
    item: Any,
    *,
    autosave: bool,
    can_edit: bool,
    oob: bool,
    answer_url: str = "",
) -> SafeString:
    """``item`` (a ``progress.QuestionView``) as the fieldset ``questionnaire/_question.html`` drew, the two
    newlines its comment lines left before it included; ``answer_url`` (``answer_url_pattern``) with autosave.
    Without ``compiled`` (the playbook ``item`` is from) the parts are made for this one call."""
    p = question_parts(compiled)[item.question.code] if compiled is not None else _parts(item.question)
    c = p.code
    error = item.error
    out = [p.open_tag, " field--invalid" if error else "", '"']
    if not item.visible:
        out.append(" hidden disabled")
    if oob:
        out.append(' data-hx-swap-oob="true"')
    out.append(p.head)
    if autosave:
        swap = ' data-hx-swap-oob="true"' if oob else ""
        stamp = escape(item.loaded)
        out.append(f'\n<input type="hidden" id="loaded-{c}" name="{c}__loaded" value="{stamp}"{swap}>\n')
    out.append("\n    \n    ")
    disabled = "" if can_edit else " disabled"
    hx = ""
    if autosave:
        url = escape(answer_url.replace(QUESTION_PLACEHOLDER, item.question.code))
        hx = (
            f' data-hx-post="{url}" data-hx-trigger="change" data-hx-target="#status-{c}" data-hx-swap="outerHTML"'
            ' data-hx-sync="closest form:queue all"'
        )
    if p.choices is not None:
        state = disabled + hx
        if autosave and p.multi:
            state += f" data-hx-include=\"[name='{c}']\""
        selected = item.selected
        lines = [
            f"{choice.head}{' checked' if choice.value in selected else ''}{state}{choice.tail}" for choice in p.choices
        ]
        if p.yes_no:
            inner = f"\n        {lines[0]}\n        {lines[1]}\n      "
        else:
            inner = "\n        " + "".join(f"\n        {line}\n        " for line in lines) + "\n      "
        out.append(f'\n      <div class="choices">\n      {inner}\n      </div>\n    ')
    else:
        invalid = ' aria-invalid="true"' if error else ""
        tail = p.input_tail
        if item.question.role == OWN_COST_ROLE:
            tail = tail.replace(UNIT_PLACEHOLDER, escape(item.own_cost_unit), 1)
        out.append(
            f'{p.input_head}{escape(item.input_value)}{p.input_mid}{invalid}{disabled} autocomplete="off"{hx}{tail}'
        )
    status = status_line(c, "error" if error else "", error, autosave=autosave)
    out.append(f"\n    \n    \n{status}\n\n  </fieldset>\n")
    return mark_safe("".join(out))  # noqa: S308 -- every value above is escaped
