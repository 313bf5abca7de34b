"""Supervisor dashboard: timeliness, satisfaction and e-ID figures, charts, exports, report."""
