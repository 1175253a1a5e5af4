"""A second judge of the values conform generates: Python's jsonschema (Debian python3-jsonschema).

Reads a JSON file of cases, each a draft-7 schema (conform's reading of the description's schema)
with values conform holds valid and values it holds invalid, and writes a JSON file of every
disagreement with the reason this implementation gives. A case of an OpenAPI 3.1 description also
names where its schema stands in the description: the values are then judged against that
original too, as JSON Schema 2020-12 with the OpenAPI format registry's int32 and int64, which
checks conform's translation as well as its generator. An invalid value whose only broken rule is a `format` this implementation does not check
(it asserts a format only when the library behind it is installed) is counted as unjudged, not as
a disagreement: neither side is wrong there.

usage: jsonschema_judge.py CASES.json OUT.json
"""

import json
import pathlib
import sys
import urllib.parse

import yaml
from jsonschema import Draft7Validator, Draft202012Validator, FormatChecker, RefResolver

INT_RANGES = {"int32": (-(2**31), 2**31 - 1), "int64": (-(2**63), 2**63 - 1)}


def openapi_format_checker():
    checker = FormatChecker()
    for name, (low, high) in INT_RANGES.items():
        def in_range(value, low=low, high=high):
            if not isinstance(value, (int, float)) or isinstance(value, bool):
                return True
            return low <= value <= high
        checker.checks(name)(in_range)
    return checker


_documents = {}


def load_document(path):
    if path not in _documents:
        with open(path, encoding="utf-8") as f:
            _documents[path] = yaml.safe_load(f) if path.endswith((".yaml", ".yml")) else json.load(f)
    return _documents[path]


def original_validator(location, checker):
    """The 2020-12 validator of the schema at `location` (file#pointer) in its own document."""
    path, _, pointer = location.partition("#")
    document = load_document(path)
    node = document
    for token in pointer.split("/")[1:]:
        token = urllib.parse.unquote(token).replace("~1", "/").replace("~0", "~")
        node = node[int(token)] if isinstance(node, list) else node[token]
    base = pathlib.Path(path).resolve().as_uri()
    resolver = RefResolver(base, document, handlers={
        "file": lambda uri: load_document(urllib.parse.unquote(urllib.parse.urlparse(uri).path))})
    return Draft202012Validator(node, resolver=resolver, format_checker=checker)


def first_error(validator, value):
    errors = sorted(validator.iter_errors(value), key=lambda e: list(e.absolute_path))
    if not errors:
        return None
    error = errors[0]
    return {
        "keyword": error.validator,
        "at": "/" + "/".join(str(p) for p in error.absolute_path) if error.absolute_path else "",
        "message": error.message[:300],
    }


def main(cases_path, out_path):
    with open(cases_path, encoding="utf-8") as f:
        cases = json.load(f)
    checker = FormatChecker()
    checked_formats = sorted(checker.checkers)
    original_checker = openapi_format_checker()
    disagreements = []
    counts = {"schemas": 0, "translated_valid": 0, "translated_invalid": 0, "original_valid": 0,
              "original_invalid": 0, "unjudged": 0, "uncompilable": 0}
    for case in cases:
        try:
            Draft7Validator.check_schema(case["schema"])
            validator = Draft7Validator(case["schema"], format_checker=checker)
        except Exception as e:  # a schema this implementation refuses is itself a disagreement
            counts["uncompilable"] += 1
            disagreements.append({
                "description": case["description"], "location": case["location"],
                "judge": "translated", "kind": "schema_refused", "mutation": "", "value": None,
                "keyword": "schema", "message": str(e)[:300]})
            continue
        judges = [("translated", validator)]
        if case.get("original"):
            try:
                judges.append(("original", original_validator(case["location"], original_checker)))
            except Exception as e:
                disagreements.append({
                    "description": case["description"], "location": case["location"],
                    "judge": "original", "kind": "schema_refused", "mutation": "",
                    "value": None, "keyword": "schema", "message": str(e)[:300]})
        counts["schemas"] += 1
        for judge, validator in judges:
            judge_values(case, judge, validator, checked_formats, counts, disagreements)
    with open(out_path, "w", encoding="utf-8") as f:
        json.dump({"checked_formats": checked_formats, "counts": counts,
                   "disagreements": disagreements}, f)


def judge_values(case, judge, validator, checked_formats, counts, disagreements):
    """Adds to `disagreements` each valid value `validator` refuses and each invalid one it takes."""
    def disagree(kind, value, mutation="", keyword="", message="", at=""):
        disagreements.append({
            "description": case["description"], "location": case["location"], "judge": judge,
            "kind": kind, "mutation": mutation, "value": value, "keyword": keyword,
            "message": message, "at": at})

    for value in case["valid"]:
        counts[judge + "_valid"] += 1
        try:
            error = first_error(validator, value)
        except Exception as e:  # e.g. a pattern Python's re cannot compile
            error = {"keyword": "exception", "at": "", "message": str(e)[:300]}
        if error is not None:
            disagree("valid_rejected", value, **error)
    for negative in case["invalid"]:
        counts[judge + "_invalid"] += 1
        try:
            accepted = validator.is_valid(negative["value"])
        except Exception as e:
            disagree("invalid_errored", negative["value"], negative["mutation"], "exception",
                     str(e)[:300])
            continue
        if not accepted:
            continue
        detail = negative.get("detail", "")
        if negative["mutation"] == "format_broken":
            name = detail.removeprefix("not a valid ")
            if name not in checked_formats:
                counts["unjudged"] += 1
                continue
        disagree("invalid_accepted", negative["value"], negative["mutation"], "", detail,
                 negative.get("pointer", ""))


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
