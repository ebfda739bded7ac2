"""Language: Swedish by default, English complete; chosen by the user and remembered."""

from __future__ import annotations

import datetime as dt
import functools
import os

from babel.numbers import format_decimal as babel_format_decimal
from flask import Flask, g, request, session
from flask_babel import format_date, format_datetime, get_translations
from flask_login import current_user
from markupsafe import Markup

from pipeline.i18n import LOCALES, Text, render
from web.extensions import babel

TRANSLATIONS = os.path.join(os.path.dirname(__file__), "translations")


def select_locale() -> str:
    """The signed-in user's choice, else this browser's choice, else Swedish."""
    if current_user and current_user.is_authenticated and current_user.locale in LOCALES:
        return current_user.locale
    chosen = session.get("locale")
    if chosen in LOCALES:
        return chosen
    return "sv"


def locale() -> str:
    """The locale of the current request."""
    if "locale" not in g:
        g.locale = select_locale() if request else "sv"
    return g.locale


def text(value: Text | None) -> str:
    """A domain Message (or Bilingual data) in the current language, with Flask-Babel's catalog."""
    return render(value, locale(), get_translations())


@functools.lru_cache(maxsize=8192)
def _decimal(value: int | float, locale_name: str, pattern: str | None = None) -> str:
    """Babel's formatting of a number in a locale, remembered: a report table formats
    thousands of mostly repeated figures, and each fresh formatting costs ~30 us."""
    return babel_format_decimal(value, format=pattern, locale=locale_name)


def format_decimal(value: int | float, format: str | None = None) -> str:  # noqa: A002
    """flask_babel.format_decimal for the current request's locale, with the cache above."""
    return _decimal(value, locale(), format)


def sek(amount: int | None) -> str:
    """An amount in kronor, formatted for the locale ("1 250 000 kr" / "SEK 1,250,000")."""
    if amount is None:
        return "–"
    number = format_decimal(amount, format="#,##0")
    return f"{number} kr" if locale() == "sv" else f"SEK {number}"


def date(value: dt.date | dt.datetime | None, fmt: str = "medium") -> str:
    """A date formatted for the locale."""
    if value is None:
        return "–"
    if isinstance(value, dt.datetime):
        return format_datetime(value, "short" if fmt == "medium" else fmt)
    return format_date(value, fmt)


def number(value: int | float | None) -> str:
    """A number with the locale's grouping."""
    return "–" if value is None else format_decimal(value)


def figure(value: int | None, kind: str = "number") -> str:
    """A figure someone gave (a number, or kronor with kind="sek"), or "Ej angivet" when empty."""
    from flask_babel import gettext

    if value is None:
        return gettext("Ej angivet")
    return sek(value) if kind == "sek" else number(value)


def nl2br(value: str) -> Markup:
    """Keep the line breaks of a plain text, escaping everything else."""
    escaped = Markup.escape(value or "")
    return Markup("<br>").join(escaped.split("\n"))


def init_app(app: Flask) -> None:
    """Attach Babel and the template helpers."""
    app.config.setdefault("BABEL_TRANSLATION_DIRECTORIES", TRANSLATIONS)
    babel.init_app(app, locale_selector=locale)
    app.jinja_env.filters.update(
        text=text, sek=sek, date=date, number=number, figure=figure, nl2br=nl2br
    )
    app.jinja_env.globals.update(current_locale=locale, LOCALES=LOCALES)
