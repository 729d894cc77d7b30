"""A stand-in for `certvalidator`, so flask-ask-sdk can be imported on any OpenSSL.

The trap: `flask_ask_sdk.skill_adapter` imports `ask_sdk_webservice_support.verifier`, which
imports `certvalidator` at module level, which imports `oscrypto`. oscrypto 1.3.0 (the newest on
PyPI) dlopens the system's libcrypto and reads its version with a regular expression that cannot
parse a two-digit patch number, so on OpenSSL 3.0.10 and later (this machine has 3.0.19) the
import dies with "Error detecting the version of libcrypto", and with it the whole web service.
Even where it imports, certvalidator 0.11.1 (the newest) breaks on asn1crypto 1.5.1.

certvalidator is used in exactly one place: `RequestVerifier._validate_cert_chain`, the stock
signature verifier. We never use that verifier: the web service sets ASK_SDK_VERIFY_SIGNATURE and
ASK_SDK_VERIFY_TIMESTAMP to False and hands the SkillAdapter our own verifier (skill/web/verify.py),
which validates the chain with the `cryptography` package (its wheels carry their own OpenSSL,
so the host's libcrypto version does not matter). So the only thing we need from certvalidator
is that importing it succeeds. `install()` registers this stand-in in `sys.modules` before
anything imports the SDK's verifier; it never loads oscrypto at all, on any machine, which keeps
the behaviour the same on a laptop, a server and Lambda.

Should anything ever call it, it fails closed: `CertificateValidator` raises its
`ValidationError`, which the stock RequestVerifier turns into a rejected request (400), never an
accepted one.

Alternatives weighed and rejected:
- pin oscrypto to an unreleased git commit that parses the version: needs git and GitHub at
  install time, cannot go to PyPI, and certvalidator still breaks on asn1crypto 1.5.1;
- install flask-ask-sdk without certvalidator: pip cannot drop one dependency of a package, and
  `--no-deps` cannot be written in pyproject.toml, so a fresh `make test` would not reproduce it;
- patch or vendor the installed packages: not reproducible, and not ours to change.
"""

from __future__ import annotations

import sys
from types import ModuleType

MODULE = "certvalidator"
MARKER = "__muscle_twitch_standin__"
_WHY = ("certvalidator is replaced by a stand-in (skill/web/certvalidator_standin.py): the stock "
        "RequestVerifier must not be used; skill/web/verify.py verifies requests")


class ValidationError(Exception):
    """Raised for every use: a chain 'validated' by the stand-in is never valid."""


class PathError(ValidationError):
    pass


class PathBuildingError(PathError):
    pass


class InvalidCertificateError(ValidationError):
    pass


class CertificateValidator:
    """Refuses to validate anything; see the module docstring."""

    def __init__(self, *args: object, **kwargs: object) -> None:
        raise ValidationError(_WHY)


def install() -> None:
    """Register the stand-in unless a certvalidator is already imported (then leave it be)."""
    if MODULE in sys.modules:
        return
    package = ModuleType(MODULE, __doc__)
    errors = ModuleType(f"{MODULE}.errors", "Stand-in for certvalidator.errors.")
    for name, value in (("ValidationError", ValidationError), ("PathError", PathError),
                        ("PathBuildingError", PathBuildingError),
                        ("InvalidCertificateError", InvalidCertificateError)):
        setattr(errors, name, value)
        setattr(package, name, value)
    package.CertificateValidator = CertificateValidator  # type: ignore[attr-defined]
    package.errors = errors  # type: ignore[attr-defined]
    package.__path__ = []  # a package, so `from certvalidator.errors import ...` resolves
    setattr(package, MARKER, True)
    sys.modules[f"{MODULE}.errors"] = errors
    sys.modules[MODULE] = package


def installed() -> bool:
    """True when `import certvalidator` yields the stand-in."""
    return getattr(sys.modules.get(MODULE), MARKER, False) is True
