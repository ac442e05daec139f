"""The reference playbook's words reach buyers as they are (a rule's name and reason in the result's "Why", its risks
and conditions), so they speak of the product's advice, not of its internals: no text names a rule by its code."""

from __future__ import annotations

import json
import re
from pathlib import Path

REFERENCE = Path(__file__).resolve().parents[2] / "apps" / "playbooks" / "reference" / "playbook.json"


def test_no_rule_text_names_a_rule_by_its_code() -> None:
    rules = json.loads(REFERENCE.read_text())["rules"]
    codes = {r["code"] for r in rules if "-" in r["code"]}  # a code of one word ("attrition") is a plain word too
    # One pattern for every code (the longest first), not one search per code and text: the same matches.
    any_code = re.compile(
        rf"(?<![\w-])({'|'.join(re.escape(c) for c in sorted(codes, key=len, reverse=True))})(?![\w-])"
    )
    named = []
    for rule in rules:
        texts = [rule["name"], rule["rationale"]]
        texts += [str(e.get(key, "")) for e in rule["effects"] for key in ("text", "mitigation")]
        for text in texts:
            named += [(rule["code"], c) for c in any_code.findall(text)]
    assert named == []
