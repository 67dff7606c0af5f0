"""Schemathesis hooks for scripts/api-check: bodies it has no serializer for.

Uploads (`POST /api/v1/files`) take the raw file, as a client sends it; the catalog import
takes JSON Lines as text. Without these the two operations could not be tested at all.
"""

import schemathesis

schemathesis.serializer.alias(
    ["application/pdf", "image/jpeg", "image/png", "application/xml"], "application/octet-stream"
)
schemathesis.serializer.alias("application/x-ndjson", "text/plain")
