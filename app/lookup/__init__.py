"""Public look-up of a dossier by its receipt QR (``/r/<key>``), the JWKS and citizen ratings."""
