"""Desk feature: dossier intake, receipts with signed QR, workflow, procedure catalogue."""
