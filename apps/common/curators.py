"""The curator group: exactly the model permissions curators need, and nothing else.

Curators edit the catalogue, the playbooks (and their parts) and the vendor directory, and read the audit trail
of those. They see no buyer data: no users, organisations, members, assessments, answers or recommendations (the
impact preview, which they do use, shows only counts and examples by knowledge function).
Kept in step by `load_reference_data`, so a new deployment and an upgraded one agree.
"""

from __future__ import annotations

from django.contrib.auth.models import Group, Permission
from django.db.models import Q

from apps.common.reference import Report

GROUP = "Curators"
EDIT = ("add", "change", "delete", "view")
CURATED = {
    "engagements": ("engagementmodel", "knowledgefunction", "deliverylocation"),
    "compliance": ("regime", "obligation", "guidance"),
    "playbooks": ("playbook", "section", "question", "option", "rule", "condition", "effect", "goldencase"),
    "vendors": ("vendor", "vendorfunction"),
    "common": ("sourcehost",),  # the allow-list manage.py check_sources reads
}
READ_ONLY = {"pghistory": ("events",)}


def curator_permissions() -> list[Permission]:
    wanted = Q(pk__in=[])
    for app, models in CURATED.items():
        wanted |= Q(content_type__app_label=app, codename__in=[f"{a}_{m}" for m in models for a in EDIT])
    for app, models in READ_ONLY.items():
        wanted |= Q(content_type__app_label=app, codename__in=[f"view_{m}" for m in models])
    return list(Permission.objects.filter(wanted))


def ensure_curator_group() -> Group:
    group, _ = Group.objects.get_or_create(name=GROUP)
    group.permissions.set(curator_permissions())
    return group


def load(report: Report) -> None:
    section = report.section("Curator group")
    existed = Group.objects.filter(name=GROUP).exists()
    ensure_curator_group()
    if existed:
        section.unchanged += 1
    else:
        section.created.append(GROUP)
