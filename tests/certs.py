"""A private certificate authority for the web-service tests: root, intermediate, signing leaf.

Built with `cryptography` the way a public Web PKI chain is shaped (key usages, key
identifiers, server-auth leaf), so the verifier under test checks them with the very policy it
applies to Amazon's real chain. Nothing here talks to the network.
"""

from __future__ import annotations

import base64
import threading
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

ALEXA_NAME = "echo-api.amazon.com"


def _name(common_name: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Muscle Twitch Test PKI"),
                      x509.NameAttribute(NameOID.COMMON_NAME, common_name)])


def _rsa_key(bits: int = 2048) -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=bits)


@dataclass
class Authority:
    """A CA that can sign: its certificate and private key."""

    certificate: x509.Certificate
    key: rsa.RSAPrivateKey

    def issue(self, subject: x509.Name, public_key, *, ca: bool, not_before: datetime,
              not_after: datetime, san: list[str] | None = None,
              digital_signature: bool | None = None) -> x509.Certificate:
        """A certificate for `public_key`; `digital_signature` overrides the leaf's key usage
        (a CA never has it, a leaf has it unless told otherwise)."""
        signs = (not ca) if digital_signature is None else digital_signature
        builder = (x509.CertificateBuilder()
                   .subject_name(subject)
                   .issuer_name(self.certificate.subject)
                   .public_key(public_key)
                   .serial_number(x509.random_serial_number())
                   .not_valid_before(not_before)
                   .not_valid_after(not_after)
                   .add_extension(x509.BasicConstraints(ca=ca, path_length=0 if ca else None),
                                  critical=True)
                   .add_extension(x509.KeyUsage(
                       digital_signature=signs, content_commitment=False,
                       key_encipherment=not ca, data_encipherment=False, key_agreement=False,
                       key_cert_sign=ca, crl_sign=ca, encipher_only=False, decipher_only=False),
                       critical=True)
                   .add_extension(x509.SubjectKeyIdentifier.from_public_key(public_key),
                                  critical=False)
                   .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(
                       self.key.public_key()), critical=False))
        if not ca:
            builder = builder.add_extension(
                x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        if san:
            builder = builder.add_extension(
                x509.SubjectAlternativeName([x509.DNSName(name) for name in san]),
                critical=False)
        return builder.sign(self.key, hashes.SHA256())


def make_root(name: str = "Test Root CA") -> Authority:
    key = _rsa_key()
    now = datetime.now(UTC)
    subject = _name(name)
    certificate = (x509.CertificateBuilder()
                   .subject_name(subject).issuer_name(subject)
                   .public_key(key.public_key())
                   .serial_number(x509.random_serial_number())
                   .not_valid_before(now - timedelta(days=30))
                   .not_valid_after(now + timedelta(days=3650))
                   .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
                   .add_extension(x509.KeyUsage(
                       digital_signature=False, content_commitment=False,
                       key_encipherment=False, data_encipherment=False, key_agreement=False,
                       key_cert_sign=True, crl_sign=True, encipher_only=False,
                       decipher_only=False), critical=True)
                   .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()),
                                  critical=False)
                   .sign(key, hashes.SHA256()))
    return Authority(certificate, key)


@dataclass
class Signer:
    """A signing certificate with its chain: what Alexa holds, and what it publishes."""

    leaf: x509.Certificate
    key: rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey
    intermediate: x509.Certificate

    def chain_pem(self) -> bytes:
        """Leaf first, then the intermediate: the order Amazon serves."""
        return b"".join(cert.public_bytes(serialization.Encoding.PEM)
                        for cert in (self.leaf, self.intermediate))

    def sign(self, body: bytes) -> str:
        """The Signature-256 header for `body`: base64 of the RSA PKCS#1 v1.5 SHA-256 signature."""
        if isinstance(self.key, rsa.RSAPrivateKey):
            signature = self.key.sign(body, padding.PKCS1v15(), hashes.SHA256())
        else:
            signature = self.key.sign(body, ec.ECDSA(hashes.SHA256()))
        return base64.b64encode(signature).decode("ascii")


