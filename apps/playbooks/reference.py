"""The reference playbook: imported and published on a fresh database, and a newer one published over an
earlier reference nobody worked on; never over a curator's work. Newer means either of the two files a reference
publication takes as they ship: the playbook, or the cost assumptions it freezes (``cost_assumptions.json``, which
no one edits in admin), so a release that changes only a cost figure reaches the buyers who start after it."""

from __future__ import annotations

import json
from pathlib import Path

from apps.common.models import digest
from apps.common.reference import Report
from apps.engagements.reference import cost_assumptions
from apps.playbooks.models import Playbook
from apps.playbooks.services import import_playbook, publish_playbook

DATA_FILE = Path(__file__).parent / "reference" / "playbook.json"


def load(report: Report) -> None:
    section = report.section("Reference playbook")
    data = json.loads(DATA_FILE.read_text())
    ref_digest = digest({"playbook": data, "cost_assumptions": cost_assumptions()})
    if Playbook.objects.filter(reference_digest=ref_digest).exists():
        section.unchanged += 1
        return
    if Playbook.objects.filter(reference_digest="").exists():  # a curator drafted or published their own
        section.kept_edits.append(
            (
                "playbook",
                [
                    "a newer reference playbook ships with this release; import it with "
                    "`manage.py import_playbook apps/playbooks/reference/playbook.json` to review it as a draft"
                ],
            )
        )
        return
    earlier = Playbook.objects.current()
    draft = import_playbook(data=data)
    Playbook.objects.filter(pk=draft.pk).update(reference_digest=ref_digest)
    published = publish_playbook(playbook=draft)
    if earlier is None:
        section.created.append(f"v{published.version}")
    else:  # only earlier references are stored: new assessments start on this one, begun ones keep theirs
        section.updated.append(f"v{published.version}")
