"""A logging filter that masks ID numbers and mobile numbers in every record.

Installed on the handlers in settings.LOGGING, so it sees records from every
logger (Django's request log quotes URLs, a library may quote a row). The
message is rendered once, masked, and stored back; a traceback is rendered
and masked the same way.
"""

import logging

from organizations.security.masking import scrub_text


class ScrubPersonalNumbers(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except (TypeError, ValueError):  # a malformed call; keep what was passed
            message = f"{record.msg} {record.args}"
        record.msg = scrub_text(message)
        record.args = None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = scrub_text(record.exc_text)
        if record.stack_info:
            record.stack_info = scrub_text(record.stack_info)
        return True
