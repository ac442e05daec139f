"""Django's cached template loader, with each compiled template's search for its blocks kept.

A page that ``{% extends %}`` the base template has Django look for the base template's ``{% block %}`` nodes on
every render (``ExtendsNode.render``), walking the whole of its node tree, every tag and every nested node list,
each time: about a tenth of the step page's rendering. A compiled template does not change while the cached loader
holds it (a changed file in development empties the cache and compiles a new one), so the answer to each search is
kept on the template's node list the first time it is asked, and later searches get a copy of it.
"""

from __future__ import annotations

from typing import Any

from django.template.base import NodeList, Template
from django.template.loaders import cached


class KeptNodeList(NodeList):
    """A compiled template's top node list that keeps what each ``get_nodes_by_type`` found."""

    def get_nodes_by_type(self, nodetype: type[Any]) -> list[Any]:
        kept: dict[type[Any], tuple[Any, ...]] = self.__dict__.setdefault("_kept", {})
        found = kept.get(nodetype)
        if found is None:
            found = kept[nodetype] = tuple(super().get_nodes_by_type(nodetype))
        return list(found)  # a copy: a caller may extend what it is given


class Loader(cached.Loader):
    def get_template(self, template_name: str, skip: list[Any] | None = None) -> Template:
        template = super().get_template(template_name, skip)
        if not isinstance(template.nodelist, KeptNodeList):
            kept = KeptNodeList(template.nodelist)
            kept.contains_nontext = template.nodelist.contains_nontext
            template.nodelist = kept
        return template
