"""The scale benchmark's data: BENCH_SCALE recommendations (default 1,000,000), each with its submitted
assessment, across 1,000 organisations, loaded with COPY (runs inside Django, against the bench database).

The organisations are not all alike: one large organisation holds 15% of everything (its history is
6,000 pages deep at a million), and the rest share the remainder evenly (about 850 each at a
million). Recommendations carry realistic columns (verdict, fit score, top model, function,
regimes, dates over three years) and a small snapshot of the same shape the pages read; the history
and portfolio pages read only the columns.

Idempotent: when the scale organisations already hold exactly BENCH_SCALE recommendations, nothing
is loaded (and the last load's figures are reported again); otherwise, or with BENCH_RELOAD=1, their
data is replaced. Neither table has an INSERT trigger (the immutability
trigger fires on UPDATE, and the audit trail covers curated models only; the load reports the
triggers it found), so COPY fires none but the foreign-key checks; the load runs with
``session_replication_role = replica``, which skips those per-row checks, and checks the keys once
afterwards with two anti-joins instead. That is only acceptable because this is the bench's own
database and the generator writes keys it has just created.
"""

from __future__ import annotations

import json
import os
import random
import time
from datetime import UTC, datetime, timedelta
from typing import Any

PREFIX = "scale-"
ORGANISATIONS = 1_000
BIG_SHARE = 0.15
SPAN_DAYS = 3 * 365
NOW = datetime(2026, 11, 1, tzinfo=UTC)


def target() -> int:
    return int(os.environ.get("BENCH_SCALE", "1000000"))


def sizes(total: int, orgs: int = ORGANISATIONS) -> list[int]:
    """Recommendations per organisation: the first one large, the others even."""
    big = int(total * BIG_SHARE)
    rest, extra = divmod(total - big, orgs - 1)
    return [big] + [rest + (1 if i < extra else 0) for i in range(orgs - 1)]


def _scale_orgs() -> Any:
    from apps.accounts.models import Organisation

    return Organisation.objects.filter(slug__startswith=PREFIX)


def loaded() -> int:
    from apps.recommendations.models import Recommendation

    return Recommendation.objects.filter(organisation__slug__startswith=PREFIX).count()


def _clear() -> None:
    from django.db import connection

    with connection.cursor() as cur:
        orgs = "SELECT id FROM accounts_organisation WHERE slug LIKE 'scale-%%'"
        cur.execute(f"DELETE FROM recommendations_recommendation WHERE organisation_id IN ({orgs})")
        cur.execute(
            "DELETE FROM questionnaire_answer WHERE assessment_id IN "
            f"(SELECT id FROM questionnaire_assessment WHERE organisation_id IN ({orgs}))"
        )
        cur.execute(f"DELETE FROM questionnaire_assessment WHERE organisation_id IN ({orgs})")
        cur.execute(f"DELETE FROM accounts_membership WHERE organisation_id IN ({orgs})")
        cur.execute(f"DELETE FROM accounts_organisation WHERE slug LIKE '{PREFIX}%%'")
        cur.execute("DELETE FROM accounts_user WHERE email LIKE '%%@scale.bench'")


def _accounts() -> list[tuple[int, int]]:
    """(organisation id, user id) for each scale organisation, created here (a member each)."""
    from apps.accounts.models import Membership, Organisation, User

    orgs = Organisation.objects.bulk_create(
        Organisation(name=f"Scale organisation {i:04d}", slug=f"{PREFIX}{i:04d}") for i in range(ORGANISATIONS)
    )
    users = User.objects.bulk_create(
        User(email=f"member{i:04d}@scale.bench", password="!") for i in range(ORGANISATIONS)
    )
    Membership.objects.bulk_create(
        Membership(user=u, organisation=o, role="owner") for o, u in zip(orgs, users, strict=True)
    )
    return [(o.pk, u.pk) for o, u in zip(orgs, users, strict=True)]


def _choices(catalogue: dict[str, Any]) -> dict[str, list[str]]:
    def live(kind: str, **where: Any) -> list[str]:
        entries = catalogue[kind]
        return [c for c, e in entries.items() if not e.get("retired") and all(e.get(k) == v for k, v in where.items())]

    return {"models": live("models", is_kpo=True), "functions": live("functions"), "regimes": live("regimes")}


