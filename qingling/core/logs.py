"""Keep personal values out of the application log.

A last line of defence: code never logs personal data on purpose, and this
filter masks anything shaped like an ID number or a mainland mobile number that
slips into a log record anyway.
"""

import logging
import re

from qingling.core.personal_data import mask_id_number, mask_phone

ID_NUMBER = re.compile(r"(?<!\d)\d{17}[\dXx](?!\d)|(?<!\d)\d{15}(?!\d)")
MOBILE = re.compile(r"(?<!\d)1[3-9]\d{9}(?!\d)")


def redact(text: str) -> str:
    text = ID_NUMBER.sub(lambda m: mask_id_number(m.group()), text)
    return MOBILE.sub(lambda m: mask_phone(m.group()), text)


class PersonalDataFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cleaned = redact(message)
        if cleaned != message:
            record.msg, record.args = cleaned, None
        if record.exc_info and not record.exc_text:
            # An exception's text may quote a value; format it now, masked.
            record.exc_text = redact(logging.Formatter().formatException(record.exc_info))
        return True
