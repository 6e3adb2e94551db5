"""Sources in plain words: kept in `sources.citations` (one references table, read by every app
that shows a source); the pattern detectors' pages import it from here as before."""

from sources.citations import WORKS, Work, guidance_reference, plain, plain_source, sources

__all__ = ["WORKS", "Work", "guidance_reference", "plain", "plain_source", "sources"]
