"""Alexa request verification for the web service, done with the `cryptography` package.

A skill hosted outside Lambda must prove each request came from Alexa (Amazon's "Host a custom
skill as a web service" rules): the `SignatureCertChainUrl` header must point at
https://s3.amazonaws.com/echo.api/... ; the chain found there must lead to a trusted root, and
its signing certificate name echo-api.amazon.com (here: exactly, in its SAN), carry
digitalSignature key usage and an RSA key of at least 2048 bits; the `Signature-256` header must
be that certificate's SHA-256 RSA signature of the raw body; the request timestamp must be
within 150 seconds of now.

The order is the cost: everything that needs no network (headers, base64, timestamp, the URL
rules) comes before the chain, which is fetched under a wall-clock deadline and a size cap,
cached by its normalised URL, and (when it failed) refused unfetched for a short while.

The SDK's own RequestVerifier cannot do this here (see skill/web/certvalidator_standin.py). The
web service calls `AlexaRequestVerifier.verify_request` on the raw body before the SDK
deserialises anything; `verify` keeps flask-ask-sdk's `AbstractVerifier` interface. Each failure
raises `RequestRejected` with the reason, which the web service logs and answers with 400 (403
for another skill's request). Nothing here is imported by the Lambda path.
"""

from __future__ import annotations

import base64
import binascii
import logging
import posixpath
import re
import threading
import time
import urllib.error
import urllib.request
import warnings
from collections.abc import Callable, Iterable, Mapping
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any
from urllib.parse import quote, unquote, urlsplit, urlunsplit

from skill.web import certvalidator_standin
from skill.web.logsafe import guard, shown

certvalidator_standin.install()  # before the SDK's verifier module is imported, below

from ask_sdk_model import RequestEnvelope  # noqa: E402
from ask_sdk_webservice_support.verifier import (  # noqa: E402
    AbstractVerifier,
    VerificationException,
)
from cryptography import x509  # noqa: E402
from cryptography.exceptions import InvalidSignature  # noqa: E402
from cryptography.hazmat.primitives import hashes  # noqa: E402
from cryptography.hazmat.primitives.asymmetric import padding, rsa  # noqa: E402
from cryptography.x509.verification import (  # noqa: E402
    DNSName,
    PolicyBuilder,
    Store,
    VerificationError,
)

if TYPE_CHECKING:
    from skill.config import Settings

log = guard(logging.getLogger(__name__))

CERT_URL_HEADER = "SignatureCertChainUrl"
SIGNATURE_HEADER = "Signature-256"
CERT_URL_SCHEME = "https"
CERT_URL_HOST = "s3.amazonaws.com"
CERT_URL_PATH_PREFIX = "/echo.api/"
CERT_URL_PORT = 443
SIGNING_NAME = "echo-api.amazon.com"
TIMESTAMP_TOLERANCE = timedelta(seconds=150)
FETCH_TIMEOUT_SECONDS = 2.0         # Alexa waits 8 s for the whole answer
FETCH_MAX_BYTES = 64 * 1024         # Amazon's chain is about 6 KB
CACHE_LIMIT = 16                    # distinct chain URLs kept; Amazon uses one at a time
FAILURE_SECONDS = 15.0              # a chain URL that failed is refused, unfetched, this long
URL_MAX_CHARS = 2048                # the header values are short; anything longer is refused
SIGNATURE_BYTES = (256, 1024)       # an RSA signature is as long as the key: 2048 to 8192 bits
TIMESTAMP_MAX_CHARS = 40            # "2026-12-01T22:47:21.123456+00:00" is 32
RSA_MIN_BITS = 2048
REFETCH_SECONDS = 60.0              # a signature that fails on a cached chain refetches it once,
                                    # at most this often per URL (a rotated certificate)

_LOOPBACK = ("127.0.0.1", "localhost", "::1")
_PEM_CERT = re.compile(rb"-----BEGIN CERTIFICATE-----.+?-----END CERTIFICATE-----", re.DOTALL)


class RequestRejected(VerificationException):
    """A request that must not reach the skill. str() is the reason, for the log."""

    status = 400


class WrongSkill(RequestRejected):
    """A genuine request, but for another skill."""

    status = 403


