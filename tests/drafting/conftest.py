"""Drafting tests see the drafting models in the shared metadata."""

from __future__ import annotations

import drafting.models  # noqa: F401  (registers the drafting tables)
