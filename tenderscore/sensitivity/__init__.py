"""Sensitivity analysis: how far the ranking holds when weights, scores or prices move.

Stability intervals and one-way sweeps in closed form, score and price switching values,
SMAA-2 rank acceptabilities, rank reversal and price-formula robustness, scenarios. Seeded and
deterministic; pure computation like the engine.

May import: ``tenderscore.engine``, ``tenderscore.input``, ``tenderscore.rules`` and the
foundation modules.
"""