def validate_test_origin(origin: str) -> str:
    """A test-only certificate origin must be plain loopback (http://127.0.0.1:PORT), no path."""
    parts = urlsplit(origin)
    try:
        port = parts.port
    except ValueError as error:
        raise ValueError(f"TEST_CERT_ORIGIN {origin!r}: {error}") from None
    if (parts.scheme not in ("http", "https") or parts.hostname not in _LOOPBACK or port is None
            or parts.path not in ("", "/") or parts.query or parts.username):
        raise ValueError(f"TEST_CERT_ORIGIN {origin!r} must be http://127.0.0.1:PORT "
                         "(loopback only)")
    return f"{parts.scheme}://{parts.netloc}".lower()


def validate_cert_url(url: object, *, test_origin: str | None = None) -> str:
    """Apply Amazon's rules to a SignatureCertChainUrl; return the normalised URL to fetch.

    https (any case), host s3.amazonaws.com (any case), port 443 if one is given, and a path
    that still starts with /echo.api/ (case-sensitive) once `..` and percent-escapes are
    resolved; no query, no fragment, no user info. The result is the one spelling of that URL
    (lower-case scheme and host, no :443, the path resolved and re-escaped): the cache key and
    the URL fetched, so `?n=1`, `:443` or `%65` variants neither bypass nor evict the cache.
    `test_origin` (tests only) lets a loopback origin stand in for scheme, host and port; the
    path rule still applies.
    """
    if not isinstance(url, str) or not url:
        raise RequestRejected("certificate URL is empty")
    if len(url) > URL_MAX_CHARS:
        raise RequestRejected(f"certificate URL is {len(url)} characters long (limit "
                              f"{URL_MAX_CHARS})")
    if not url.isascii() or not url.isprintable() or " " in url:
        raise RequestRejected(f"certificate URL {shown(url)} has characters a URL cannot have")
    if "?" in url or "#" in url:
        raise RequestRejected(f"certificate URL {shown(url)} has a query or fragment")
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as error:
        raise RequestRejected(f"certificate URL {shown(url)} is malformed: {error}") from None
    if parts.username is not None or parts.password is not None:
        raise RequestRejected(f"certificate URL {shown(url)} carries user info")
    origin = f"{parts.scheme}://{parts.netloc}".lower()
    if test_origin is not None and origin == test_origin:
        netloc = parts.netloc.lower()
    else:
        if parts.scheme.lower() != CERT_URL_SCHEME:
            raise RequestRejected(f"certificate URL {shown(url)} is not https")
        if (parts.hostname or "").lower() != CERT_URL_HOST:
            raise RequestRejected(f"certificate URL {shown(url)} is not on {CERT_URL_HOST}")
        if port is not None and port != CERT_URL_PORT:
            raise RequestRejected(f"certificate URL {shown(url)} uses port {port}, not 443")
        netloc = CERT_URL_HOST
    path = posixpath.normpath(unquote(parts.path)) if parts.path else ""
    if not path.startswith(CERT_URL_PATH_PREFIX):
        raise RequestRejected(f"certificate URL {shown(url)} path is not under "
                              f"{CERT_URL_PATH_PREFIX}")
    return urlunsplit((parts.scheme.lower(), netloc, quote(path), "", ""))


def decode_signature(value: object) -> bytes:
    """The Signature-256 header as bytes: strict base64, and the length of an RSA signature."""
    if not isinstance(value, str) or len(value) > URL_MAX_CHARS:
        raise RequestRejected(f"{SIGNATURE_HEADER} is not an RSA signature (too long)")
    try:
        decoded = base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError):
        raise RequestRejected(f"{SIGNATURE_HEADER} is not base64") from None
    shortest, longest = SIGNATURE_BYTES
    if not shortest <= len(decoded) <= longest:
        raise RequestRejected(f"{SIGNATURE_HEADER} is {len(decoded)} bytes, not an RSA signature "
                              f"({shortest} to {longest} bytes)")
    return decoded


def parse_timestamp(stamp: object) -> datetime:
    """The request's timestamp, from the raw JSON string (or the SDK's datetime); a timestamp
    without a zone is read as UTC, as Alexa means it."""
    if isinstance(stamp, str):
        if len(stamp) > TIMESTAMP_MAX_CHARS:
            raise RequestRejected(f"timestamp is not an ISO 8601 date ({len(stamp)} characters)")
        try:
            stamp = datetime.fromisoformat(stamp)
        except ValueError:
            raise RequestRejected(f"timestamp is not an ISO 8601 date: {shown(stamp)}") from None
    if not isinstance(stamp, datetime):
        raise RequestRejected("request has no timestamp")
    return _utc(stamp)


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    """The chain is fetched from the URL that was checked, never from where it redirects."""

    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


