"""JSON Schemas of the input files, generated from the pydantic models."""

from __future__ import annotations

import json

from pydantic import BaseModel

from tenderscore.input.bidfile import BidFile
from tenderscore.input.models import CriteriaSet, TenderFile

SCHEMAS: dict[str, type[BaseModel]] = {
    "tender": TenderFile,
    "bid": BidFile,
    "criteria": CriteriaSet,
}


def render_schema(kind: str) -> str:
    """The schema for ``kind`` as indented JSON, stable from run to run."""
    schema = {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        **SCHEMAS[kind].model_json_schema(),
    }
    return json.dumps(schema, indent=2, sort_keys=True) + "\n"
