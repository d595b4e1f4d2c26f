"""Who said what: quotes and their speakers in one article (`quotes`, `speakers`, `cues`)."""

from parallax.statements.quotes import extract_many, extract_quotes

__all__ = ["extract_many", "extract_quotes"]
