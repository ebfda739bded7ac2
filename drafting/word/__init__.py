"""The application as a Word document: export (``export``, built on ``rendering`` and
``assets/template.docx``), and import of an edited copy (``safety`` refuses unsafe files,
``reading`` turns the document into sections, ``importing`` saves them as revisions)."""
