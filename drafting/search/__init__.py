"""Search over ideas, drafts and comments: Swedish normalisation, the index's upkeep,
highlighted snippets and similar ideas (the SQL itself is in pipeline.search)."""
