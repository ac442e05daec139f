"""Each compiled template keeps what a search of its nodes found (``apps.common.template_loader``): a page
extending the base template no longer walks the base's whole node tree for its blocks on every render."""

from __future__ import annotations

from typing import Any

import pytest
from django.template import engines
from django.template.base import NodeList
from django.template.loader_tags import BlockNode
from django.test import Client
from django.urls import reverse

from apps.common.template_loader import KeptNodeList


def _walks(monkeypatch: pytest.MonkeyPatch) -> list[type[Any]]:
    asked: list[type[Any]] = []
    walk = NodeList.get_nodes_by_type

    def counted(self: NodeList, nodetype: type[Any]) -> list[Any]:
        if type(self) is KeptNodeList:
            asked.append(nodetype)
        return walk(self, nodetype)

    monkeypatch.setattr(NodeList, "get_nodes_by_type", counted)
    return asked


def test_the_base_templates_blocks_are_found_once_and_each_caller_gets_its_own_list(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    engine = engines["django"].engine
    base = engine.get_template("base.html")
    assert engine.get_template("base.html") is base
    assert isinstance(base.nodelist, KeptNodeList)
    base.nodelist.__dict__.pop("_kept", None)  # as compiled: nothing found yet
    asked = _walks(monkeypatch)

    first = base.nodelist.get_nodes_by_type(BlockNode)
    second = base.nodelist.get_nodes_by_type(BlockNode)

    assert asked == [BlockNode]
    assert first == second and first is not second
    assert {n.name for n in first} >= {"content", "title"}


@pytest.mark.django_db
def test_a_page_extending_the_base_renders_its_blocks_and_the_next_render_does_not_walk_the_base(
    client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    client.get(reverse("accounts:login"))  # compiled and searched once
    asked = _walks(monkeypatch)

    page = client.get(reverse("accounts:login")).content.decode()

    assert asked == []
    assert "<title>" in page and 'name="password"' in page
