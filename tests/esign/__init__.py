"""Tests of the esign library (PKITS, CMS, PDF, XML, trust, policy)."""
