"""Judges a JSON file conform writes (a report) by its draft-7 JSON Schema, independently of conform.

Usage: document_schema_judge.py SCHEMA DOCUMENT...; prints "valid" or the first error per document.
"""
import json
import sys

import jsonschema

with open(sys.argv[1]) as f:
    validator = jsonschema.Draft7Validator(json.load(f))
for path in sys.argv[2:]:
    with open(path) as f:
        errors = sorted(validator.iter_errors(json.load(f)), key=lambda e: list(e.path))
    print("valid" if not errors else "invalid: " + errors[0].message)
