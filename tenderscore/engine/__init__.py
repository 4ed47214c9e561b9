"""The scoring engine: gates, value functions, minimums, aggregation, ranking and findings.

Pure computation on a loaded ``Tender``: it never touches files, prints or exits. Owns the
result types (``Evaluation`` and every number's trace), gathering answers and panel scores into
arrays, ranking with the declared tie-break, and the moderation statistics.

May import: ``tenderscore.input`` (the validated models and the criteria tree),
``tenderscore.rules`` and the foundation modules.
"""
