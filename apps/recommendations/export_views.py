"""Large exports: the page that shows the background export's progress and offers the files made, and
their download. Scoped to the member's organisation like every page."""

from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import render
from django.tasks import TaskResultStatus
from django.views.decorators.http import require_safe

from apps.accounts.scoping import HtmxMemberRequest, MemberRequest, get_for_member, member_required
from apps.recommendations import exports
from apps.recommendations.models import ExportFile
from apps.tasks.worker import worker_alive

SHOWN = exports.FILES_KEPT


@require_safe
@member_required()
def export_list(request: HtmxMemberRequest) -> HttpResponse:
    run = exports.last_export_task(organisation=request.organisation)
    files = ExportFile.objects.filter(organisation=request.organisation).defer("content")[:SHOWN]
    working = run is not None and not run.is_finished
    context = {
        "run": run,
        "working": working,
        "failed": run is not None and run.status == TaskResultStatus.FAILED,
        "no_worker": working and run is not None and run.status == TaskResultStatus.READY and not worker_alive(),
        "files": files,
        "inline_rows": exports.INLINE_ROWS,
        "files_kept": exports.FILES_KEPT,
    }
    if request.htmx:
        return render(request, "recommendations/exports.html#status", context)
    return render(request, "recommendations/exports.html", context)


@require_safe
@member_required()
def export_download(request: MemberRequest, pk: int) -> HttpResponse:
    made = get_for_member(request, ExportFile, pk=pk)
    response = HttpResponse(bytes(made.content), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{made.filename}"'
    return response
