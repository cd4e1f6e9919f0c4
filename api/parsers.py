"""JSON that is valid Unicode only.

JSON may spell a lone surrogate as an escape ("\\ud800"). Python decodes it into
a string that cannot be encoded as UTF-8 again, so it would fail later, far from
the input: when stored in PostgreSQL or echoed in an error answer (a 500).
Such a body is refused here as malformed, like any other bad JSON.
"""

import json

from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser


class UnicodeJSONParser(JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        data = super().parse(stream, media_type, parser_context)
        try:
            json.dumps(data, ensure_ascii=False).encode("utf-8")
        except UnicodeEncodeError as exc:
            raise ParseError("JSON parse error - the text is not valid Unicode.") from exc
        return data
