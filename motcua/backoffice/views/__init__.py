"""The officials' workspace (see docs/architecture.md)."""
