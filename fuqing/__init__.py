"""Shared layer of fuqing: settings, errors and small helpers used by every other package."""

__version__ = "0.1.0"
