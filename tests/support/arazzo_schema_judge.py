"""Judges Arazzo documents by the Arazzo 1.0 JSON Schema (2020-12), independently of conform.

Usage: arazzo_schema_judge.py SCHEMA DOCUMENT...; prints "valid" or "invalid" per document.
"""
import json
import sys

import jsonschema
import yaml

with open(sys.argv[1]) as f:
    schema = json.load(f)
# Workflow inputs are JSON Schemas: the Arazzo schema refers to the 2020-12 metaschema by URL,
# which this jsonschema cannot resolve offline. Any object (or boolean) stands for it here.
schema["$defs"]["schema"] = {"type": ["object", "boolean"]}
validator = jsonschema.Draft202012Validator(schema)
for path in sys.argv[2:]:
    with open(path) as f:
        document = yaml.safe_load(f)
    print("valid" if validator.is_valid(document) else "invalid")
