"""Test support shared by several test folders (the loopback OpenID provider lives here)."""
