"""A client that read an assessment before someone else changed it does not overwrite their answers unknowingly: a GET
gives the assessment's version as its ETag, and a change sent with that version in If-Match is refused with a 412,
nothing written, once the assessment has moved on. Without If-Match a change goes ahead, as before."""

from __future__ import annotations

import pytest

from apps.accounts.models import Organisation, User
from apps.playbooks.models import Playbook
from apps.questionnaire.models import Answer, Assessment
from apps.recommendations.models import Recommendation
from tests.api.conftest import ApiClient
from tests.api.test_api import COMPLETE

pytestmark = pytest.mark.django_db


def _draft(organisation: Organisation, user: User, playbook: Playbook, **answers: object) -> Assessment:
    a = Assessment.objects.create(organisation=organisation, created_by=user, title="Draft", playbook=playbook)
    Answer.objects.bulk_create(
        Answer(organisation_id=a.organisation_id, assessment=a, question_code=c, value=v) for c, v in answers.items()
    )
    return a


def _stored(a: Assessment) -> dict[str, object]:
    return dict(Answer.objects.filter(assessment=a).values_list("question_code", "value"))


def test_a_change_sent_with_a_version_someone_has_since_changed_is_refused_with_412(
    api: ApiClient, organisation: Organisation, buyer: User, playbook: Playbook
) -> None:
    given = {k: v for k, v in COMPLETE.items() if k != "hours"}
    a = _draft(organisation, buyer, playbook, **given)
    read = api.get(f"/assessments/{a.pk}")
    tag = read["ETag"]
    assert read.status_code == 200 and tag.startswith(f'"{a.pk}-') and tag.endswith('"')
    assert api.get(f"/assessments/{a.pk}")["ETag"] == tag  # reading changes nothing
    # Sent with the version read: saved, and the version moves on.
    saved = api.put(f"/assessments/{a.pk}/answers/hours", {"value": 4000}, **{"If-Match": tag})
    assert saved.status_code == 200, saved.content
    now = api.get(f"/assessments/{a.pk}")["ETag"]
    assert now != tag
    # A second client still holding the first version: refused, nothing written, and told the version to read.
    for path, body in (
        (f"/assessments/{a.pk}/answers/hours", {"value": 10}),
        (f"/assessments/{a.pk}/answers", {"answers": {"hours": 10}}),
    ):
        stale = api.put(path, body, **{"If-Match": tag})
        assert stale.status_code == 412, stale.content
        assert stale["Content-Type"] == "application/problem+json"
        assert (
            "changed since you read it, so nothing was saved" in stale.json()["detail"]
            and now in stale.json()["detail"]
        )
        assert _stored(a) == {**given, "hours": 4000}
    # A weak tag never matches, and "*" only alone (RFC 9110 13.1.1): refused, nothing written.
    current = api.get(f"/assessments/{a.pk}")["ETag"]
    for header in (f"W/{current}", '"x", *'):
        refused = api.put(f"/assessments/{a.pk}/answers/hours", {"value": 7}, **{"If-Match": header})
        assert refused.status_code == 412, header
    assert _stored(a)["hours"] == 4000
    # The current version, in a list or alone, any version (*), or none at all: saved.
    for form in ("{}", '"x", {}', "*", None):
        current = api.get(f"/assessments/{a.pk}")["ETag"]
        headers = {} if form is None else {"If-Match": form.format(current)}
        assert api.put(f"/assessments/{a.pk}/answers/hours", {"value": 5000}, **headers).status_code == 200, headers
    assert _stored(a)["hours"] == 5000


def test_submit_with_a_stale_version_is_refused_and_once_submitted_answers_the_same_recommendation(
    api: ApiClient, organisation: Organisation, buyer: User, playbook: Playbook
) -> None:
    a = _draft(organisation, buyer, playbook, **COMPLETE)
    tag = api.get(f"/assessments/{a.pk}")["ETag"]
    assert api.put(f"/assessments/{a.pk}/answers/hours", {"value": 4500}).status_code == 200  # a colleague's change
    stale = api.post(f"/assessments/{a.pk}/submit", **{"If-Match": tag})
    assert stale.status_code == 412 and not Recommendation.objects.exists()
    current = api.get(f"/assessments/{a.pk}")["ETag"]
    first = api.post(f"/assessments/{a.pk}/submit", **{"If-Match": current})
    assert first.status_code == 200, first.content
    # Sent again with the version it was submitted from (a retry after a lost answer): the same recommendation.
    again = api.post(f"/assessments/{a.pk}/submit", **{"If-Match": current})
    assert again.status_code == 200 and again.json()["recommendation_id"] == first.json()["recommendation_id"]


@pytest.mark.parametrize("bulk", [False, True])
def test_the_version_is_checked_under_the_row_lock_not_against_the_copy_read_at_the_start(
    api: ApiClient,
    organisation: Organisation,
    buyer: User,
    playbook: Playbook,
    monkeypatch: pytest.MonkeyPatch,
    bulk: bool,
) -> None:
    """Review 49: of eight changes sent at once with the same tag, most were saved, each overwriting the last: the tag
    was compared with the assessment as the request had read it, before another change landed. Here the other change
    lands just after the request's read: it must be refused, nothing of it written."""
    from apps.api import api as api_module
    from apps.questionnaire import services as questionnaire

    a = _draft(organisation, buyer, playbook, **{k: v for k, v in COMPLETE.items() if k != "hours"})
    tag = api.get(f"/assessments/{a.pk}")["ETag"]
    read = api_module._assessment

    def read_then_a_colleague_saves(request: object, pk: int) -> Assessment:
        stale = read(request, pk)  # type: ignore[arg-type]
        fresh = Assessment.objects.select_related("playbook").get(pk=pk)
        questionnaire.record_answers(assessment=fresh, values={"hours": 3000}, user=buyer)
        return stale

    monkeypatch.setattr(api_module, "_assessment", read_then_a_colleague_saves)
    path, body = (
        (f"/assessments/{a.pk}/answers", {"answers": {"hours": 10}})
        if bulk
        else (f"/assessments/{a.pk}/answers/hours", {"value": 10})
    )
    late = api.put(path, body, **{"If-Match": tag})
    assert late.status_code == 412, late.content
    assert _stored(a)["hours"] == 3000  # the colleague's, not overwritten
    submitted = api.post(f"/assessments/{a.pk}/submit", **{"If-Match": api.get(f"/assessments/{a.pk}")["ETag"]})
    assert submitted.status_code == 412 and not Recommendation.objects.exists()  # the same for a submit
