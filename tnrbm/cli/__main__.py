"""``python -m tnrbm.cli``: the ``tnrbm`` command."""

from __future__ import annotations

import sys

from .app import main

sys.exit(main())
