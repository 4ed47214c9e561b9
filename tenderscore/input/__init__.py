"""Input handling: everything that reads what people wrote, and says precisely what is wrong.

Owns the YAML reader (positions, duplicate keys, bombs), the pydantic input models, schema
errors turned into located problems, the cross-file consistency checks, the criteria tree,
loading a tender directory, reading filled scoring sheets and saved exports back, the shipped
criteria catalogue, and the one definition of every fingerprint and digest.

May import: ``tenderscore.rules`` and the foundation modules (``errors``, ``figures``,
``memory``, ``files``). Nothing here scores, analyses or renders.
"""
