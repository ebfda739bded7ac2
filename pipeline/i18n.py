"""Messages for the domain layer, translated by Babel without depending on Flask.

Interface strings are written `_t("Svensk text {name}")`: the Swedish text is the Babel msgid
(as in the templates), the English is in web/translations/en/LC_MESSAGES/messages.po, and
`make translations` extracts them (`-k _t -k _tp:1c,2`). A `Message` is only the msgid and its
values; it is turned into words at the edge, by `render`: the web layer passes Flask-Babel's
translations of the request's locale, everyone else (the command line, jobs writing Word
documents, tests) gets the same catalog loaded by Babel itself.

Text that arrives in both languages as data (the rules' and templates' `*_sv` / `*_en` TOML
keys, the checker's own labels, job errors stored in both languages) is a `Bilingual`; it is
never built from literal interface strings.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from babel.support import NullTranslations, Translations

DEFAULT_LOCALE = "sv"
LOCALES = ("sv", "en")
CATALOG = Path(__file__).resolve().parent.parent / "web" / "translations"


class Catalog(Protocol):
    """What `render` needs of a translations object (Babel's and Flask-Babel's both fit)."""

    def gettext(self, message: str) -> str: ...

    def pgettext(self, context: str, message: str) -> str: ...


@dataclass(frozen=True)
class Message:
    """A Babel msgid (the Swedish text), an optional context, and the values for its `{name}`s."""

    msgid: str
    values: tuple[tuple[str, object], ...] = ()
    context: str | None = None

    def format(self, **values: object) -> Message:
        """A new Message with `values` for the `{name}` placeholders (Messages are translated)."""
        return Message(self.msgid, tuple({**dict(self.values), **values}.items()), self.context)

    def __str__(self) -> str:
        return render(self, DEFAULT_LOCALE)


@dataclass(frozen=True)
class Bilingual:
    """Text given as data in both languages, e.g. a TOML file's `name_sv` and `name_en`."""

    sv: str
    en: str

    def __str__(self) -> str:
        return self.sv


Text = Message | Bilingual | str
"""Anything `render` turns into words; a plain str is shown as it is in every language."""


def _t(msgid: str) -> Message:
    """Mark `msgid` (Swedish) for translation; format it with `.format(name=value)`."""
    return Message(msgid)


def _tp(context: str, msgid: str) -> Message:
    """Like `_t`, for a Swedish text that needs another English word elsewhere."""
    return Message(msgid, context=context)


@functools.cache
def catalog(locale: str) -> NullTranslations:
    """Babel's catalog for `locale`; Swedish, the msgid language, needs none."""
    if locale == DEFAULT_LOCALE:
        return NullTranslations()
    return Translations.load(str(CATALOG), [locale])


def render(value: object, locale: str | None = None, translations: Catalog | None = None) -> str:
    """`value` in `locale` (Swedish by default), with the given or the loaded catalog.

    The values of a Message are rendered the same way, so a Message inside a Message is in the
    same language; a list or tuple value becomes its rendered items joined by ", ".
    """
    if value is None:
        return ""
    locale = locale if locale in LOCALES else DEFAULT_LOCALE
    if isinstance(value, Bilingual):
        return value.en if locale == "en" else value.sv
    if isinstance(value, list | tuple):
        return ", ".join(render(item, locale, translations) for item in value)
    if not isinstance(value, Message):
        return str(value)
    found = translations or catalog(locale)
    if value.context is None:
        text = found.gettext(value.msgid)
    else:
        text = found.pgettext(value.context, value.msgid)
    if not value.values:
        return text
    nested = Message | Bilingual | list | tuple
    return text.format(
        **{
            k: render(v, locale, translations) if isinstance(v, nested) else v
            for k, v in value.values
        }
    )
