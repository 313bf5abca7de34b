"""Benchmarks: each module ``bench/<name>.py`` exposes ``run(**options) -> dict``.

They report ratios against a baseline measured in the same run, because the machines are noisy.
"""