def _snapshot(rng: random.Random, verdict: str, score: int, model: str, function: str, regimes: list[str]) -> str:
    """A small snapshot of the stored shape: answers, playbook and engine version, the evaluation's
    headline figures."""
    return json.dumps(
        {
            "engine_version": "1.0",
            "playbook": {"version": 2, "title": "Generated, 500 rules"},
            "stored_answers": {"function": function, "team_size": rng.randint(1, 40), "horizon": rng.randint(1, 5)},
            "evaluation": {
                "verdict": verdict,
                "fit_score": score,
                "top_model": model,
                "regimes": [{"code": r} for r in regimes],
            },
        },
        separators=(",", ":"),
    )


def _rows(total: int, accounts: list[tuple[int, int]], first_id: int, playbook: int, catalogue: dict[str, Any]) -> Any:
    """(assessment row, recommendation row) pairs, oldest first within each organisation."""
    rng = random.Random(1_000_000)
    pick = _choices(catalogue)
    verdicts = ["wins", "conditional", "doesnt_win"]
    model_weights = [max(1, 10 - i * 2) for i in range(len(pick["models"]))]
    next_id = first_id
    for (org, user), count in zip(accounts, sizes(total), strict=True):
        for i in range(count):
            created = NOW - timedelta(seconds=int(SPAN_DAYS * 86400 * (count - i) / count) + rng.randint(0, 600))
            score = rng.randint(10, 95)
            verdict = "wins" if score >= 65 else "conditional" if score >= 45 else "doesnt_win"
            if rng.random() < 0.08:
                verdict = verdicts[2]
            model = rng.choices(pick["models"], model_weights)[0]
            function = rng.choice(pick["functions"])
            regimes = sorted(rng.sample(pick["regimes"], rng.choice((0, 1, 1, 2, 2, 3))))
            title = f"Assessment {i + 1} of {function}"
            yield (
                (next_id, org, user, title, playbook, "submitted", created, created, created, user, ""),
                (org, next_id, playbook, "1.0", user, created, title, verdict, score, model, function, regimes,
                 _snapshot(rng, verdict, score, model, function, regimes), ""),
            )  # fmt: skip
            next_id += 1


# start_key and cost_note: empty, as stored for rows no start form or cost note wrote; NOT NULL with no default in the
# table (Django's default is the model's), so a COPY must send them.
ASSESSMENT_COLUMNS = (
    "id, organisation_id, created_by_id, title, playbook_id, status, created_at, updated_at, submitted_at, "
    "submitted_by_id, start_key"
)
RECOMMENDATION_COLUMNS = (
    "organisation_id, assessment_id, playbook_id, engine_version, created_by_id, created_at, title, verdict, "
    "fit_score, top_model, function, regimes, snapshot, cost_note"
)


def triggers() -> dict[str, Any]:
    """The triggers on the two loaded tables: the project's own by name, foreign-key checks counted."""
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute(
            "SELECT tgrelid::regclass::text, tgname, tgisinternal, CASE WHEN tgtype & 4 = 4 THEN 'INSERT' "
            "WHEN tgtype & 16 = 16 THEN 'UPDATE' WHEN tgtype & 8 = 8 THEN 'DELETE' ELSE 'other' END "
            "FROM pg_trigger WHERE tgrelid IN ('questionnaire_assessment'::regclass, "
            "'recommendations_recommendation'::regclass) ORDER BY 1, 2"
        )
        rows = cur.fetchall()
    return {
        "own": [f"{table}: {name} (BEFORE/AFTER {event})" for table, name, internal, event in rows if not internal],
        "foreign_key_checks_on_insert": sum(1 for _, _, internal, event in rows if internal and event == "INSERT"),
    }


