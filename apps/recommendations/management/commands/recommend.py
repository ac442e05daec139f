from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from apps.common.formatting import chance, money
from apps.playbooks.engine import clean_answers, evaluate
from apps.playbooks.engine.checks import AnswerCheck, checks_for_answers
from apps.playbooks.models import Playbook
from apps.playbooks.runtime import compiled_playbook, frozen_guidance
from apps.recommendations.cost_caveat import cost_caveat, verdict_words
from apps.recommendations.snapshot import Snapshot, build_snapshot, command_document, read_snapshot

MAX_BYTES = 1_000_000


class Command(BaseCommand):
    help = (
        "Score an answers file (question code to option code, list of codes, number or true/false) against a "
        "published playbook and print the whole evaluation. Stores nothing. Exits 2 on invalid answers, on answers "
        "that disagree beyond what anyone could work (as the review page refuses them), and on required answers "
        "missing unless --allow-incomplete (then the result is marked incomplete)."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--answers", required=True, help="Path to a JSON object of answers.")
        parser.add_argument("--playbook", type=int, help="Published playbook version (default: the current one).")
        parser.add_argument("--format", choices=["json", "text"], default="text")
        parser.add_argument(
            "--allow-incomplete",
            action="store_true",
            help="Score even when required answers are missing; the result says it is incomplete.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        raw = self._read(Path(options["answers"]))
        playbook = self._playbook(options["playbook"])
        compiled = compiled_playbook(playbook)
        answers, problems = clean_answers(compiled.questions, raw)
        if problems:
            lines = [f"  {code}: {message}" for code, message in problems.items()]
            raise CommandError("The answers file has problems:\n" + "\n".join(lines), returncode=2)
        evaluation = evaluate(compiled, answers)
        missing = [f"  {code}: {compiled.questions[code].prompt}" for code in evaluation.missing_required]
        if missing and not options["allow_incomplete"]:
            raise CommandError(
                "Required answers are missing (score anyway with --allow-incomplete):\n" + "\n".join(missing),
                returncode=2,
            )
        # The answers' checks, as the review page reads them: hours no one could work are refused as a submit is
        # (review 170: 10,000,000 hours for 5 people printed a priced result); the others are printed with it.
        checks = checks_for_answers(compiled.roles, evaluation.answers, compiled.catalogue.cost_assumptions)
        impossible = [f"  {c.text}" for c in checks if c.impossible]
        if impossible:
            raise CommandError("Correct these answers before scoring them:\n" + "\n".join(impossible), returncode=2)
        # Printed, not stored: the playbook's frozen memo guidance, and no flips (the page works those out).
        snapshot = build_snapshot(
            compiled,
            evaluation,
            answers,
            title=Path(options["answers"]).stem,
            guidance=frozen_guidance(playbook.pk),
            flips=None,
        )
        if options["format"] == "json":
            # Printed only, never stored: a result scored on missing answers says so where a reader looks first.
            document = command_document(snapshot, incomplete=bool(missing), checks=[c.text for c in checks])
            self.stdout.write(json.dumps(document, indent=2, ensure_ascii=False))
        else:
            text = self._text(read_snapshot(snapshot), checks)
            if missing:
                text = "INCOMPLETE: required answers are missing, so this result may change.\n" + text
            self.stdout.write(text)

    def _read(self, path: Path) -> dict[str, Any]:
        try:
            if path.stat().st_size > MAX_BYTES:
                raise CommandError(f"{path} is larger than {MAX_BYTES:,} bytes.", returncode=2)
            data = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise CommandError(f"No such file: {path}", returncode=2) from None
        except (OSError, ValueError, RecursionError) as exc:
            # ValueError covers bad JSON, bad UTF-8 and numbers too long to read; RecursionError, absurd nesting.
            raise CommandError(f"{path} is not readable JSON: {exc}", returncode=2) from None
        if not isinstance(data, dict):
            raise CommandError("The answers file must be a JSON object of question code to answer.", returncode=2)
        return data

    def _playbook(self, version: int | None) -> Playbook:
        if version is None:
            playbook = Playbook.objects.current()
        else:
            playbook = Playbook.objects.exclude(status=Playbook.Status.DRAFT).filter(version=version).first()
        if playbook is None:
            raise CommandError("No such published playbook.", returncode=2)
        return playbook

    def _text(self, snap: Snapshot, checks: tuple[AnswerCheck, ...]) -> str:
        ev = snap.evaluation
        caveat = cost_caveat(ev)
        verdict = verdict_words(ev)  # as the page and the memo say it (review 167: no word that no model can be used)
        out = [f"{verdict} (fit score {ev.fit_score}/100) — playbook v{snap.playbook.version}"]
        out += [f"CHECK YOUR ANSWERS: {c.text}" for c in checks]
        if caveat is not None:
            out.append(("COST: " if caveat.warning else "") + caveat.text)
        if ev.missing_required:
            out.append("Not answered (required): " + ", ".join(ev.missing_required))
        out += [f"BLOCKER: {b.name}: {b.reason}" for b in ev.blockers]
        if ev.conditions and ev.verdict != "doesnt_win":
            out.append("\nConditions:")
            out += [f"  [ ] {c.text}" for c in ev.conditions]
        if ev.requirements:
            out.append("\nYou require:")
            out += [f"  {r.text}" for r in ev.requirements]
        out += [f"TRADE-OFF: {c.text}" for c in ev.conflicts]
        out.append("\nWhy:")
        out += [f"  {r.fit_points:+d}  {r.name}" for r in ev.fired if r.fit_points]
        out.append("\nEngagement models:")
        out += [f"  {m.score:+4d}  {m.name}" for m in ev.models]
        out.append("\nRegimes: " + (", ".join(r.name for r in ev.regimes) or "none"))
        for r in ev.regimes:
            for _phase, label, items in r.obligations:
                out += [f"  [{r.code}] {label}: {o.title} ({o.citation})" for o in items]
        out.append("\nRisks:")
        out += [f"  [{r.severity or '-'}] {r.title}: {r.mitigation}" for r in ev.risks]
        out.append("\nLocations: " + ", ".join(f"{loc.name} ({loc.score:+d})" for loc in ev.locations[:5]))
        cost = ev.cost
        if cost.available and cost.inhouse_horizon is not None:
            cur = cost.currency
            inhouse = money(cost.inhouse_horizon[1], cur)
            out.append(f"\nCost over {cost.period} (likely, {cur}): in-house {inhouse}")
            out += [f"  {m.name}: {money(m.horizon[1], cur)} ({_saving(m, cur)})" for m in cost.models]
        else:
            out.append(f"\nCost: not estimated ({cost.reason})")
        return "\n".join(out)


def _saving(m: Any, currency: str) -> str:
    """A model's saving as the result page words it: never a saving when it costs more than in-house."""
    if m.extra_cost:
        return f"costs more than in-house by {money(m.costs_more_by, currency)}"
    text = f"saving {money(m.savings[1], currency)}, {m.savings_percent}%"
    if m.probability_saving is not None:
        even = f"month {m.break_even_month}" if m.break_even_month else "not within the horizon"
        text += f"; P10 {money(m.savings_p10, currency)}, P90 {money(m.savings_p90, currency)}"
        text += f"; chance of a saving {chance(m.probability_saving)}; break-even {even}"
    return text
