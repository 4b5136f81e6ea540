"""The relationship diagram of one site's configuration items, laid out in three rows: the
services on top, the CPE and circuit they depend on in the middle, the site and the points of
presence at the bottom. Drawn as inline SVG by the template (no script, no CDN)."""

from __future__ import annotations

from dataclasses import dataclass

from .choices import CIKind
from .models import ConfigurationItem, Relationship

ROWS = (
    (CIKind.IP_SERVICE, CIKind.FIREWALL, CIKind.VOICE_TRUNK, CIKind.WIFI),
    (CIKind.CPE, CIKind.CIRCUIT),
    (CIKind.SITE, CIKind.POP),
)
NODE_W, NODE_H, GAP_X, GAP_Y, PAD = 180, 48, 24, 56, 12
STROKES = {
    "operational": "#198754",
    "degraded": "#ffc107",
    "down": "#dc3545",
    "maintenance": "#0dcaf0",
}


@dataclass
class Node:
    item: ConfigurationItem
    x: int
    y: int

    @property
    def stroke(self) -> str:
        return STROKES.get(self.item.operational_status, "#6c757d")

    @property
    def label(self) -> str:
        name = self.item.name
        return name if len(name) <= 24 else name[:23] + "…"


@dataclass
class Edge:
    x1: int
    y1: int
    x2: int
    y2: int
    label: str

    @property
    def mid(self) -> tuple[int, int]:
        return (self.x1 + self.x2) // 2, (self.y1 + self.y2) // 2


@dataclass
class Diagram:
    nodes: list[Node]
    edges: list[Edge]
    width: int
    height: int


def site_diagram(items: list[ConfigurationItem], relationships: list[Relationship]) -> Diagram:
    """Place ``items`` (one site's, plus the POPs its circuits end at) and draw
    ``relationships`` between the placed ones."""
    rows = [[i for i in items if i.kind in kinds] for kinds in ROWS]
    rows = [
        sorted(row, key=lambda i: (ROWS[n].index(i.kind), i.number)) for n, row in enumerate(rows)
    ]
    widest = max((len(row) for row in rows), default=1) or 1
    width = PAD * 2 + widest * NODE_W + (widest - 1) * GAP_X
    placed: dict[int, Node] = {}
    used_rows = [row for row in rows if row]
    for n, row in enumerate(used_rows):
        row_width = len(row) * NODE_W + (len(row) - 1) * GAP_X
        left = (width - row_width) // 2
        for k, item in enumerate(row):
            placed[item.pk] = Node(item, left + k * (NODE_W + GAP_X), PAD + n * (NODE_H + GAP_Y))
    edges = []
    for rel in relationships:
        source, target = placed.get(rel.source_id), placed.get(rel.target_id)
        if source is None or target is None:
            continue
        down = target.y > source.y
        edges.append(
            Edge(
                source.x + NODE_W // 2,
                source.y + (NODE_H if down else 0),
                target.x + NODE_W // 2,
                target.y + (0 if down else NODE_H),
                rel.get_kind_display(),
            )
        )
    height = PAD * 2 + len(used_rows) * NODE_H + max(len(used_rows) - 1, 0) * GAP_Y
    return Diagram(list(placed.values()), edges, width, height)
