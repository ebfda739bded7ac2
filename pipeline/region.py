"""The region Framsyn serves is configuration: a TOML file naming it and its kommuner."""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

DATA_DIR = Path(__file__).parent / "data"
DEFAULT_REGION = "vasterbotten"


@dataclass(frozen=True)
class Region:
    """A region and its kommuner as (code, name) pairs."""

    key: str
    name: str
    esf_region: str
    municipalities: tuple[tuple[str, str], ...]


def load_region(key_or_path: str | None = None) -> Region:
    """Read a region file: a key under pipeline/data, a path, or FRAMSYN_REGION."""
    value = key_or_path or os.environ.get("FRAMSYN_REGION") or DEFAULT_REGION
    path = Path(value) if value.endswith(".toml") else DATA_DIR / f"{value}.toml"
    with path.open("rb") as fh:
        data = tomllib.load(fh)
    return Region(
        key=path.stem,
        name=data["name"],
        esf_region=data.get("esf_region", ""),
        municipalities=tuple((m["code"], m["name"]) for m in data["municipalities"]),
    )


def sync_municipalities(session: Session, region: Region) -> int:
    """Insert the region's kommuner that are missing (matched on code); returns how many."""
    from pipeline.models import Municipality  # the migrations import this module

    existing = set(session.scalars(select(Municipality.code)))
    added = 0
    for code, name in region.municipalities:
        if code not in existing:
            session.add(Municipality(code=code, name=name, region=region.name))
            added += 1
    session.flush()
    return added
