"""Moved to core.snippets: people and every feature app build on it, and people
may import only core. Kept so imports written on other branches still work."""

from core.snippets import (  # noqa: F401
    ChooserViewSet,
    DeleteView,
    SnippetViewSet,
)
