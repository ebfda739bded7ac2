"""Bilingual text for the domain layer, which must not depend on Flask's translation machinery."""

from __future__ import annotations

from typing import NamedTuple

DEFAULT_LOCALE = "sv"
LOCALES = ("sv", "en")


class Text(NamedTuple):
    """A message in Swedish and English."""

    sv: str
    en: str

    def get(self, locale: str | None = None) -> str:
        """Return the text for `locale`, falling back to Swedish."""
        return self.en if locale == "en" else self.sv

    def format(self, **values: object) -> Text:
        """Fill `{name}` placeholders; a Text value gives each language its own wording."""

        def pick(lang: str) -> dict[str, object]:
            return {k: (v.get(lang) if isinstance(v, Text) else v) for k, v in values.items()}

        return Text(self.sv.format(**pick("sv")), self.en.format(**pick("en")))
