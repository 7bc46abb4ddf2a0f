"""Views of the citizen portal (interface only: reads through selectors, writes through
services; every page works without JavaScript)."""