class FetchesBusy(RequestRejected):
    """Every fetch slot is taken: a refusal of this request, not a verdict on its URL."""


# Chain fetches in flight per worker process, counting any still winding down after their
# deadline: Amazon's one chain is fetched about once a day, so a handful is plenty.
FETCHES_AT_ONCE = 4
_FETCH_SLOTS = threading.BoundedSemaphore(FETCHES_AT_ONCE)


def fetch_certificate_chain(url: str, *, timeout: float = FETCH_TIMEOUT_SECONDS,
                            max_bytes: int = FETCH_MAX_BYTES) -> bytes:
    """GET the PEM chain: no redirects, a size cap, and a wall-clock deadline on the whole fetch.

    The download runs in a helper thread and the caller waits at most `timeout` for it, so
    nothing the server does (trickling a byte every 0.25 s, a name that resolves slowly, a TLS
    handshake that stalls) holds the request longer. The helper stops at its next read after
    the deadline; at most FETCHES_AT_ONCE run at a time per process.
    """
    if not _FETCH_SLOTS.acquire(blocking=False):
        raise FetchesBusy(f"{FETCHES_AT_ONCE} certificate chain fetches already in progress")
    deadline = time.monotonic() + timeout
    outcome: dict[str, Any] = {}

    def download() -> None:
        try:
            outcome["chain"] = _download(url, timeout, max_bytes, deadline)
        except BaseException as error:   # handed to the caller, whatever it is
            outcome["error"] = error
        finally:
            _FETCH_SLOTS.release()

    helper = threading.Thread(target=download, name="chain-fetch", daemon=True)
    helper.start()
    helper.join(max(0.0, deadline - time.monotonic()))
    if helper.is_alive() or not outcome:
        raise RequestRejected(f"certificate chain at {shown(url)} took longer than "
                              f"{timeout:g} s")
    if "error" in outcome:
        raise outcome["error"]
    return outcome["chain"]


def _download(url: str, timeout: float, max_bytes: int, deadline: float) -> bytes:
    """The fetch itself, in the helper thread: every failure becomes a RequestRejected."""
    handlers: list[urllib.request.BaseHandler] = [_NoRedirect()]
    if urlsplit(url).hostname in _LOOPBACK:
        handlers.append(urllib.request.ProxyHandler({}))  # a proxy must not see test traffic
    opener = urllib.request.build_opener(*handlers)
    chunks: list[bytes] = []
    size = 0
    try:
        with opener.open(url, timeout=timeout) as response:
            if response.status != 200:
                raise RequestRejected(f"certificate URL {shown(url)} answered {response.status}")
            length = response.headers.get("Content-Length", "")
            if length.isdigit() and int(length) > max_bytes:
                raise RequestRejected(f"certificate chain at {shown(url)} is larger than "
                                      f"{max_bytes} bytes")
            # read1 returns whatever one read brings, so the deadline is checked after every
            # piece, however small the pieces; read(n) would wait for all n bytes.
            while chunk := response.read1(8192):
                size += len(chunk)
                if size > max_bytes:
                    raise RequestRejected(f"certificate chain at {shown(url)} is larger than "
                                          f"{max_bytes} bytes")
                if time.monotonic() > deadline:
                    raise RequestRejected(f"certificate chain at {shown(url)} took longer than "
                                          f"{timeout:g} s")
                chunks.append(chunk)
    except RequestRejected:
        raise
    except urllib.error.HTTPError as error:   # redirects land here too: they are not followed
        raise RequestRejected(f"certificate URL {shown(url)} answered {error.code}") from None
    except Exception as error:   # a bad status line, a TLS error, a reset: all a refusal
        raise RequestRejected(f"could not fetch the certificate chain from {shown(url)}: "
                              f"{type(error).__name__}: {shown(str(error))}") from None
    return b"".join(chunks)


