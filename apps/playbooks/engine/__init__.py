"""The KPO Advisor engine: pure Python, no ORM, no request, no I/O.

It takes a playbook definition (plain data, see ``compiler.compile_playbook``) and a mapping of
answers, and returns an ``Evaluation``: visible questions, the fit score and verdict, engagement
models ranked with the rules that moved them, regimes with obligations, risks, locations and the
cost estimate. Published playbooks are compiled once and cached by the caller.
"""

from apps.playbooks.engine.answers import AnswerError, clean_answer, clean_answers
from apps.playbooks.engine.compiler import CompiledPlaybook, DefinitionError, compile_playbook
from apps.playbooks.engine.evaluate import Evaluation, evaluate

ENGINE_VERSION = "1.0"

__all__ = [
    "ENGINE_VERSION",
    "AnswerError",
    "CompiledPlaybook",
    "DefinitionError",
    "Evaluation",
    "clean_answer",
    "clean_answers",
    "compile_playbook",
    "evaluate",
]
