"""Log lines an attacker cannot shape: every value escaped, every line bounded.

Anyone who can reach the web service chooses the body, the headers and the path, and many of
those values end up in a log line: a refusal's reason, the SDK's deserialisation error (which
quotes the raw value), a routing error's path. A newline in one of them would let the caller
write a line of their own ("... INFO skill.web.service: FORGED LOG LINE"), and a 120 KB field
would make a 120 KB line. So the web service's loggers carry `SafeLogFilter`: whatever a call
site passes, the line that reaches a handler has no control characters and at most
`MESSAGE_LIMIT` characters, and a traceback becomes a one-line summary (exception type, escaped
message, where it was raised). Call sites still quote untrusted values with `shown()`, so a
reader can tell where a value starts and ends.
"""

from __future__ import annotations

import logging
import re
import traceback

MESSAGE_LIMIT = 400        # characters of message; with time, pid, level and name under 500
VALUE_LIMIT = 120          # characters of one quoted value inside a message

# C0 and C1 controls, DEL, and the Unicode line and paragraph separators: anything a log viewer
# or a line-based collector might take for the end of a line, or a terminal for a command.
_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029]")


def _escape(match: re.Match[str]) -> str:
    char = match.group()
    return {"\n": "\\n", "\r": "\\r", "\t": "\\t"}.get(char, f"\\x{ord(char):02x}"
                                                     if ord(char) < 0x100 else
                                                     f"\\u{ord(char):04x}")


def clean(text: object, limit: int = MESSAGE_LIMIT) -> str:
    """`text` with every control character escaped, cut to `limit` characters."""
    escaped = _UNSAFE.sub(_escape, str(text))
    return escaped if len(escaped) <= limit else escaped[: limit - 3] + "..."


def shown(value: object, limit: int = VALUE_LIMIT) -> str:
    """An untrusted value as it may appear inside a log line: quoted, escaped, and short."""
    text = clean(repr(value), max(limit, 4) * 4)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def summary(error: BaseException, frames: int = 3) -> str:
    """One line for an exception: type, escaped message, and the innermost frames' places."""
    places = [f"{frame.filename.rsplit('/', 1)[-1]}:{frame.lineno} in {frame.name}"
              for frame in traceback.extract_tb(error.__traceback__)[-frames:]]
    where = f" at {' <- '.join(reversed(places))}" if places else ""
    return f"{type(error).__name__}: {shown(str(error))}{where}"


class SafeLogFilter(logging.Filter):
    """Rewrites each record to its escaped, bounded message; a traceback becomes one line."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        exc_info = record.exc_info
        if exc_info and exc_info[1] is not None:
            message = f"{message} [{summary(exc_info[1])}]"
        record.msg = clean(message)
        record.args = None
        record.exc_info = None
        record.exc_text = None
        record.stack_info = None
        return True


def guard(logger: logging.Logger) -> logging.Logger:
    """Give `logger` the filter once; returns it, for `log = guard(logging.getLogger(...))`."""
    if not any(isinstance(existing, SafeLogFilter) for existing in logger.filters):
        logger.addFilter(SafeLogFilter())
    return logger