def load_trusted_roots(path: str | None = None) -> list[x509.Certificate]:
    """Root certificates from a PEM bundle: `path`, or certifi's (Mozilla's list) by default.

    Each certificate is parsed on its own, so one that a future `cryptography` refuses
    (certifi carries an old root with a negative serial number) costs only that root.
    """
    if path is None:
        import certifi

        path = certifi.where()
    with open(path, "rb") as bundle:
        data = bundle.read()
    roots = []
    for block in _PEM_CERT.findall(data):
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                roots.append(x509.load_pem_x509_certificate(block))
        except ValueError as error:
            log.debug("skipped a root certificate in %s: %s", path, error)
    if not roots:
        raise ValueError(f"no certificates in the trusted roots file {path}")
    return roots


def _header(headers: Mapping[str, Any], name: str) -> str | None:
    """A header's value, whatever the case of its name (Flask's headers or a plain dict)."""
    wanted = name.lower()
    for key, value in headers.items():
        if key.lower() == wanted:
            return value
    return None


def _utc(moment: datetime) -> datetime:
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment


def _signs(key: rsa.RSAPublicKey, signature: bytes, body: bytes) -> bool:
    try:
        key.verify(signature, body, padding.PKCS1v15(), hashes.SHA256())
    except InvalidSignature:
        return False
    return True


def check_signing_certificate(leaf: x509.Certificate, url: str) -> rsa.RSAPublicKey:
    """Amazon's rules for the signing certificate itself; its RSA key if they hold.

    An RSA key of at least 2048 bits, a key usage that includes digitalSignature, and
    echo-api.amazon.com among its subjectAltName DNS names exactly as written: `cryptography`'s
    server-name check would also accept a wildcard such as *.amazon.com, and does not look at
    key usage or key size for a leaf. More names beside it are allowed, as Amazon's rule only
    asks that the name be present.
    """
    key = leaf.public_key()
    if not isinstance(key, rsa.RSAPublicKey):
        raise RequestRejected(f"signing certificate at {shown(url)} has no RSA key")
    if key.key_size < RSA_MIN_BITS:
        raise RequestRejected(f"signing certificate at {shown(url)} has a {key.key_size}-bit RSA "
                              f"key (at least {RSA_MIN_BITS} bits)")
    try:
        usage = leaf.extensions.get_extension_for_class(x509.KeyUsage).value
    except x509.ExtensionNotFound:
        usage = None
    if usage is None or not usage.digital_signature:
        raise RequestRejected(f"signing certificate at {shown(url)} is not for digitalSignature "
                              "(key usage)")
    try:
        names = leaf.extensions.get_extension_for_class(
            x509.SubjectAlternativeName).value.get_values_for_type(x509.DNSName)
    except x509.ExtensionNotFound:
        names = []
    if SIGNING_NAME not in (name.lower() for name in names):
        raise RequestRejected(f"signing certificate at {shown(url)}: {SIGNING_NAME} is not "
                              f"among its subjectAltName names {shown(names[:4])}")
    return key


class _ChainCache:
    """Verified signing keys by chain URL, each kept until the first certificate in its chain
    expires, and chain URLs that failed, each refused for FAILURE_SECONDS without a fetch.
    Shared by a worker's threads, hence the lock; one fetch at a time per URL (`flight`)."""

    def __init__(self, limit: int = CACHE_LIMIT) -> None:
        self._limit = limit
        self._lock = threading.Lock()
        self._entries: dict[str, tuple[rsa.RSAPublicKey, datetime, datetime]] = {}
        self._failures: dict[str, tuple[str, datetime]] = {}
        self._flights: dict[str, threading.Lock] = {}

    def get(self, url: str, now: datetime) -> rsa.RSAPublicKey | None:
        """The cached key; None if there is none; RequestRejected if the URL failed lately."""
        with self._lock:
            failure = self._failures.get(url)
            if failure is not None:
                if now < failure[1]:
                    raise RequestRejected(f"{failure[0]} (a recent failure, not retried until "
                                          f"{failure[1]:%H:%M:%S})")
                del self._failures[url]
            entry = self._entries.get(url)
            if entry is None:
                return None
            if now >= entry[1]:
                del self._entries[url]
                return None
            return entry[0]

    def fetched_at(self, url: str) -> datetime | None:
        """When the cached key for `url` was fetched (or last tried again), if there is one."""
        with self._lock:
            entry = self._entries.get(url)
            return entry[2] if entry is not None else None

    def put(self, url: str, key: rsa.RSAPublicKey, expires: datetime, now: datetime) -> None:
        with self._lock:
            self._failures.pop(url, None)
            self._bounded(self._entries, url)
            self._entries[url] = (key, expires, now)

    def tried(self, url: str, now: datetime) -> None:
        """A refetch of `url` failed: keep its key, but do not try again before REFETCH_SECONDS."""
        with self._lock:
            entry = self._entries.get(url)
            if entry is not None:
                self._entries[url] = (entry[0], entry[1], now)

    def fail(self, url: str, reason: str, until: datetime) -> None:
        with self._lock:
            self._entries.pop(url, None)
            self._bounded(self._failures, url)
            self._failures[url] = (reason, until)

    def _bounded(self, table: dict[str, Any], url: str) -> None:
        if url not in table and len(table) >= self._limit:
            del table[min(table, key=lambda known: table[known][1])]

    def flight(self, url: str) -> threading.Lock:
        """The lock held while `url` is fetched, so concurrent requests wait for one fetch."""
        with self._lock:
            if len(self._flights) > 4 * self._limit:
                self._flights = {known: lock for known, lock in self._flights.items()
                                 if lock.locked()}
            return self._flights.setdefault(url, threading.Lock())


