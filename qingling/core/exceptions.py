"""The one error family of Qingling.

Every interface (HTML forms, the JSON API, the command line) renders an
``ApplicationError`` the same way: a translated message, a stable machine code
and ``extra`` details (``extra["fields"]`` maps a field name to its messages).
"""

from typing import Any

from django.core.exceptions import ValidationError


class ApplicationError(Exception):
    """A rule of the domain refused the request; safe to show to the user."""

    status = 400

    def __init__(self, message: str, *, code: str, extra: dict[str, Any] | None = None) -> None:
        super().__init__(message)
        self.message = str(message)
        self.code = code
        self.extra = extra or {}

    def as_dict(self) -> dict[str, Any]:
        return {"message": self.message, "code": self.code, "extra": self.extra}

    @classmethod
    def from_validation_error(cls, error: ValidationError) -> "ApplicationError":
        """Wrap Django's ValidationError so that callers see one error type."""
        from django.utils.translation import gettext

        if hasattr(error, "error_dict"):
            fields = {
                name: [str(m) for e in errs for m in e.messages]
                for name, errs in error.error_dict.items()
            }
        else:
            fields = {"__all__": [str(m) for m in error.messages]}
        return InvalidInput(gettext("Some fields are not valid."), extra={"fields": fields})


class InvalidInput(ApplicationError):
    def __init__(self, message: str, *, extra: dict[str, Any] | None = None) -> None:
        super().__init__(message, code="invalid", extra=extra)


class NotFound(ApplicationError):
    status = 404

    def __init__(self, message: str, *, extra: dict[str, Any] | None = None) -> None:
        super().__init__(message, code="not_found", extra=extra)


class Forbidden(ApplicationError):
    status = 403

    def __init__(
        self, message: str, *, code: str = "forbidden", extra: dict[str, Any] | None = None
    ) -> None:
        super().__init__(message, code=code, extra=extra)


class Conflict(ApplicationError):
    """Someone else changed the object first, or it already exists."""

    status = 409


class TooManyRequests(ApplicationError):
    """A rate limit (core.ratelimits) refused the attempt; try again later."""

    status = 429

    def __init__(self, message: str, *, code: str, extra: dict[str, Any] | None = None) -> None:
        super().__init__(message, code=code, extra=extra)
