"""The API's JSON parser: DRF's, with operations.json_input's limits on depth and Unicode.

Without them, a body nested a thousand levels deep fails with a RecursionError
(a 500), and a lone surrogate escape ("\\ud800") fails later, when stored in
PostgreSQL or echoed in an error answer. Both are refused here as malformed,
with a 400 problem document, like any other bad JSON.
"""

from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser

from operations import json_input


class UnicodeJSONParser(JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        try:
            return json_input.check(super().parse(stream, media_type, parser_context))
        except RecursionError as exc:
            raise ParseError(json_input.too_deep_message()) from exc
        except json_input.JSONInputError as exc:
            raise ParseError(exc.message) from exc
