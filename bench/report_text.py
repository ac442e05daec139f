"""The Markdown of docs/performance.md (figures only come from the run's results)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent


def _ms(v: float) -> str:
    return f"{v:.3f}" if v < 1 else f"{v:.1f}" if v < 100 else f"{v:,.0f}"


def _table(head: list[str], rows: list[list[Any]]) -> list[str]:
    out = ["| " + " | ".join(head) + " |", "|" + "|".join("---" if i == 0 else "---:" for i in range(len(head))) + "|"]
    out += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
    return out


def render(r: dict[str, Any], before: dict[str, Any]) -> str:
    env, targets = r["environment"], r["targets"]
    missed = [t for t in targets if not t["met"]]
    lines = [
        "# Performance",
        "",
        "Written by `make bench` (`bench/run.py`); every figure below was measured in the run of "
        f"{env['date']}, and every target is judged against a baseline measured in the same run.",
        "",
        f"**{len(targets) - len(missed)} of {len(targets)} targets met.**"
        + (" Not met: " + "; ".join(f"{t['target']} ({t['value']})" for t in missed) + "." if missed else ""),
        "",
        "## Machine and command",
        "",
        f"- CPU: {env['cpu']}, {env['cores']} cores; memory {env['memory_gb']} GB; Linux {env['kernel']}.",
        f"- Python {env['python']}, PostgreSQL {env['postgres']} (the embedded server, its own data folder "
        "`.data/bench/`), gunicorn " + env["gunicorn"] + ".",
        f"- Command: `{env['command']}`. The whole run took {env['total_s'] / 60:.1f} minutes; the machine's "
        f"15-minute load average at the end was {env['load_average_15m']:.1f} (client, app and database share "
        "the two cores).",
        "",
        "## Targets",
        "",
        *_table(
            ["target", "value", "baseline (same run)", "ratio", "met?", "by how much / why"],
            [
                [
                    t["target"],
                    t["value"],
                    t["baseline"],
                    "" if t["ratio"] is None else f"{t['ratio']:.2f}",
                    "met" if t["met"] else "**not met**",
                    t["note"],
                ]
                for t in targets
            ],
        ),  # fmt: skip
        "",
        *engine(r, before),
        *peers(r),
        *batch(r),
        *preview(r),
        *flips(r),
        *requests(r),
        *scale(r),
        *throughput(r),
        *profiles(r),
    ]
    return "\n".join(lines)


def engine(r: dict[str, Any], before: dict[str, Any]) -> list[str]:
    rows = []
    for key, s in r["engine"]["sizes"].items():
        b = before["sizes"][key]

        def change(fn: str, b: dict[str, Any] = b, s: dict[str, Any] = s) -> str:
            return f"{_ms(b[fn]['median_ms'])} → **{_ms(s[fn]['median_ms'])}** (p95 {_ms(s[fn]['p95_ms'])})"

        speedup = s["naive"]["median_ms"] / s["outcome"]["median_ms"]
        naive = f"{_ms(s['naive']['median_ms'])} (p95 {_ms(s['naive']['p95_ms'])})"
        rows.append(
            [f"{int(key):,}", s["conditions"], f"{s['rules_fired_mean']:.0f}", change("evaluate"), change("outcome"),
             naive, f"{speedup:.1f}x", f"{s['compile_ms']:.0f} ms", s["agreement_checked"]]
        )  # fmt: skip
    return [
        "## Engine",
        "",
        "Generated playbooks (`bench/playbooks.py`): the six cost questions plus 80 generated ones in ten "
        "sections (single and multiple choice, yes/no, numbers; a quarter shown only on earlier answers, a "
        "fifth of the sections too), and rules with one to four conditions (equals, one of, none of, none of "
        "or unanswered, contains any/all, at least, at most, between, answered), a fifth of them matched on "
        "*any*, each with fit, model, location, regime, risk or (rarely) blocker effects on the real "
        "catalogue. 200 random answer sets per size. The naive baseline (`bench/naive.py`) walks the same "
        "JSON on every call, as JSON-logic engines do; on every answer set the run asserts it gives the same "
        "verdict, fit score, top model, unblocked score and blocker count as both `outcome()` and "
        "`evaluate()`. Times in ms (median, p95); before → after this issue's optimisation (before: the "
        "engine as it was, measured with the same "
        f"generator and answer sets on {before['measured_at']}).",
        "",
        *_table(
            [
                "rules",
                "conditions",
                "rules fired (mean)",
                "evaluate()",
                "outcome()",
                "naive",
                "outcome vs naive",
                "compile",
                "answer sets agreeing",
            ],
            rows,
        ),  # fmt: skip
        "",
        "Where each is used: `evaluate()` (the whole explanation and the cost estimate) on submit and re-score, "
        "the review and step pages and autosave (visibility), the simulator and golden cases; `outcome()` "
        "(verdict, fit score, top model) where many answer sets are re-scored at once: the impact preview of a "
        "draft over stored recommendations.",
        "",
        "What changed (`apps/playbooks/engine/`), found with the profile of the 10,000-rule run (every rule's "
        "closure called on every evaluation, then a `FiredRule` with its condition sentences built for every "
        "rule that fired): (1) a rule index, `compiler.RuleIndex`: each rule owns a bit (an *any* rule one per "
        "condition), and for each question the bits its answer makes false come from a memo per answer (choice "
        "and yes/no answers) or two bisections over the sorted bounds (numbers), so all rules are decided with "
        "a few integer operations per question instead of a closure call per condition; (2) effect tallies "
        "precompiled as bit masks grouped by points, so `outcome()` counts bits instead of walking rules; (3) "
        "each rule's explanation (condition sentences, effect words, contributions) built the first time it "
        "fires and reused; (4) two- and three-condition combinations as plain `and`/`or` instead of a "
        "generator. Unusual values (wrong type, NaN, unhashable) take the old path through the same closures, "
        "so results are identical; `tests/playbooks` and `tests/performance` check it.",
        "",
    ]


def peers(r: dict[str, Any]) -> list[str]:
    if "peers" not in r:
        return []
    rows = []
    for key, s in r["peers"]["sizes"].items():
        if isinstance(s.get("peers"), str):
            rows.append(
                [
                    key,
                    s["rules"],
                    _ms(s["outcome"]["median_ms"]),
                    _ms(s["evaluate"]["median_ms"]),
                    s["peers"],
                    "",
                    "",
                    "",
                    "",
                ]
            )
            continue
        rows.append(
            [key, s["rules"], _ms(s["outcome"]["median_ms"]), _ms(s["evaluate"]["median_ms"]),
             _ms(s["datalogic_compiled"]["median_ms"]), _ms(s["datalogic_session"]["median_ms"]),
             _ms(s["datalogic_preparsed"]["median_ms"]), _ms(s["json_logic_qubit"]["median_ms"]),
             s["agreement_checked"]]
        )  # fmt: skip
    return [
        "## Peers: JsonLogic engines on the same rules",
        "",
        "`bench/peers.py`: each playbook translated to one JsonLogic expression (visibility inlined, every "
        "condition as `compile_condition` tests it) giving the fit points, blockers, each model's points and gates; "
        "the verdict and top model follow in Python as `scoring` derives them. datalogic-py (native Rust core, "
        "compiled once) and json-logic-qubit (pure Python) from `bench/requirements.txt`; every engine must "
        "give `outcome()`'s verdict, fit score, top model, unblocked score and blockers on every answer set. "
        "Medians in ms; *preparsed* is datalogic on data parsed before the clock starts (its fastest form).",
        "",
        *_table(
            [
                "playbook",
                "rules",
                "outcome()",
                "evaluate()",
                "datalogic compiled",
                "datalogic session",
                "datalogic preparsed",
                "json-logic-qubit",
                "answers agreeing",
            ],
            rows,
        ),  # fmt: skip
        "",
    ]


def batch(r: dict[str, Any]) -> list[str]:
    if "batch" not in r:
        return []
    b = r["batch"]
    return [
        "## Batch scoring in memory (no database)",
        "",
        f"`bench/batch.py` on the reference playbook ({b['playbook']['rules']} rules): {b['rows']:,} stored-shape "
        f"answer sets, each checked against `outcome()`. `outcome()` one by one: {b['outcome_us_per_row']:.1f} µs "
        f"a row (with `clean_answers`, as the preview did: {b['clean_and_outcome_us_per_row']:.1f} µs). Batch "
        f"engine from answer dictionaries: {b['batch_us_per_row']:.1f} µs a row ({b['speedup_vs_outcome']:.1f}x); "
        f"already encoded: {b['encoded_us_per_row']:.2f} µs a row ({b['speedup_encoded_vs_outcome']:.1f}x). "
        f"{b['million_rows']:,} rows: {b['million_s']:.1f} s from answer dictionaries, "
        f"{b['million_encoded_s']:.1f} s encoded.",
        "",
    ]


def preview(r: dict[str, Any]) -> list[str]:
    if "preview" not in r:
        return []
    p = r["preview"]
    hidden = f"the {p['hidden_during_run']:,} recommendations the database kept" if p["hidden_during_run"] else "none"
    return [
        "## Impact preview from PostgreSQL (packed answers)",
        "",
        f"`bench/preview.py`: the product path, `apps.recommendations.impact.preview_impact`, over {p['stored']:,} "
        f"recommendations of the reference playbook stored with their packed answers ({p['distinct_answer_sets']:,} "
        f"distinct answer sets, each stored {p['stored'] // p['distinct_answer_sets']:,} times; every stored verdict "
        "and top model is `outcome()`'s, so the preview must score every one and find no change, which the run "
        "asserts). They are written with COPY in a "
        f"transaction that is rolled back ({p['load_s']:.0f} s, not timed), inside which {hidden} were truncated "
        "and given back, so the preview reads these alone; each snapshot lives out of line as a real one does (its "
        "answers and 2 KB of filler: PostgreSQL keeps a row under about 2 KB whole). Preview (reading every chunk "
        "from PostgreSQL as one row of two bytea values in binary format, packed answers into numpy, scoring "
        "on the draft and on the published version, as the admin's preview does, comparing): "
        f"**{p['preview_s']:.2f} s** median of "
        + ", ".join(f"{t:.2f}" for t in p["preview_runs_s"])
        + f" ({p['preview_us_per_row']:.1f} µs a row); `outcome()` one by one on {p['outcome_rows_timed']:,} of the "
        f"same answers, already cleaned, in memory: {p['outcome_us_per_row']:.1f} µs a row, so the preview is "
        f"**{p['speedup_vs_outcome']:.1f}x** faster per recommendation. The same preview reading the snapshots' "
        f"JSON answers instead (the {p['rows']:,} newest, packed rows deleted): {p['from_snapshots_us_per_row']:.0f} "
        "µs a row.",
        "",
    ]


def flips(r: dict[str, Any]) -> list[str]:
    if "flips" not in r:
        return []
    f = r["flips"]
    depth = ", ".join(f"{n} at depth {d}" for d, n in sorted(f["depth"].items()))
    return [
        "## What would flip it",
        "",
        f"`bench/flips.py`: the exhaustive search on {f['answer_sets']} answer sets of the reference playbook. "
        f"Whole search: {_ms(f['search_median_ms'])} ms median, {_ms(f['search_max_ms'])} ms at most; exhaustive "
        f"pair search alone: {_ms(f['pairs_median_ms'])} ms median ({f['pairs_scored_median']:,.0f} pairs), "
        f"{_ms(f['pairs_max_ms'])} ms at most. Single changes tried: {f['singles_median']:.0f} (one per class of "
        f"values the relevant conditions see alike); triples scored at most {f['triples_scored_max']:,}. Depth "
        f"reached: {depth}. Completeness checked: {f['pairs_checked_one_by_one']:,} pairs re-scored by `outcome()` "
        f"one by one, and {f['single_outcomes_checked_by_brute_force']} single-change outcomes against brute "
        "force over every value.",
        "",
    ]


def requests(r: dict[str, Any]) -> list[str]:
    before = json.loads((HERE / "requests_before.json").read_text())
    rows = []
    names = ("baseline", "autosave", "step", "submit", "result", "what_if", "api_get", "api_answers", "baseline_after")
    for clients, level in r["requests"].items():
        base = (level["baseline"]["median_ms"] + level["baseline_after"]["median_ms"]) / 2
        for name in names:
            if name not in level:
                continue
            p = level[name]
            b = before["requests"].get(clients, {}).get(name)
            was = f"{_ms(b['median_ms'])} → " if b else ""
            rows.append(
                [
                    clients,
                    name.replace("_", " "),
                    p["n"],
                    f"{was}**{_ms(p['median_ms'])}**",
                    _ms(p["p95_ms"]),
                    f"{p['median_ms'] / base:.1f}",
                    p["errors"],
                ]
            )
    return [
        "## Requests through gunicorn",
        "",
        "Loopback HTTP with a keep-alive connection per client thread, each a signed-in buyer "
        "(`bench/pages.py`); the rows api get (a recommendation in the snapshot format) and api answers (one "
        "answer through the API's autosave) are the JSON API with an API key per client, against the same "
        "baseline. The baseline is a bench-only view (`bench/views.py`, routed only by "
        "`bench/urls.py` under `bench/settings.py`) that makes one query and renders one small template through "
        "the same middleware; it is measured before and after the pages and the target uses the mean of the two "
        f"medians. The playbook is a generated one with {r['playbook']['rules']} rules, published through the "
        "playbook services. Times in ms; the median shows before → after the request-path changes below (before: "
        f"the same bench at commit {before['commit']}, run on {before['measured_at']} on this machine, 15-minute "
        f"load average {before['load_average_15m']:.1f}; `bench/requests_before.json`).",
        "",
        *_table(["clients", "request", "requests", "median", "p95", "x baseline", "errors"], rows),
        "",
        "The JSON API beside its pages, each as a multiple of the same baseline (issue 20): "
        + "; ".join(api_beside_pages(r["requests"]))
        + ". What-if posts a changed answer and annual hours no earlier round posted, so each re-score runs the "
        "cost simulation afresh (10,000 draws); its target (issue 17) is under 100 ms at one client.",
        "",
        "What changed on the request path, found with the profiles below and a per-query timing of the step page "
        "and autosave: (1) a playbook's frozen definition (a JSON document of several hundred kilobytes for 500 "
        "rules) was decoded on every request that loaded the assessment with its playbook; the request path now "
        "loads playbooks without it (`Playbook.Meta.base_manager_name`, `defer`) and the compiled playbook comes "
        "from the per-process cache first; (2) the header's organisation switcher and the member's own membership "
        "come from one query; (3) the autosave URL is reversed once per question, not once per option; (4) "
        "autosave locks and marks the draft in one UPDATE instead of a SELECT ... FOR UPDATE and a later UPDATE; "
        "(5) after the bench run above, an autosave no longer opens a transaction for its answer "
        "(`apps/questionnaire/drafts.py`): one SELECT reads the answers with the draft's status and row version "
        "(`xmin`, new with every transaction that updates the row), and one statement (a data-modifying CTE) "
        "marks the draft, upserts and clears only while the row is still that version, committing on its own; "
        "every change to a draft's answers updates its row in the same transaction, so an unchanged version means "
        "the answers the save was decided from (visibility, the replaced-colleague notice) are the ones it writes "
        "over. A save that raced another finds a new version, writes nothing, and is decided again under the row "
        'lock as before (BEGIN, lock-and-mark, read, write, COMMIT); this answers the objection under "The single '
        'call (issue 21)" to reading in the locking statement, since the read is never in the statement that may '
        "wait for the lock. Tests put a colleague's save and a submit between the read and the write "
        "(`tests/questionnaire/test_save_in_one_statement.py`); tenant pinning, concurrency and fault tests pass "
        "unchanged; (6) the timeline line written after the commit joins the transaction "
        "`without_waiting_for_disk` opens instead of adding a savepoint. An autosave's statements in production "
        "go from 16 (the page's 4; BEGIN, UPDATE, SELECT, INSERT, COMMIT; then the timeline line's BEGIN, SET "
        "LOCAL, SAVEPOINT, SELECT ... FOR UPDATE, UPDATE, RELEASE, COMMIT) to 11 (the page's 4; the read and the "
        "write; BEGIN, SET LOCAL, SELECT ... FOR UPDATE, UPDATE, COMMIT), with the same response byte for byte "
        "(the answer's stamp aside); the test-client budget is 6 queries instead of 9. Measured in-process "
        "against the code before (a09e474), old and new alternating request by request, 200 autosaves a side, "
        "medians (1-minute load average about 5.4 on the two shared cores): reference playbook 31.5 → **28.2** ms "
        "wall, 18.0 → **14.6** ms CPU; the bench's 500-rule draft 27.4 → **23.9** ms wall, 15.9 → **13.2** ms CPU "
        "(`A1_OLD=<a checkout of a09e474> .venv/bin/python -m pytest tests/questionnaire/measure_autosave_ab.py "
        "-q -s`); the next `make bench` gives the figure against the baseline. What remains of autosave over the "
        "baseline: the page's four queries (session, user, memberships, the assessment), its read and write, the "
        "timeline line's five statements after the commit (a second transaction, by the events' after-commit "
        "contract), and the fragments it renders (status, stamp, progress, the section list, and any question "
        "whose visibility changed). (7) Later, the list of steps, the costliest of those fragments in Python (about "
        "0.22–0.27 ms of the 0.33 ms its four took, rendered in-process), is written from titles escaped once per "
        "compiled playbook and the step URL reversed once a call (`apps/questionnaire/section_list.py`, "
        "`{% step_list %}`), byte for byte the template partial's (`tests/questionnaire/test_section_list.py` "
        "renders the old partial for every section state and compares); against the old partial, alternating "
        "request by request in one process, 300 autosaves a side, medians: reference playbook 6.06 → **5.71** ms "
        "CPU (8.11 → 7.75 ms wall), the 500-rule draft 6.13 → **5.87** ms CPU (8.23 → 8.02 ms wall) "
        "(`.venv/bin/python -m pytest tests/questionnaire/measure_autosave_fragments.py -q -s`). "
        "(8) After that, an autosave's timeline line is one statement instead of a transaction of five "
        "(`apps/discussion/sitting.py`): it reads the assessment's latest line and, when that line is still this "
        "person's answers line of the sitting (`ANSWERS_SITTING`), adds the save's count to it (its time the "
        "later of the line's and the save's), the sentence rebuilt in SQL exactly as "
        "`events.answers_changed_summary` writes it (a second home of that rule, held to it by a property test "
        "over any email, title and count) (the title shortened the same way, Python's whitespace for `rstrip` "
        "passed to `rtrim`); the count is read from the line's own text in the UPDATE, so a second save that "
        "waits for the first's row lock adds its count to the row the first left (tested with two connections, "
        "the second seen waiting for the lock). When the latest line is not one to gather into (none, another "
        "kind, a colleague's, older than the sitting) the same statement inserts a new line; in the rare case it "
        'leaves (a line whose count it does not read, e.g. an email containing " changed ", or a line a '
        "concurrent save changed), it writes nothing and the locked path decides as before. "
        "`set_config('synchronous_commit', 'off', true)` in that statement holds for its implicit transaction, "
        "and PostgreSQL decides a commit's wait by the setting in effect when it commits, so the line still does "
        "not wait for the disk: on the embedded PostgreSQL 18, 200 single-statement inserts made 200 WAL fsyncs "
        "plain and 0 with the setting in the statement (`pg_stat_io`, client backends), and "
        "`tests/discussion/test_sitting.py` checks it with the backend's own WAL fsync count; inside a caller's "
        "transaction the setting is left alone. The session's user is read by a prepared query "
        "(`apps/accounts/backends.py`: the SQL of `ModelBackend.get_user`'s `get`, compiled once per process). An "
        "autosave served goes from 11 statements (the page's 4; read and write; BEGIN, SET LOCAL, SELECT ... FOR "
        "UPDATE, UPDATE, COMMIT) to 7 (the page's 4; read and write; the line), no transaction opened, the same "
        "response byte for byte (the stamp aside). Against the code before (235a78f), old and new alternating "
        "request by request in one process, 300 autosaves a side, medians of two runs in turn (1-minute load "
        "average 1.5–2.4 on the two shared cores, which the absolute figures follow): reference playbook 13.12 → "
        "**10.90** and 8.33 → **6.84** ms wall, 9.47 → **7.11** and 6.12 → **4.47** ms CPU; the bench's 500-rule "
        "draft 13.07 → **10.81** and 11.73 → **9.67** ms wall, 9.24 → **6.86** and 8.53 → **6.11** ms CPU, about "
        "2 ms less a save either way (`A1_OLD=<a checkout of 235a78f> A1_N=300 .venv/bin/python -m pytest "
        "tests/questionnaire/measure_autosave_ab.py -q -s`); of that, the prepared user query alone, against "
        "9397d2e, 6.28 → 5.97 ms CPU (reference) and 8.02 → 7.45 ms CPU (500 rules). The next `make bench` gives "
        "the figures against the baseline. (9) The session is read by the product's own store "
        "(`apps/accounts/sessions.py`, `SESSION_ENGINE`): Django's database store with its read as one statement "
        "written once per process, the same SELECT by key and expiry, routed as before, and the key forgotten "
        "when no live session is found, as Django's does (`tests/accounts/test_sessions.py` compares the two "
        "stores on live, expired, unknown and deleted sessions). Measured in one process, the two stores' "
        "`load()` (the read and the decode) alternating 2,000 times each on the same live session: 621 → **209** "
        "µs CPU median with other work on both cores (`.venv/bin/python -m pytest "
        "tests/accounts/measure_session_read.py -q -s`); this is on every signed-in request, the baseline view's "
        "included (its clients are signed in, and `SessionLifetimeMiddleware` reads the session on every "
        "request), so it lowers the floor the targets are multiples of as much as the pages (in the `make bench` "
        "of 2026-12-01 21:18 UTC the baseline was 2.0 ms at 1 client against 2.7 in the run before; autosave 7.5 "
        "→ 7.2 ms, the step page 6.4 → 6.4 ms). What remains: the seven statements' round trips (session, user, "
        "memberships, assessment, the draft's read and write, the line), and the fragments rendered.",
        "",
    ]


def api_beside_pages(requests: dict[str, Any]) -> list[str]:
    out = []
    for clients, level in requests.items():
        base = (level["baseline"]["median_ms"] + level["baseline_after"]["median_ms"]) / 2
        for api, page, label in (
            ("api_get", "result", "GET a recommendation"),
            ("api_answers", "autosave", "PUT an answer"),
        ):
            if api in level and page in level:
                a, p = level[api]["median_ms"], level[page]["median_ms"]
                out.append(
                    f"{clients} client{'s' if clients != '1' else ''}, API {label} {a / base:.1f}x "
                    f"against the {page} page's {p / base:.1f}x"
                )
    return out or ["not measured in this run"]


def scale(r: dict[str, Any]) -> list[str]:
    s, pages = r["scale"], r["scale_pages"]
    load = s.get("load")
    if load:
        loaded = (
            f"Loaded in this run: {load['rows']:,} recommendations and as many assessments in "
            f"{load['copy_s']:.1f} s of COPY ({load['rows_per_s']:,.0f} rows a second, "
            f"{load['recommendations_per_s']:,.0f} recommendations a second), the portfolio counts rebuilt "
            f"from them in {load.get('portfolio_counts_s', 0):.1f} s (the load runs with triggers off), then "
            f"VACUUM ANALYZE in {load['vacuum_analyze_s']:.1f} s; foreign keys checked afterwards: "
            f"{load['orphans']['recommendations_without_assessment']} recommendations without an assessment, "
            f"{load['orphans']['assessments_without_organisation']} assessments without an organisation."
        )
    else:
        loaded = (
            f"Reused: the bench database already held exactly {s['found']:,} scale recommendations "
            "(`BENCH_RELOAD=1` or deleting `.data/bench` loads them again)."
        )
        last = s.get("last_load")
        if last:
            loaded += (
                f" The last load ({last['at']}) took {last['copy_s']:.1f} s of COPY for {last['rows']:,} "
                f"recommendations and as many assessments ({last['rows_per_s']:,.0f} rows a second), then "
                f"VACUUM ANALYZE {last['vacuum_analyze_s']:.1f} s."
            )
    rows = [
        [name, p["queries"], _ms(p["median_ms"]), _ms(p["p95_ms"]),
         _ms(sum(pl["execution_ms"] or 0 for pl in p["plans"])),
         ", ".join(sorted({i for pl in p["plans"] for i in pl["indexes"]})) or "—",
         "yes" if any(pl["seq_scan_on_recommendations"] for pl in p["plans"]) else "no"]
        for name, p in pages["pages"].items()
    ]  # fmt: skip
    out = [
        "## A million recommendations",
        "",
        f"`bench/scale.py` fills the bench database with {s['target']:,} recommendations and their submitted "
        f"assessments across {s['sizes']['organisations']:,} organisations: the largest holds "
        f"{s['sizes']['largest']:,}, the others about {s['sizes']['typical']:,} each. {loaded}",
        "",
        "Triggers on the loaded tables: "
        + ("; ".join(s["triggers"]["own"]) or "none of the project's own")
        + f", and {s['triggers']['foreign_key_checks_on_insert']} foreign-key checks on insert. No audit "
        "(pghistory) trigger is on either table and the immutability trigger fires on UPDATE only, so COPY "
        "fires nothing but the foreign-key checks; the load sets `session_replication_role = replica` to skip "
        "those per row (fine for the bench's own database, never for a live one) and checks the keys once "
        "afterwards, as above.",
        "",
        f"Server-side times: each page through Django's test client in-process (middleware, session, view, "
        f"template; no network), {pages['repeats']} times after a warm-up, signed in as a member of the "
        "organisation. Times in ms.",
        "",
        *_table(
            [
                "page",
                "queries",
                "median",
                "p95",
                "of which recommendations queries (EXPLAIN ANALYZE)",
                "indexes used",
                "seq scan on recommendations",
            ],
            rows,
        ),  # fmt: skip
        "",
        "Reading the times: where the recommendations queries take a small part of the page's time, the rest "
        "is Python (session, membership, the filter form's three catalogue queries, the template) competing "
        "for the two cores with the database and whatever else runs on the machine (see the load average "
        "above); where they take most of it, it is the database: a history filter the portfolio's counts cannot "
        "answer (dates, sign-off, two at once) counts every matching index entry of the organisation (150,000 for "
        "the largest with no filter), in the page's own query since 2026-12-04 (`COUNT(*) OVER ()` beside the "
        "page's ids, where a separate `COUNT(*)` ran the same scans again), and the regime filter combines the "
        "regimes GIN index, which covers all organisations, with the organisation's index, which is why all four "
        "filters together is the slowest history view.",
        "",
        "The portfolio reads `PortfolioCount`: counts per organisation, month, dimension (verdict, top model, "
        "function, regime) and key, kept by statement-level triggers on every insert and delete of a "
        "recommendation (a bulk insert is counted in one statement), so its one counts query reads one row per "
        "month, dimension and key (a few thousand for the largest organisation) and gives back one per dimension "
        "and key, with its months in the chart's window as arrays. Before it, five aggregates read all of the "
        "organisation's rows (p95 491 ms at 150,000, in `bench/scale_before.json`).",
        "",
        "Changes made here: the date filter compares `created_at` with the start of each day in the current "
        "time zone instead of `created_at::date` (which no index serves), and history pages fetch the "
        "page's ids first (an index-only scan of `rec_org_created_idx`) and then the rows by id, in the same "
        "single query (`filters.HistoryPaginator`), so page 5,000 no longer reads 125,000 rows from the table. "
        "Where the portfolio's counts answer the filter (none, or one of verdict, model, function or regime), the "
        "paginator also knows how many recommendations each month holds and starts a page's scan in the month it "
        "begins in (`created_at` before the start of the month after), so page 5,000 skips one month's index "
        "entries (about 4,000) instead of 125,000.",
        "",
        "<details><summary>Query plans (EXPLAIN (ANALYZE, BUFFERS)) of every query on the recommendations "
        "table</summary>",
        "",
    ]
    for name, p in pages["pages"].items():
        out += [f"### {name}", ""]
        for pl in p["plans"]:
            out += ["```", pl["sql"][:600] + (" …" if len(pl["sql"]) > 600 else ""), "", pl["plan"], "```", ""]
    out += ["</details>", ""]
    return out


def throughput(r: dict[str, Any]) -> list[str]:
    a, s = r["throughput"]["assessments"], r["throughput"]["autosaves"]
    before = json.loads((HERE / "requests_before.json").read_text())["throughput"]
    return [
        "## Throughput",
        "",
        f"Closed loop, no think time, {a['threads']} client threads (`bench/throughput.py`).",
        "",
        f"- Whole assessments (start, {a['answers_per_assessment']:.0f} autosaved answers on average, submit on "
        f"the {r['playbook']['rules']}-rule playbook, result page): **{a['per_minute']:.0f} a minute**, "
        f"{a['completed']} completed in {a['seconds']:.0f} s, **{a['errors']} errors**; one assessment took "
        f"{_ms(a['assessment']['median_ms'])} ms median end to end.",
        f"- Autosaves: **{s['per_second']:.0f} a second**, {s['autosaves']:,} in {s['seconds']:.0f} s, "
        f"**{s['errors']} errors**; latency {_ms(s['latency']['median_ms'])} ms median, "
        f"{_ms(s['latency']['p95_ms'])} ms p95 under that load.",
        f"- Before the request-path changes (same bench at the commit named above): "
        f"{before['assessments']['per_minute']:.0f} assessments a minute and "
        f"{before['autosaves']['per_second']:.0f} autosaves a second, "
        f"{before['assessments']['errors'] + before['autosaves']['errors']} errors.",
        "",
    ]


def profiles(r: dict[str, Any]) -> list[str]:
    prof = r.get("profiles", {})
    out = ["## Where the request time goes", ""]
    if "skipped" in prof:
        return [*out, f"Profiling skipped: {prof['skipped']}.", ""]
    out.append(
        "In-process pyinstrument profiles (`bench/profile_pages.py`; the step page and autosave 20 times each, "
        "one submit), the frames with the most time of their own first, in seconds:"
    )
    out.append("")
    for name, frames in prof.items():
        out += [f"**{name}**", "", "```", *frames, "```", ""]
    return out