@dataclass
class PrivatePKI:
    """A root, an intermediate under it, and ways to issue signing leaves."""

    root: Authority
    intermediate: Authority

    def signer(self, *, san: tuple[str, ...] = (ALEXA_NAME,), valid_from: timedelta =
               timedelta(days=-1), valid_until: timedelta = timedelta(days=30),
               ec_key: bool = False, rsa_bits: int = 2048,
               digital_signature: bool = True) -> Signer:
        """A leaf valid from now+valid_from to now+valid_until for the names in `san`; the bad
        ones Amazon's rules refuse: an EC key, a short RSA key, no digitalSignature usage."""
        key = ec.generate_private_key(ec.SECP256R1()) if ec_key else _rsa_key(rsa_bits)
        now = datetime.now(UTC)
        leaf = self.intermediate.issue(_name(san[0] if san else "no name"), key.public_key(),
                                       ca=False, not_before=now + valid_from,
                                       not_after=now + valid_until, san=list(san),
                                       digital_signature=digital_signature)
        return Signer(leaf, key, self.intermediate.certificate)

    def cross_signed_root(self, by: Authority) -> x509.Certificate:
        """This PKI's root re-issued under another CA, as Amazon's chain carries "Amazon Root
        CA 1" cross-signed by Starfield after the intermediate."""
        now = datetime.now(UTC)
        return by.issue(self.root.certificate.subject, self.root.key.public_key(), ca=True,
                        not_before=now - timedelta(days=30), not_after=now + timedelta(days=365))

    def roots_pem(self) -> bytes:
        return self.root.certificate.public_bytes(serialization.Encoding.PEM)


def make_pki() -> PrivatePKI:
    root = make_root()
    now = datetime.now(UTC)
    key = _rsa_key()
    certificate = root.issue(_name("Test Intermediate CA"), key.public_key(), ca=True,
                             not_before=now - timedelta(days=30),
                             not_after=now + timedelta(days=365))
    return PrivatePKI(root, Authority(certificate, key))


@dataclass
class Route:
    """What the certificate server answers on one path."""

    body: bytes
    status: int = 200
    delay: float = 0.0                      # seconds before each 8 KiB piece of the body
    headers: dict[str, str] = field(default_factory=dict)
    raw: bytes | None = None                # sent as is instead of a response (a broken server)
    trickle: float = 0.0                    # seconds between single bytes (a slow server)


class CertificateServer:
    """A tiny HTTP server on 127.0.0.1 standing in for s3.amazonaws.com/echo.api/.

    Use as a context manager; `routes` maps a path to a Route; `hits` counts requests per path.
    """

    def __init__(self) -> None:
        self.routes: dict[str, Route] = {}
        self.hits: dict[str, int] = {}
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                server.hits[self.path] = server.hits.get(self.path, 0) + 1
                route = server.routes.get(self.path) or Route(b"not found", status=404)
                if route.raw is not None:
                    self.wfile.write(route.raw)
                    self.close_connection = True
                    return
                self.send_response(route.status)
                for name, value in route.headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(route.body)))
                self.end_headers()
                try:
                    step = 1 if route.trickle else 8192
                    for start in range(0, len(route.body), step):
                        time.sleep(route.trickle or route.delay)
                        self.wfile.write(route.body[start:start + step])
                        self.wfile.flush()
                except (BrokenPipeError, ConnectionResetError):
                    pass

            def log_message(self, format: str, *args: object) -> None:
                pass

        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._httpd.daemon_threads = True
        self.origin = f"http://127.0.0.1:{self._httpd.server_address[1]}"
        self._thread = threading.Thread(target=self._httpd.serve_forever, args=(0.05,),
                                        daemon=True)

    def url(self, path: str) -> str:
        return self.origin + path

    def __enter__(self) -> CertificateServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()


# --- shared by the web service's tests: one private CA and a fetcher standing in for HTTPS -----

CERT_URL = "https://s3.amazonaws.com/echo.api/echo-api-cert-12.pem"


class Fetcher:
    """Stands in for the HTTPS fetch of the chain: serves `chains[url]`, counts the calls."""

    def __init__(self, chains: dict[str, bytes]) -> None:
        self.chains = chains
        self.calls: list[str] = []

    def __call__(self, url: str) -> bytes:
        self.calls.append(url)
        if url not in self.chains:
            from skill.web.verify import RequestRejected

            raise RequestRejected(f"test fetcher has no chain at {url}")
        return self.chains[url]
