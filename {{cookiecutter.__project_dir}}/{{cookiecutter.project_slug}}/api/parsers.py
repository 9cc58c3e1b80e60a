"""The API's one parser (REST_FRAMEWORK["DEFAULT_PARSER_CLASSES"]). In a module of its own: DRF
imports it while defining its views, so it must not import them."""

from rest_framework import exceptions, parsers


class JSONParser(parsers.JSONParser):
    """DRF's JSON parser, which lets deep nesting's RecursionError through as a 500. (The body's size
    is bounded before parsing: DRF reads it through Django's request.body, which refuses one over
    DATA_UPLOAD_MAX_MEMORY_SIZE, from its Content-Length, with RequestDataTooBig: errors.py answers 413.)"""

    def parse(self, stream, media_type=None, parser_context=None):
        try:
            return super().parse(stream, media_type, parser_context)
        except RecursionError as error:
            raise exceptions.ParseError("JSON parse error - nested too deeply.") from error