class AlexaRequestVerifier(AbstractVerifier):
    """The signature and timestamp checks Amazon requires of a web-service skill.

    `trusted_roots` default to certifi's bundle; `fetch` (URL -> PEM bytes) and `clock` are
    there so tests can serve their own chain and time without touching the URL rules.
    """

    def __init__(self, trusted_roots: Iterable[x509.Certificate] | None = None, *,
                 fetch: Callable[[str], bytes] | None = None,
                 clock: Callable[[], datetime] | None = None,
                 test_cert_origin: str | None = None,
                 tolerance: timedelta = TIMESTAMP_TOLERANCE) -> None:
        roots = load_trusted_roots() if trusted_roots is None else list(trusted_roots)
        if not roots:
            raise ValueError("no trusted root certificates")
        if tolerance > TIMESTAMP_TOLERANCE or tolerance < timedelta(0):
            raise ValueError("the timestamp tolerance must be between 0 and 150 seconds")
        self._store = Store(roots)
        self._fetch = fetch or fetch_certificate_chain
        self._clock = clock or (lambda: datetime.now(UTC))
        self._test_origin = validate_test_origin(test_cert_origin) if test_cert_origin else None
        self._tolerance = tolerance
        self._cache = _ChainCache()

    @classmethod
    def from_settings(cls, settings: Settings) -> AlexaRequestVerifier:
        """The production verifier for `skill.config.Settings`."""
        return cls(load_trusted_roots(settings.trusted_roots),
                   test_cert_origin=settings.test_cert_origin)

    def verify(self, headers: Mapping[str, Any], serialized_request_env: str,
               deserialized_request_env: RequestEnvelope) -> None:
        """flask-ask-sdk's verifier interface: `verify_request` on the SDK's envelope."""
        body = (serialized_request_env.encode("utf-8")
                if isinstance(serialized_request_env, str) else bytes(serialized_request_env))
        stamp = getattr(getattr(deserialized_request_env, "request", None), "timestamp", None)
        self.verify_request(headers, body, stamp)

    def verify_request(self, headers: Mapping[str, Any], body: bytes, timestamp: object) -> None:
        """Raise RequestRejected unless `body` is signed by Alexa, now.

        Everything that costs nothing comes first: both headers present and well formed, the
        signature decoded, the timestamp within 150 s, the certificate URL within Amazon's
        rules. Only then the chain: from the cache, or fetched and validated. `body` is the
        bytes exactly as received; `timestamp` the request's, as a string from the raw JSON (or
        a datetime).
        """
        cert_url = _header(headers, CERT_URL_HEADER)
        signature = _header(headers, SIGNATURE_HEADER)
        if not cert_url:
            raise RequestRejected(f"missing {CERT_URL_HEADER} header")
        if not signature:
            raise RequestRejected(f"missing {SIGNATURE_HEADER} header")
        decoded = decode_signature(signature)
        now = _utc(self._clock())
        self.check_timestamp(timestamp, now)
        url = validate_cert_url(cert_url, test_origin=self._test_origin)
        key = self.signing_key(url, now)
        if _signs(key, decoded, body):
            return
        # Amazon may have rotated the certificate behind this URL: fetch it once more, unless
        # it was fetched within REFETCH_SECONDS (so forged signatures cannot force a fetch each).
        fetched = self._cache.fetched_at(url)
        refresh_before = now - timedelta(seconds=REFETCH_SECONDS)
        if fetched is None or fetched > refresh_before:
            raise RequestRejected("signature does not match the body")
        key = self.signing_key(url, now, refresh_before=refresh_before)
        if not _signs(key, decoded, body):
            raise RequestRejected("signature does not match the body (the chain fetched again)")

    def signing_key(self, url: str, now: datetime, *,
                    refresh_before: datetime | None = None) -> rsa.RSAPublicKey:
        """The public key of the verified signing certificate at `url` (a URL that passed
        `validate_cert_url`), from the cache when it is there; one fetch at a time per URL.

        `refresh_before`: fetch again if the cached key was fetched before that moment; a
        failed refetch keeps the cached key (only its time is updated).
        """
        if refresh_before is None:
            key = self._cache.get(url, now)
            if key is not None:
                return key
        with self._cache.flight(url):
            key = self._cache.get(url, now)   # fetched by another thread meanwhile?
            fetched = self._cache.fetched_at(url)
            if key is not None and (refresh_before is None or
                                    (fetched is not None and fetched > refresh_before)):
                return key
            try:
                key, expires = self._load_key(url, now)
            except FetchesBusy:
                raise
            except RequestRejected as error:
                if refresh_before is not None and fetched is not None:
                    self._cache.tried(url, now)
                else:
                    self._cache.fail(url, str(error), now + timedelta(seconds=FAILURE_SECONDS))
                raise
            self._cache.put(url, key, expires, now)
            return key

    def _load_key(self, url: str, now: datetime) -> tuple[rsa.RSAPublicKey, datetime]:
        """Fetch the chain at `url` and validate it: the leaf's key and when the chain expires."""
        chain = self._fetch(url)
        try:
            certificates = x509.load_pem_x509_certificates(chain)
        except ValueError as error:
            raise RequestRejected(f"certificate chain at {shown(url)} is not PEM: {error}"
                                  ) from None
        leaf, intermediates = certificates[0], certificates[1:]
        key = check_signing_certificate(leaf, url)
        verifier = (PolicyBuilder().store(self._store).time(now)
                    .build_server_verifier(DNSName(SIGNING_NAME)))
        try:
            path = verifier.verify(leaf, intermediates)
        except VerificationError as error:
            raise RequestRejected(f"certificate chain at {shown(url)} is not valid for "
                                  f"{SIGNING_NAME} now: {error}") from None
        return key, min(cert.not_valid_after_utc for cert in path)

    def check_timestamp(self, stamp: object, now: datetime) -> None:
        """Within 150 s either way (`stamp`: the raw string, a datetime, or an SDK envelope)."""
        if isinstance(stamp, RequestEnvelope):
            stamp = getattr(stamp.request, "timestamp", None)
        age = now - parse_timestamp(stamp)
        limit = self._tolerance.total_seconds()
        if age > self._tolerance:
            raise RequestRejected(f"timestamp is {age.total_seconds():.0f} s old "
                                  f"(limit {limit:.0f} s)")
        if -age > self._tolerance:
            raise RequestRejected(f"timestamp is {-age.total_seconds():.0f} s in the future "
                                  f"(limit {limit:.0f} s)")


class SkillIdVerifier(AbstractVerifier):
    """Refuses requests whose application id is not this skill's (answered with 403)."""

    def __init__(self, skill_id: str) -> None:
        if not skill_id:
            raise ValueError("a skill id is required")
        self._skill_id = skill_id

    def verify(self, headers: Mapping[str, Any], serialized_request_env: str,
               deserialized_request_env: RequestEnvelope) -> None:
        found = []
        for holder in (getattr(getattr(deserialized_request_env, "context", None), "system", None),
                       getattr(deserialized_request_env, "session", None)):
            application = getattr(holder, "application", None)
            if application is not None:
                found.append(getattr(application, "application_id", None))
        if not found:
            raise WrongSkill("request carries no application id")
        for application_id in found:
            if application_id != self._skill_id:
                raise WrongSkill(f"application id {shown(application_id)} is not this skill's")
