"""Pictures (matplotlib): every function takes ``ax=None`` and returns the axes it drew on."""

from __future__ import annotations

__all__: list[str] = []
