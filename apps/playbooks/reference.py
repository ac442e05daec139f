"""The reference playbook: imported and published on a fresh database, and a newer one published over an
earlier reference nobody worked on; never over a curator's work. Newer means any of the files a reference
publication takes as they ship: the playbook, the cost assumptions it freezes (``cost_assumptions.json``, which no
one edits in admin) or the catalogue files (``CATALOGUE_FILES``), so a release that changes only a cost figure
reaches the buyers who start after it."""

from __future__ import annotations

import json
from pathlib import Path

from apps.common.models import digest
from apps.common.reference import Report
from apps.engagements.reference import cost_assumptions
from apps.playbooks.models import Playbook
from apps.playbooks.services import import_playbook, publish_playbook

DATA_FILE = Path(__file__).parent / "reference" / "playbook.json"


# The catalogue files a publication freezes beside the playbook (the functions' rates, the locations, the regimes and
# their obligations, the memo's guidance), loaded before it: a release that changes only one of them reaches the
# buyers who start after it too (before, a function's rate changed alone stayed out of the published catalogue).
CATALOGUE_FILES = (
    Path(__file__).parents[1] / "engagements" / "reference" / "engagement_models.json",
    Path(__file__).parents[1] / "engagements" / "reference" / "knowledge_functions.json",
    Path(__file__).parents[1] / "engagements" / "reference" / "delivery_locations.json",
    Path(__file__).parents[1] / "compliance" / "reference" / "regimes.json",
    Path(__file__).parents[1] / "compliance" / "reference" / "guidance.json",
)


def load(report: Report) -> None:
    section = report.section("Reference playbook")
    data = json.loads(DATA_FILE.read_text())
    catalogue = {path.name: json.loads(path.read_text()) for path in CATALOGUE_FILES}
    ref_digest = digest({"playbook": data, "cost_assumptions": cost_assumptions(), "catalogue": catalogue})
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
