"""Exceptions raised by the drafting package."""


class DraftingError(Exception):
    """Base class for every error raised by the drafting package."""


class TemplateError(DraftingError):
    """An application template is unknown or its file is malformed."""


class RulesError(DraftingError):
    """A principle rule file is malformed."""


class LanguageResourceError(DraftingError):
    """A language resource (such as the lemma table) cannot be loaded."""
