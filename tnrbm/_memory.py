"""Deprecated home of the memory guard: everything here now lives in :mod:`tnrbm.validation`."""

from __future__ import annotations

from .validation import SAFE_FRACTION, available_memory, check_memory, default_max_memory, format_bytes

__all__ = ["SAFE_FRACTION", "available_memory", "default_max_memory", "check_memory", "format_bytes"]
