"""Bulk inventory upload: columns, safe file reading, row validation, the chunked upsert."""
