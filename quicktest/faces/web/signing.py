"""Values only this server can have made: the open test's cookie, each form's token and the
consultant's key, each an HMAC-SHA256 of what it vouches for under the server's secret.

Nothing is kept in memory to check them, so every worker (and every machine given the same
`QUICKTEST_SECRET`) accepts what any other one signed.
"""

from __future__ import annotations

import base64
import hashlib
import hmac


def _mac(secret: str, *parts: str) -> str:
    message = "\x1f".join(parts).encode("utf-8", "surrogateescape")
    digest = hmac.new(secret.encode(), message, hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest[:24]).decode()


def signed(secret: str, purpose: str, value: str, issued: int) -> str:
    """`value` with the time it was issued (seconds) and their signature for `purpose`."""
    return f"{value}.{issued}.{_mac(secret, purpose, value, str(issued))}"


def unsigned(secret: str, purpose: str, text: str, now: int, lasts: int) -> str | None:
    """The value `text` vouches for, if this server signed it for `purpose` less than
    `lasts` seconds ago; None for anything else."""
    value, _, rest = text.partition(".")
    issued, _, mac = rest.partition(".")
    if not issued.isdigit() or not hmac.compare_digest(
        mac.encode(), _mac(secret, purpose, value, issued).encode()
    ):
        return None
    return value if 0 <= now - int(issued) < lasts else None


def form_token(secret: str, binding: str) -> str:
    """The token a form carries: bound to the session (or visitor) it writes to."""
    return _mac(secret, "form", binding)


def form_token_ok(secret: str, binding: str, given: str) -> bool:
    return hmac.compare_digest(given.encode(), form_token(secret, binding).encode())


def consultant_key(secret: str) -> str:
    """The key that opens the consultant's terminal app: printed once by `serve`."""
    return _mac(secret, "consultant app")


def caller_key(secret: str, address: str) -> str:
    """What the store keeps of a caller's address to count its attempts: a keyed hash, the
    same in every worker given the same secret, from which the address cannot be read."""
    return _mac(secret, "caller", address)
