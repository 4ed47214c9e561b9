"""Renderers only: the export document (or the validated inputs, for blank scoring sheets)
turned into bytes or text: the committee workbook, Markdown report and summaries, JSON, charts.

Renderers never compute a score: every figure comes from the document, and every formula's
Excel text from ``tenderscore.rules``. ``escaping`` is the one place untrusted text is made safe
for each format.

May import: ``tenderscore.report``, ``tenderscore.input`` (models and tree, for scoring
sheets), ``tenderscore.rules`` and the foundation modules; never the engine or the analysis.
"""
