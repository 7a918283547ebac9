"""The identity graph's drawing, as plain data (Qt-free): boxes for identifiers (:class:`GNode`),
lines for edges (:class:`GEdge`), the whole (:class:`GraphLayout`), and the grid's sizes.
:mod:`inspector.gui.graph_layout` places them, :mod:`inspector.gui.graph_routes` routes the
lines and places their labels."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

NODE_W, NODE_H = 300.0, 46.0
COL_GAP, ROW_GAP = 210.0, 30.0
GROUP_MIN = 7  # this many plain anonymous ids of one user (or more) collapse into a group
PERSON_GAP = 70.0
CORNER = 7.0

USER_KINDS = ("userId", "user")
ANON_KINDS = ("anonymousId", "anon")

Rect = tuple[float, float, float, float]  # x, y, w, h
Measure = Callable[[str], tuple[float, float]]  # label text -> (width, height)


@dataclass(slots=True)
class GNode:
    key: str
    kind: str  # userId | anonymousId | group | toggle | other
    value: str
    col: int = 0
    row: int = 0
    x: float = 0.0
    y: float = 0.0
    w: float = NODE_W
    h: float = NODE_H
    canonical: bool = False
    ghost: bool = False  # belongs to another person (the far end of a blocked edge)
    ident: dict[str, Any] = field(default_factory=dict)
    members: list[str] = field(default_factory=list)  # a group's anonymous ids
    owner: str = ""  # a group's / toggle's user id

    @property
    def rect(self) -> Rect:
        return (self.x, self.y, self.w, self.h)


@dataclass(slots=True)
class GEdge:
    a: str  # node keys: from, to
    b: str
    edges: list[dict[str, Any]]  # the identity edges drawn by this line (a group bundles many)
    verdict: str = "applied"
    path: list[tuple[Any, ...]] = field(default_factory=list)  # ("M"|"L"|"C"|"Q", coords)
    label: str = ""
    label_rect: Rect = (0.0, 0.0, 0.0, 0.0)
    ports: tuple[str, str] = ("R", "L")

    @property
    def call(self) -> str:
        return str(self.edges[0].get("call", "?")) if self.edges else "?"


@dataclass(slots=True)
class GraphLayout:
    nodes: dict[str, GNode] = field(default_factory=dict)
    edges: list[GEdge] = field(default_factory=list)
    width: float = 0.0
    height: float = 0.0

    def boxes(self) -> list[Rect]:
        return [n.rect for n in self.nodes.values()]
