"""drf-spectacular postprocessing hook (SPECTACULAR_SETTINGS["POSTPROCESSING_HOOKS"]): the schema states
what the API does beyond the successes drf-spectacular describes, so a client (or a fuzzer) can rely on it."""

from .errors import PROBLEM

PROBLEM_SCHEMA = {
    "type": "object",
    "description": "An RFC 9457 problem (api/errors.py); validation errors add `errors`, the messages per field.",
    "properties": {
        "type": {"type": "string"},
        "title": {"type": "string"},
        "status": {"type": "integer"},
        "detail": {"type": "string"},
        "errors": {"type": "object"},
    },
    "required": ["type", "title", "status", "detail"],
}
NO_NUL = "^[^\\x00]*$"  # DRF's CharField refuses a NUL character (ProhibitNullCharactersValidator)
# DRF's CharField strips what Python's str.strip() strips (these characters), then refuses a blank
# required field: such a field needs one other character.
WHITESPACE = "\\t-\\r\\x1c-\\x20\\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000"
NOT_BLANK = f"^[^\\x00]*[^\\x00{WHITESPACE}][^\\x00]*$"


def describe_problems(result, generator, request, public):
    """Every error of every operation is a problem; no text field accepts a NUL character, and a
    required one needs a character that is not whitespace."""
    result["components"]["schemas"]["Problem"] = PROBLEM_SCHEMA
    error = {"description": "An error", "content": {PROBLEM: {"schema": {"$ref": "#/components/schemas/Problem"}}}}
    for operations in result["paths"].values():
        for operation in operations.values():
            operation["responses"]["default"] = error
    for component in result["components"]["schemas"].values():
        for field in component.get("properties", {}).values():
            if field.get("type") == "string" and not field.get("readOnly") and not {"format", "enum"} & set(field):
                field["pattern"] = NOT_BLANK if field.get("minLength") else NO_NUL
    return result
