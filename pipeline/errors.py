"""Domain errors. The web layer maps each to a clear message and an HTTP status in one place."""

from __future__ import annotations

from pipeline.i18n import Text, render


class PipelineError(Exception):
    """Base class of every domain error; carries a bilingual message."""

    status = 400

    def __init__(self, message: Text, *, details: list[Text] | None = None) -> None:
        super().__init__(render(message))
        self.text = message
        self.details = details or []

    def message(self, locale: str | None = None) -> str:
        """The message in `locale`."""
        return render(self.text, locale)


class NotAllowed(PipelineError):
    """The actor may not do this."""

    status = 403


class NotFound(PipelineError):
    """The thing asked for does not exist (or is not visible to the actor)."""

    status = 404


class IllegalTransition(PipelineError):
    """The move is not in the transition table, or not for this role."""

    status = 409


class GuardFailed(PipelineError):
    """The move is allowed, but something the guards need is missing."""

    status = 409


class InvalidData(PipelineError):
    """A value breaks a domain rule."""

    status = 400


class EditConflict(PipelineError):
    """Someone saved the thing after the editor loaded it; nothing was changed."""

    status = 409
