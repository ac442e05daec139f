"""manage.py check_sources: clean on the reference data, and failing on each kind of bad source."""

from __future__ import annotations

from collections.abc import Callable
from io import StringIO

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from apps.common.models import SourceHost
from apps.common.sources import _RESEARCH_NOTES, copy_host_reason, has_pinpoint, research_notes
from apps.compliance.models import Obligation, Regime
from apps.engagements.models import KnowledgeFunction
from tests.factories import KnowledgeFunctionFactory, ObligationFactory, RegimeFactory

pytestmark = pytest.mark.django_db
GOOD = [
    {
        "title": "45 CFR 164.504(e): business associate contracts",
        "url": "https://www.ecfr.gov/current/title-45/section-164.504",
    }
]


def check() -> tuple[int, str]:
    out = StringIO()
    try:
        call_command("check_sources", stdout=out, stderr=StringIO())
    except SystemExit as exc:
        return int(exc.code or 0), out.getvalue()
    return 0, out.getvalue()


@pytest.fixture
def clean_catalogue() -> Obligation:
    """One regime, one obligation and one function whose sources a reviewer would accept."""
    SourceHost.objects.create(host="ecfr.gov", publisher="eCFR", kind=SourceHost.Kind.OFFICIAL)
    SourceHost.objects.create(host="github.com", publisher="put on the list by mistake", kind=SourceHost.Kind.SECONDARY)
    regime = RegimeFactory(code="hipaa", sources=GOOD)
    KnowledgeFunctionFactory(
        code="actuarial",
        sources=[
            {**GOOD[0], "title": "45 CFR 160.103: business associate", "figures": ["kpo_rate"]},
            {**GOOD[0], "title": "45 CFR 160.103: definitions", "figures": ["inhouse_us"]},
        ],
    )
    return ObligationFactory(regime=regime, citation="45 CFR 164.504(e)(2)", source_url=GOOD[0]["url"])


def test_the_reference_data_passes(capsys: pytest.CaptureFixture[str]) -> None:
    call_command("load_reference_data", stdout=StringIO())
    code, out = check()
    assert (code, out.strip()) == (0, "Sources: no problems found.")


def test_a_clean_catalogue_passes(clean_catalogue: Obligation) -> None:
    assert check() == (0, "Sources: no problems found.\n")


def _regime_source(url: str) -> Callable[[Obligation], None]:
    def spoil(o: Obligation) -> None:
        Regime.objects.filter(pk=o.regime_id).update(sources=[{"title": "45 CFR 164.504", "url": url}])

    return spoil


BAD = {
    "a host off the allow-list": (
        _regime_source("https://www.brickergraydon.com/insights/hipaa-164-502-e"),
        "brickergraydon.com is not on the allow-list",
    ),
    "a code-hosting copy, even when listed": (
        _regime_source("https://github.com/Zedtreeo/zedtreeo-website/blob/main/bpo-services.html"),
        "github.com is a code-hosting page",
    ),
    "a staging host": (
        _regime_source("https://isg-stg.sitefinity.cloud/research/articles/full-article/kpo"),
        "isg-stg.sitefinity.cloud is a staging or preview host",
    ),
    "a marketplace page": (
        _regime_source("https://thomasmoreai.com/marketplace/united-states/healthcare/skills/hipaa-baa-management"),
        "thomasmoreai.com is a marketplace page",
    ),
    "a mirror of the official text": (
        lambda o: Obligation.objects.filter(pk=o.pk).update(source_url="https://self-law.org/code/us/cfr/t17/242.501"),
        "self-law.org is a copy of the official text",
    ),
    "an obligation citation without a pinpoint": (
        lambda o: Obligation.objects.filter(pk=o.pk).update(citation="HIPAA minimum-necessary standard"),
        "the citation “HIPAA minimum-necessary standard” names no article, section or paragraph",
    ),
    "a legal source title without a pinpoint": (
        lambda o: Regime.objects.filter(pk=o.regime_id).update(
            sources=[{"title": "The HIPAA rules", "url": GOOD[0]["url"]}]
        ),
        "“The HIPAA rules” links a legal text but names no article",
    ),
    "figures sharing the function's whole source list": (
        lambda o: KnowledgeFunction.objects.filter(code="actuarial").update(sources=GOOD + GOOD),
        "In-house US hourly cost (inhouse_us) is not named by one source of its own",
    ),
    "a figure named by every source": (
        lambda o: KnowledgeFunction.objects.filter(code="actuarial").update(
            sources=[{**GOOD[0], "figures": ["kpo_rate", "inhouse_us"]}, {**GOOD[0], "figures": ["kpo_rate"]}]
        ),
        "KPO hourly rate (kpo_rate) is not named by one source of its own",
    ),
    "a research note in buyer-facing text": (
        lambda o: Regime.objects.filter(pk=o.regime_id).update(confidence_note="Figures from crawl C of the page."),
        "confidence note says “crawl C”",
    ),
    "a research note in a source note": (
        lambda o: Regime.objects.filter(pk=o.regime_id).update(
            sources=[{**GOOD[0], "note": "Section 'Models' (copies A and B of the page)."}]
        ),
        "its note says “copies A and B of the page”",
    ),
}


@pytest.mark.parametrize("kind", list(BAD))
def test_check_sources_fails_on(kind: str, clean_catalogue: Obligation) -> None:
    spoil, message = BAD[kind]
    spoil(clean_catalogue)
    code, out = check()
    assert code == 1
    assert message in out


