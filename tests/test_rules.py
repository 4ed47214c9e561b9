"""The registries of scoring rules are complete: every name has every part, and the names the
input models accept are exactly the registered ones (no name without all its parts)."""

from __future__ import annotations

from typing import get_args

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from tenderscore.input.models import Aggregation, NumericCriterion, PriceRule
from tenderscore.rules.aggregation import AGGREGATIONS, AggregationName, ExcelTotal
from tenderscore.rules.price import (
    PRICE_FORMULAS,
    ExcelPrice,
    PriceFormulaName,
    PriceReference,
    PriceSettings,
    price_excel,
)
from tenderscore.rules.values import SCALE, VALUE_FUNCTIONS, ExcelValue, ValueFunctionName

SAMPLE = {"ceiling": 180.0, "floor": 40.0, "zero_at_multiple": 3.0}


def test_registered_names_are_the_names_the_models_accept() -> None:
    assert set(PRICE_FORMULAS) == set(get_args(PriceFormulaName))
    assert set(AGGREGATIONS) == set(get_args(AggregationName))
    assert set(VALUE_FUNCTIONS) == set(get_args(ValueFunctionName))
    assert PriceRule.model_fields["formula"].annotation == PriceFormulaName
    assert Aggregation.model_fields["method"].annotation == AggregationName
    accepted = NumericCriterion.model_json_schema()["properties"]["value_function"]
    assert {ref["$ref"].rsplit("/", 1)[1] for ref in accepted["oneOf"]} == {
        "LinearValue",
        "PiecewiseValue",
        "ObservedValue",
        "RelativeToBestValue",
    }


@pytest.mark.parametrize("name", list(PRICE_FORMULAS))
def test_every_price_formula_has_every_part(name: PriceFormulaName) -> None:
    formula = PRICE_FORMULAS[name]
    assert formula.name == name
    assert formula.expression
    assert formula.description
    settings = PriceSettings(**SAMPLE)
    values = formula.numpy(np.array([60.0, 90.0]), PriceReference(60.0, 90.0, 75.0), settings)
    assert values.shape == (2,)
    assert np.isfinite(values).all()
    excel = price_excel(name, ExcelPrice("B2", "MIN(R)", "MAX(R)", "AVERAGE(R)"), settings)
    assert "B2" in excel
    assert "None" not in excel
    for parameter in formula.parameters:
        assert parameter in SAMPLE  # a parameter the models and the workbook know


@pytest.mark.parametrize("name", list(PRICE_FORMULAS))
def test_a_formula_without_its_parameters_is_refused_by_the_model(name: PriceFormulaName) -> None:
    needs = PRICE_FORMULAS[name].parameters
    if needs:
        with pytest.raises(ValueError, match=f"formula {name} needs"):
            PriceRule(formula=name)
    else:
        PriceRule(formula=name)


@pytest.mark.parametrize("function", [*VALUE_FUNCTIONS.values(), SCALE], ids=lambda f: f.name)
def test_every_value_function_has_every_part(function: object) -> None:
    from tenderscore.rules.values import Bounds, ValueContext, ValueFunction

    assert isinstance(function, ValueFunction)
    assert function.expression
    assert function.description
    parameters = {"worst": 0.0, "best": 10.0, "points": [[0, 0], [10, 1]], "min": 0, "max": 10}
    context = ValueContext(True, Bounds(0.0, 10.0))
    assert function.numpy(np.array([5.0]), parameters, context).tolist() == [0.5]
    assert "B2" in function.excel(ExcelValue("B2", "R", True), parameters)


@pytest.mark.parametrize("name", list(AGGREGATIONS))
def test_every_aggregation_method_has_every_part(name: AggregationName) -> None:
    method = AGGREGATIONS[name]
    assert method.name == name
    assert method.label
    assert method.expression
    assert method.description(2.0).endswith(f"({method.direction_words}).")
    figure = method.numpy(np.array([50.0, 80.0]), np.array([100.0, 100.0]), 2.0)
    best = int(np.argmax(method.goodness(figure)))
    assert best == 1  # the bid with more quality at the same price wins, whichever the method
    assert "P5" in method.excel(ExcelTotal("Q5", "P5", 2.0)) or name == "weighted_sum"


def test_value_function_parameters_match_the_input_models_and_the_saved_types() -> None:
    """A value function's parameters are named three times by necessity (the registry, the
    YAML model, the saved export's type): this keeps the three in step."""
    from typing import get_type_hints

    from tenderscore.input.models import (
        LinearValue,
        ObservedValue,
        PiecewiseValue,
        RelativeToBestValue,
    )
    from tenderscore.report.types import (
        LinearPart,
        ObservedPart,
        PiecewisePart,
        RelativeToBestPart,
    )

    models = {
        "linear": LinearValue,
        "piecewise": PiecewiseValue,
        "observed": ObservedValue,
        "relative_to_best": RelativeToBestValue,
    }
    saved = {
        "linear": LinearPart,
        "piecewise": PiecewisePart,
        "observed": ObservedPart,
        "relative_to_best": RelativeToBestPart,
    }
    for name, function in VALUE_FUNCTIONS.items():
        assert set(models[name].model_fields) - {"type"} == set(function.parameters), name
        assert set(get_type_hints(saved[name])) - {"type"} == set(function.parameters), name


@given(
    a=st.floats(allow_nan=False) | st.sampled_from([1.0, 1.0 + 1e-12, 100.0, 100.0 + 1e-8]),
    b=st.floats(allow_nan=False) | st.sampled_from([1.0, 100.0, float("inf"), -float("inf")]),
)
def test_ties_are_one_rule_for_two_figures_and_for_arrays(a: float, b: float) -> None:
    """nearly_equal compares two floats in plain Python and arrays with numpy: the same rule."""
    from tenderscore.rules.ranking import nearly_equal

    assert nearly_equal(a, b) == bool(nearly_equal(np.array([a]), np.array([b]))[0])
