"""The report layer: the typed export document every renderer reads, and its wording.

``document`` builds the one export document (results, sensitivity, moderation, audit) from
the engine's and the analysis' results; ``evaluation`` turns results into plain data. A saved
JSON export is the same document, so renderers work from either.

May import: ``tenderscore.sensitivity``, ``tenderscore.engine``, ``tenderscore.input``,
``tenderscore.rules`` and the foundation modules; never an exporter.
"""