def load(total: int) -> dict[str, Any]:
    from django.db import connection, transaction

    from apps.playbooks.definition import catalogue_snapshot
    from bench.fixtures import bench_playbook

    catalogue = json.loads(json.dumps(catalogue_snapshot(), default=str))
    playbook = bench_playbook().pk
    started = time.perf_counter()
    _clear()
    with transaction.atomic():
        accounts = _accounts()
        with connection.cursor() as cur:
            cur.execute("SELECT COALESCE(MAX(id), 0) + 1 FROM questionnaire_assessment")
            first_id = cur.fetchone()[0]
            cur.execute("SET LOCAL session_replication_role = replica")
            raw = cur.cursor  # psycopg 3
            recs = []
            with raw.copy(f"COPY questionnaire_assessment ({ASSESSMENT_COLUMNS}) FROM STDIN") as copy:
                for assessment, recommendation in _rows(total, accounts, first_id, playbook, catalogue):
                    copy.write_row(assessment)
                    recs.append(recommendation)
            assessments_done = time.perf_counter()
            with raw.copy(f"COPY recommendations_recommendation ({RECOMMENDATION_COLUMNS}) FROM STDIN") as copy:
                for row in recs:
                    copy.write_row(row)
            del recs
            cur.execute("SET LOCAL session_replication_role = origin")
            cur.execute(
                "SELECT setval(pg_get_serial_sequence('questionnaire_assessment', 'id'), "
                "(SELECT MAX(id) FROM questionnaire_assessment))"
            )
    copied = time.perf_counter()
    # Replica mode also kept the portfolio-count triggers from firing: recount once, as a deployment
    # that bulk-loads would (apps.recommendations.services.rebuild_portfolio_counts).
    from apps.recommendations.services import rebuild_portfolio_counts

    with transaction.atomic():
        rebuild_portfolio_counts()
    counted = time.perf_counter()
    orphans = _orphans()
    with connection.cursor() as cur:
        cur.execute("VACUUM (ANALYZE) questionnaire_assessment")
        cur.execute("VACUUM (ANALYZE) recommendations_recommendation")
        cur.execute("VACUUM (ANALYZE) recommendations_portfoliocount")
    finished = time.perf_counter()
    return {
        "rows": total,
        "assessments_copy_s": assessments_done - started,
        "copy_s": copied - started,
        "rows_per_s": 2 * total / (copied - started),
        "recommendations_per_s": total / (copied - started),
        "portfolio_counts_s": counted - copied,
        "vacuum_analyze_s": finished - counted - orphans["check_s"],
        "total_s": finished - started,
        "orphans": orphans,
    }


def _orphans() -> dict[str, Any]:
    """The foreign keys COPY did not check, checked once for the whole load."""
    from django.db import connection

    started = time.perf_counter()
    with connection.cursor() as cur:
        cur.execute(
            "SELECT count(*) FROM recommendations_recommendation r LEFT JOIN questionnaire_assessment a "
            "ON a.id = r.assessment_id WHERE a.id IS NULL"
        )
        assessments = cur.fetchone()[0]
        cur.execute(
            "SELECT count(*) FROM questionnaire_assessment a LEFT JOIN accounts_organisation o "
            "ON o.id = a.organisation_id WHERE o.id IS NULL"
        )
        organisations = cur.fetchone()[0]
    return {"recommendations_without_assessment": assessments, "assessments_without_organisation": organisations,
            "check_s": time.perf_counter() - started}  # fmt: skip


def main(*_: str) -> None:
    from bench.server import DATA_DIR

    total = target()
    have = loaded()
    record = DATA_DIR / "scale_load.json"  # the last load's figures, reported again when reused
    result: dict[str, Any] = {"target": total, "found": have, "triggers": triggers()}
    reload = os.environ.get("BENCH_RELOAD") == "1"
    if have == total and _scale_orgs().count() == ORGANISATIONS and not reload:
        result["reused"] = True
        if record.exists():
            result["last_load"] = json.loads(record.read_text())
    else:
        result["reused"] = False
        result["load"] = load(total)
        record.write_text(json.dumps({**result["load"], "at": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")}))
    result["sizes"] = {"largest": sizes(total)[0], "typical": sizes(total)[1], "organisations": ORGANISATIONS}
    print(json.dumps(result))
