"""The commands, one module per family; :data:`tnrbm.cli.app.COMMANDS` imports each only when used.

``entanglement`` (entropy, cut, profile), ``groundstate`` (ed, fit), ``demo``, ``files`` (draw, save),
``about`` (info, bench).
"""
