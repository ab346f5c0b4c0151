"""Viet Nam digital-transformation workforce: evidence base, target assessment, report."""

__version__ = "0.1.0"
