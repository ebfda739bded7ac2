"""Application templates, drafts, the principle checker, Word export and import, jobs."""

from __future__ import annotations


def install() -> None:
    """Attach the drafting layer to the pipeline: the gate on the moves into review and to
    Klar att skicka in, the after-move rules that start the draft when an idea enters drafting
    and void a sign-off, the erasers of a removed person's files, comments and good-example
    agreements, the good examples a person agreed to in their export, and the search index's
    upkeep.

    Called once by the app factory and the worker (and by any script that moves ideas);
    calling it again changes nothing.
    """
    from drafting.erasure import ERASERS
    from drafting.examples.erasure import examples_agreed_to
    from drafting.guards import AFTER_MOVE, GATE
    from drafting.search.index import install_hooks
    from pipeline.personal_data import register_eraser, register_exporter
    from pipeline.stages import after_move, guard

    for name, check in GATE.items():
        guard(name)(check)
    for name, hook in AFTER_MOVE.items():
        after_move(name)(hook)
    for eraser in ERASERS:
        register_eraser(eraser)
    register_exporter("good_examples_agreed_to", examples_agreed_to)
    install_hooks()
