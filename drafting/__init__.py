"""Application templates, drafts and the horizontal-principles checker for ESF applications."""
