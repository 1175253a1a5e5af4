"""A second judge of conform's explanations: Python's jsonschema (Debian python3-jsonschema).

Reads a JSON file of cases, each a draft-7 schema, an instance, and the violations conform
explained: the instance pointer, the keyword, and the keyword's value in the subschema conform
named. Writes a JSON file of every explanation jsonschema does not confirm: one of its errors
(searched through the errors under anyOf/oneOf/allOf too) must name the same keyword at the same
instance place, with the same value.

usage: explanation_judge.py CASES.json OUT.json
"""

import json
import sys

from jsonschema import Draft7Validator


def pointer(path):
    return "".join("/" + str(p).replace("~", "~0").replace("/", "~1") for p in path)


def all_errors(errors):
    for error in errors:
        yield error
        yield from all_errors(error.context or [])


def main():
    cases = json.load(open(sys.argv[1]))
    unconfirmed = []
    confirmed = unjudged = 0
    for case in cases:
        validator = Draft7Validator(case["schema"])
        seen = [
            (pointer(e.absolute_path), e.validator, e.validator_value)
            for e in all_errors(validator.iter_errors(case["instance"]))
        ]
        if not seen:  # it finds the instance valid: nothing to judge an explanation by
            unjudged += len(case["explained"])
            continue
        for ours in case["explained"]:
            at = ours["at"]
            # conform names the member additionalProperties refuses; jsonschema, the object.
            parent = at[: at.rfind("/")] if at else at
            if (at, ours["keyword"], ours["value"]) in seen or (
                    ours["keyword"] == "additionalProperties"
                    and (parent, ours["keyword"], ours["value"]) in seen):
                confirmed += 1
            else:
                unconfirmed.append({"case": case["name"], "ours": ours,
                                    "theirs": [list(s[:2]) for s in seen]})
    json.dump({"confirmed": confirmed, "unjudged": unjudged, "unconfirmed": unconfirmed},
              open(sys.argv[2], "w"),
              indent=1)


if __name__ == "__main__":
    main()
