"""Administration: staff accounts, agency settings, the audit log."""
