"""Good examples: sections of drafts that the support team marks, with the owning
organisation's agreement, so that other writers can learn from them.

An example is a frozen copy of one section revision's text (not a pointer to the revision):
what the organisation agreed to share is exactly what others read, the copy can lose a removed
person's name without the organisation's own record changing, and the levels the checker found
in that text alone are stored with it, so choosing examples for a writer is one query.

models.py holds the tables, marking.py who may mark and withdraw, selection.py what a reader
sees, erasure.py what removing a person changes and exports.
"""
