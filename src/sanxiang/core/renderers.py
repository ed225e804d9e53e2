"""The API's JSON renderer: DRF's, with orjson doing the encoding.

Encoding was ~5 % of a case list request (50 cases, 40 KB). The body is the same bytes DRF's
renderer writes: compact, UTF-8, U+2028/U+2029 escaped; values orjson does not encode itself the
way DRF does — dates and times, decimals, lazy translations, sets — go through DRF's own encoder,
and anything orjson refuses (an integer beyond 64 bits) falls back to DRF's renderer whole.
`?indent=` answers come from DRF's renderer too (tests/core/test_renderers.py compares them)."""

from __future__ import annotations

import orjson
from rest_framework import renderers
from rest_framework.utils.encoders import JSONEncoder

_OPTIONS = orjson.OPT_PASSTHROUGH_DATETIME | orjson.OPT_PASSTHROUGH_DATACLASS | orjson.OPT_NON_STR_KEYS
_drf_default = JSONEncoder().default


class JSONRenderer(renderers.JSONRenderer):
    def render(self, data, accepted_media_type=None, renderer_context=None):
        if data is None:
            return b""
        if self.get_indent(accepted_media_type, renderer_context or {}) is not None or not self.compact:
            return super().render(data, accepted_media_type, renderer_context)
        try:
            body = orjson.dumps(data, default=_drf_default, option=_OPTIONS)
        except orjson.JSONEncodeError:
            return super().render(data, accepted_media_type, renderer_context)
        return body.replace(b"\xe2\x80\xa8", b"\\u2028").replace(b"\xe2\x80\xa9", b"\\u2029")
