"""The scoring rules, each defined once: price formulas, value functions, aggregation methods.

Every rule is one registry entry holding its name, the parameters it requires, its numpy form
(what the engine and the sensitivity analysis compute), its Excel form (what the committee
workbook recalculates) and its words (what reports and the terminal say). Adding a rule is one
entry plus its tests; the tests iterate the registries, so an entry missing a part fails.

This is the bottom layer of the house. May import: numpy and nothing of tenderscore but its own
modules, so that input validation, the engine and the exporters can all read the same entries.
"""
