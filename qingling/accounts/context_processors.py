from django.http import HttpRequest

from qingling.accounts.permissions import permissions_of


def permissions(request: HttpRequest) -> dict[str, object]:
    """Expose the user's permissions to templates as ``perms_q`` (e.g. ``"party.edit" in``)."""
    return {"perms_q": {str(p) for p in permissions_of(getattr(request, "user", None))}}
