#!/usr/bin/env python3
"""Validates hoptrace's JSON output against docs/hoptrace.schema.json (draft 2020-12).

    validate_json.py SCHEMA [--def NAME] [--lines] FILE...

Each FILE is one JSON document, or with --lines one JSON document per non-empty line (JSON
Lines). Without --def a document is checked against the schema's root (analyze, mailbox or
map document); with --def NAME against $defs/NAME (hopsLine, spfDocument, ...). Format
checking is off. Prints every error found with its file, line and JSON path.

Exit status: 0 every document is valid; 1 at least one is not (or does not parse); 2 usage;
3 the jsonschema package is not installed.
"""
import json
import sys

try:
    import jsonschema
except ImportError:
    print("validate_json.py: the Python package jsonschema is not installed (pip install jsonschema)", file=sys.stderr)
    sys.exit(3)


def main(argv):
    if len(argv) < 2:
        print(__doc__, file=sys.stderr)
        return 2
    schema_path, rest = argv[1], argv[2:]
    definition, lines, files = None, False, []
    i = 0
    while i < len(rest):
        if rest[i] == "--def" and i + 1 < len(rest):
            definition = rest[i + 1]
            i += 2
            continue
        if rest[i] == "--lines":
            lines = True
        else:
            files.append(rest[i])
        i += 1
    if not files:
        print("validate_json.py: no files to validate", file=sys.stderr)
        return 2
    with open(schema_path, encoding="utf-8") as f:
        schema = json.load(f)
    jsonschema.Draft202012Validator.check_schema(schema)
    if definition is not None:
        if definition not in schema.get("$defs", {}):
            print(f"validate_json.py: the schema has no $defs/{definition}", file=sys.stderr)
            return 2
        schema = {k: v for k, v in schema.items() if k not in ("oneOf", "anyOf", "allOf", "$ref")}
        schema["$ref"] = "#/$defs/" + definition
    validator = jsonschema.Draft202012Validator(schema)

    failures = 0
    documents = 0
    for path in files:
        with open(path, encoding="utf-8") as f:
            text = f.read()
        if lines:
            units = [(n + 1, line) for n, line in enumerate(text.split("\n")) if line.strip()]
        else:
            units = [(None, text)]
        for line_number, unit in units:
            where = path if line_number is None else f"{path}:{line_number}"
            documents += 1
            try:
                document = json.loads(unit)
            except json.JSONDecodeError as error:
                print(f"{where}: not JSON: {error}")
                failures += 1
                continue
            errors = list(validator.iter_errors(document))
            for error in errors[:20]:
                # A oneOf/anyOf failure names the whole instance; the sub-error that reached
                # deepest into the document (the branch that matched longest) says what is
                # wrong and where.
                deepest = error
                while deepest.context:
                    deepest = max(deepest.context, key=lambda e: len(e.absolute_path))
                message = deepest.message
                if len(message) > 300:
                    message = message[:300] + "…"
                print(f"{where}: {deepest.json_path}: {message}")
            if errors:
                failures += 1
    print(f"validate_json.py: {documents} documents, {failures} invalid")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