def test_a_research_note_in_a_playbook_rationale_fails(playbook: object) -> None:
    from apps.playbooks.models import Rule

    assert check()[0] == 0
    Rule.objects.filter(pk=Rule.objects.first().pk).update(  # type: ignore[union-attr]
        rationale="Model 3 is named but its text stops at 'Client draws f...'."
    )
    code, out = check()
    assert code == 1 and "rationale says “text stops at”" in out


@pytest.mark.parametrize(
    "citation", ["GDPR Art. 28(3)", "45 CFR 164.504(e)(2)", "EBA/GL/2019/02 para. 75", "SYSC 8.1.8R", "26 U.S.C. 7216",
                 "SRA Code of Conduct for Firms para. 2.3", "88 FR 37920, section C.3", "Treas. Reg. 301.7216-3(b)(4)",
                 "SI 2023/1028, regs. 1 and 3", "Art. L. 511-33 I, third paragraph, 6° CMF", "Art. R. 382-4",
                 "SR 11-7 / OCC Bulletin 2011-12, section V (Model Validation)"],
)  # fmt: skip
def test_pinpointed_citations_pass(citation: str) -> None:
    assert has_pinpoint(citation)


@pytest.mark.parametrize(
    "citation",
    [
        "HIPAA minimum-necessary standard",
        "MSA security schedule",
        "AICPA SOC 2 (Type II)",
        "The Data Protection (Adequacy) (United States of America) Regulations 2023",
        "SR 11-7, the section in the guidance on validation",
        "SR 11-7 / OCC Bulletin 2011-12 (Model Validation)",
    ],
)
def test_citations_without_a_provision_fail(citation: str) -> None:
    assert not has_pinpoint(citation)


def test_official_hosts_are_not_mistaken_for_copies() -> None:
    for url in (
        "https://www.ecfr.gov/current/title-45/section-164.504",
        "https://eur-lex.europa.eu/eli/reg/2022/2554/oj",
        "https://www.handbook.fca.org.uk/handbook/SYSC/8/1.html",
        "https://www.bankofengland.co.uk/prudential-regulation",
    ):
        assert copy_host_reason(url) == "", url
    assert research_notes("Figures from the BLS OEWS May 2024 table; verify before relying on them.") == []


def test_curators_see_the_findings_in_admin_and_fix_a_host(clean_catalogue: Obligation, curator_client: Client) -> None:
    _regime_source("https://www.mwe.com/insights/offshoring")(clean_catalogue)
    page = curator_client.get(reverse("admin:common_sourcehost_check"))
    assert page.status_code == 200
    assert "mwe.com is not on the allow-list" in page.content.decode()
    added = curator_client.post(
        reverse("admin:common_sourcehost_add"),
        {"host": "mwe.com", "publisher": "McDermott Will & Emery", "kind": "secondary", "note": "Practice guidance."},
    )
    assert added.status_code == 302
    assert "No problems found" in curator_client.get(reverse("admin:common_sourcehost_check")).content.decode()
    assert check()[0] == 0


def test_a_host_with_a_path_is_refused_in_admin(curator_client: Client) -> None:
    response = curator_client.post(
        reverse("admin:common_sourcehost_add"), {"host": "https://www.mwe.com/x", "publisher": "x", "kind": "secondary"}
    )
    assert response.status_code == 200 and "A host name in lower case" in response.content.decode()
    assert not SourceHost.objects.exists()


def test_buyers_cannot_open_the_source_check(buyer_client: Client) -> None:
    assert buyer_client.get(reverse("admin:common_sourcehost_check")).status_code == 302


@pytest.mark.parametrize(
    "note",
    [
        "Figures from Crawl C.",
        "Taken from copies A and B of the article.",
        "The TEXT stops  at clause 4.",
        "The cost table by function was lost.",
        "See the lost article table.",
        "Rates (proxy figures).",
        "Quoted from memory; as I remember it.",
        "The page lost its figures.",
        "The schedule is CUT OFF after row 3.",
        "The ſtatute's text ſtops at s.4 (long s, which a case-blind search reads as s).",
    ],
)
def test_each_kind_of_research_note_is_found_in_any_case(note: str) -> None:
    assert research_notes(f"<p>Ordinary words about the table of the page.</p> {note} More words.") != []


# Whole notes, their parts and look-alikes, in any case, run together or apart.
_PIECES = st.sampled_from([
    "crawl C", "copy A of the page", "copies A and B of the article", "text stops at", "table was lost",
    "lost table", "(proxy figure)", ", proxy figures", "quoted from memory", "from background knowledge",
    "as I remember it", "lost its figures", "is cut off", "cut off after", "crawl", "copy", "lost", "table", "of the",
    "stops", "ſtops", "\u212a", "İ", " ", "\n", ",", ".", "x",
])  # fmt: skip
_CASED = st.tuples(_PIECES, st.sampled_from([str, str.upper, str.title, str.swapcase])).map(lambda p: p[1](p[0]))


@given(st.lists(_CASED, max_size=8).map("".join))
def test_looking_for_words_first_never_misses_a_note(text: str) -> None:
    plain = [m.group(0) for _, pattern in _RESEARCH_NOTES if (m := pattern.search(text))]
    assert research_notes(text) == plain
