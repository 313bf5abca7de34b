"""Audit log: every staff or client action, append-only and hash-chained."""
