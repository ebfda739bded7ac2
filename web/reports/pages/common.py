"""Pieces every report page uses: the page and chart records and number formatting."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from flask_babel import format_decimal

from pipeline.models import OrgType
from pipeline.stages import Stage
from web.i18n import text
from web.reports.tables import Table


@dataclass(frozen=True)
class Chart:
    """A chart: its file name, title, text summary and the table holding the same numbers."""

    name: str
    title: str
    summary: str
    table: str
    draw: Callable[[], str]


@dataclass
class ReportPage:
    """What a report page, its downloads and its charts show."""

    slug: str
    title: str
    intro: str
    tables: list[Table]
    charts: list[Chart] = field(default_factory=list)
    data: object = None

    def table(self, key: str) -> Table | None:
        return next((t for t in self.tables if t.key == key), None)

    def chart(self, name: str) -> Chart | None:
        return next((c for c in self.charts if c.name == name), None)


def _n(value: float | int | None) -> str:
    if value is None:
        return "–"
    if isinstance(value, float) and not value.is_integer():
        return format_decimal(value, format="#,##0.0")
    return format_decimal(value, format="#,##0")


def _share(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 1) if whole else None


def _stage(stage: Stage) -> str:
    return text(stage.label)


def _org_type(key: str) -> str:
    return text(OrgType(key).label)
