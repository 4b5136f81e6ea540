"""Log formatting. Imports nothing of Django's apps: logging is set up before they load."""

import json
import logging
from datetime import UTC, datetime


class JsonLineFormatter(logging.Formatter):
    """One JSON object per line: a security record's fields, or the time, level, logger and
    message of any other record."""

    def format(self, record: logging.LogRecord) -> str:
        fields = getattr(record, "security", None)
        if fields is None:
            fields = {
                "time": datetime.fromtimestamp(record.created, UTC).isoformat(
                    timespec="milliseconds"
                ),
                "level": record.levelname,
                "logger": record.name,
                "message": record.getMessage(),
            }
        return json.dumps(fields, default=str, ensure_ascii=False)
