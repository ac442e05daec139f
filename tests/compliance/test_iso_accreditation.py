"""An ISO/IEC 27001 certificate is only as good as the body that issued it: the buyer checks that the
certification body is accredited, and the citation names the standard accreditation bodies work to (ISO/IEC
17011, against which the IAF MLA's members are peer-evaluated), not only the certification bodies' own standard
(ISO/IEC 17021-1)."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest

from apps.compliance.models import Obligation
from apps.playbooks.models import Playbook

pytestmark = pytest.mark.django_db


def test_the_accreditation_check_cites_the_accreditation_bodies_standard(reference: Playbook) -> None:
    check = Obligation.objects.get(regime__code="iso27001", code="accredited-body")
    assert check.citation.startswith("ISO/IEC 17011:2017")
    assert "IAF" in check.action and "accreditation body" in check.action
    assert urlsplit(check.source_url).hostname in {"iaf.nu", "www.iso.org"}
