"""The only code that writes official documents: outgoing.py (draft → issue → delivery),
incoming.py (receive → register → assign → process), shell.py (what every change shares)."""
