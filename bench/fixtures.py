"""What the request and throughput benchmarks need in the bench database (runs inside Django).

One organisation of bench buyers (one account per client thread) and a generated 500-rule playbook,
imported and published through the playbook services as a curator's would be, so it is the current
playbook new assessments start on. Idempotent: a second run finds both and reuses them. Prints the
accounts, the playbook and, for each plan, the answers in the order the questionnaire asks them.
"""

from __future__ import annotations

import json
import random
from typing import Any

BENCH_ORG = "bench-buyers"
PASSWORD = "bench-buyer-passphrase-2026"
ACCOUNTS = 8
RULES = 500
PLANS = 40


def posted(value: Any) -> Any:
    """An answer as a browser posts it."""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list):
        return [str(v) for v in value]
    return str(value)


def _accounts() -> list[str]:
    from django.contrib.auth.hashers import make_password

    from apps.accounts.models import Membership, Organisation, User

    org, _ = Organisation.objects.get_or_create(slug=BENCH_ORG, defaults={"name": "Bench buyers"})
    emails = [f"bench{i}@bench.test" for i in range(ACCOUNTS)]
    if User.objects.filter(email__in=emails).count() < ACCOUNTS:
        password = make_password(PASSWORD)
        for i, email in enumerate(emails):
            user, _ = User.objects.get_or_create(email=email, defaults={"password": password})
            Membership.objects.get_or_create(
                user=user, organisation=org, defaults={"role": "owner" if i == 0 else "editor"}
            )
    return emails


def bench_playbook() -> Any:
    """The published generated playbook with RULES rules (made and published the first time).

    Only one that froze the cost assumptions counts: without them submit and what-if would cost by rate ×
    hours and never run the total cost of ownership's simulation, which their targets include. A bench
    database kept from before the assumptions existed gets a new publication (the latest is current)."""
    from apps.playbooks.definition import catalogue_snapshot
    from apps.playbooks.models import Playbook
    from apps.playbooks.services import import_playbook, publish_playbook
    from bench.playbooks import generate_playbook

    title = f"Generated, {RULES} rules"
    found = Playbook.objects.filter(title=title, status=Playbook.Status.PUBLISHED).order_by("-version").first()
    if found is not None and (found.definition or {}).get("catalogue", {}).get("cost_assumptions"):
        return found
    data = generate_playbook(RULES, catalogue=catalogue_snapshot())
    del data["catalogue"]
    return publish_playbook(playbook=import_playbook(data=data))


def plans(playbook: Any) -> list[dict[str, Any]]:
    """Complete assessments for ``playbook``: every visible question answered, in asking order."""
    from apps.playbooks.engine.evaluate import visible_answers
    from apps.playbooks.runtime import compiled_playbook
    from bench.playbooks import answer_sets

    compiled = compiled_playbook(playbook)
    function_code = compiled.roles["function"]
    out = []
    for answers in answer_sets(playbook.definition, PLANS, seed=29, answered=1.0):
        visible, _, effective = visible_answers(compiled, answers)
        steps = [[c, posted(effective[c])] for c in visible if c in effective and c != function_code]
        out.append({"function": answers[function_code], "answers": steps})
    random.Random(3).shuffle(out)
    return out


def drafts(count: int) -> list[int]:
    """``count`` draft assessments of the bench organisation on the bench playbook, every visible
    question answered (stored as autosave stores them), ready to submit."""
    from apps.accounts.models import Organisation, User
    from apps.playbooks.engine.evaluate import visible_answers
    from apps.playbooks.runtime import compiled_playbook
    from apps.questionnaire.models import Answer, Assessment
    from bench.playbooks import answer_sets

    playbook = bench_playbook()
    compiled = compiled_playbook(playbook)
    org = Organisation.objects.get(slug=BENCH_ORG)
    user = User.objects.get(email="bench0@bench.test")
    made = Assessment.objects.bulk_create(
        Assessment(organisation=org, created_by=user, title=f"Bench submit {i}", playbook=playbook)
        for i in range(count)
    )
    answers = []
    for assessment, given in zip(made, answer_sets(playbook.definition, count, seed=41, answered=1.0), strict=True):
        _, _, effective = visible_answers(compiled, given)
        answers += [
            Answer(organisation=org, assessment=assessment, question_code=c, value=v) for c, v in effective.items()
        ]
    Answer.objects.bulk_create(answers, batch_size=5000)
    return [a.pk for a in made]


def main(what: str = "setup", count: str = "0") -> None:
    if what == "drafts":
        print(json.dumps(drafts(int(count))))
        return
    emails = _accounts()
    playbook = bench_playbook()
    print(
        json.dumps(
            {
                "accounts": emails,
                "password": PASSWORD,
                "playbook": {
                    "id": playbook.pk,
                    "version": playbook.version,
                    "rules": len(playbook.definition["rules"]),
                    "cost_assumptions_frozen": bool(playbook.definition["catalogue"].get("cost_assumptions")),
                },
                "plans": plans(playbook),
            }
        )
    )
