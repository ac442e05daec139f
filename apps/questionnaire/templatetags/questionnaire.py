"""The questionnaire's template tags: a question's fieldset and the list of steps, written in Python
(``apps.questionnaire.fieldsets``, ``apps.questionnaire.section_list``)."""

from __future__ import annotations

from django import template
from django.utils.safestring import SafeString

from apps.questionnaire import fieldsets, section_list

register = template.Library()


@register.simple_tag(takes_context=True)
def question_fieldset(context: template.Context, **overrides: object) -> SafeString:
    """The context's ``item`` as its fieldset, with the context's ``autosave``, ``can_edit`` and ``oob``
    (``overrides`` replace them, as an include's ``with`` did) and, with autosave, ``assessment``'s answer URL,
    reversed once per rendering."""
    values = {name: overrides.get(name, context.get(name)) for name in ("autosave", "can_edit", "oob")}
    url = ""
    if values["autosave"]:
        pk = context["assessment"].pk
        key = f"answer_url {pk}"
        url = context.render_context.get(key) or fieldsets.answer_url_pattern(pk)
        context.render_context[key] = url
    return fieldsets.fieldset(
        context.get("playbook"),
        context["item"],
        autosave=bool(values["autosave"]),
        can_edit=bool(values["can_edit"]),
        oob=bool(values["oob"]),
        answer_url=url,
    )


@register.simple_tag(takes_context=True)
def step_list(context: template.Context) -> SafeString:
    """The context's ``sections`` as the step page's list of steps, for ``assessment``; out of band with ``oob``."""
    return section_list.section_list(
        context.get("playbook"),
        context["sections"],
        context["assessment"].pk,
        oob=bool(context.get("oob")),
        submit=bool(context.get("can_edit")),
    )
