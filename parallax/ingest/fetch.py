"""Fetch article URLs for ingest: http(s) only, public addresses only, capped, timed out.

`fetch_urls` turns URLs into `Fetched` documents (bytes plus a file suffix chosen from the
Content-Type, ready for `parallax.ingest.readers`) or `FetchFailed` values with a stable reason
code and a message saying what to do; one bad URL never stops the others.

The network is passed in (`Fetcher.transport`, an httpx transport: ``httpx.MockTransport`` in
tests), and so is name resolution (`Fetcher.resolve`), so tests never touch the network.

Server-side request forgery: the web server fetches on a client's behalf, so by default every
host a request goes to (the URL's and each redirect's) must resolve only to public addresses;
loopback, private, link-local (cloud metadata at 169.254.169.254), multicast, reserved and
unspecified addresses are refused, as are IPv4 addresses hidden in IPv6 forms. The connection
then goes to the very address that was checked (the name is sent as the Host header and as the
TLS server name), so a name that resolves differently a moment later (DNS rebinding) cannot
redirect it. Redirects are followed by hand, each hop checked the same way.
`FetchPolicy.allow_private` turns the address check off for a server that is meant to read an
intranet.
"""

from __future__ import annotations

import ipaddress
import socket
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

import httpx

from parallax import __version__
from parallax.errors import InputError
from parallax.ingest.decode import decode_bytes, http_charset
from parallax.settings import Settings

#: Content types accepted, and the file suffix each is read as.
CONTENT_SUFFIXES: dict[str, str] = {
    "text/html": ".html",
    "application/xhtml+xml": ".html",
    "text/plain": ".txt",
    "application/json": ".json",
    "application/x-ndjson": ".jsonl",
    "application/jsonl": ".jsonl",
    "application/rss+xml": ".xml",
    "application/atom+xml": ".xml",
    "application/xml": ".xml",
    "text/xml": ".xml",
}
#: Suffixes whose text may be re-encoded to UTF-8 when HTTP names another charset.
_TEXT_SUFFIXES = (".html", ".txt")
_UTF8_BOM = b"\xef\xbb\xbf"

#: Redirects followed per URL.
MAX_REDIRECTS = 5
#: Longest URL accepted, in characters.
MAX_URL_CHARS = 2_048

Resolve = Callable[[str, int], list[str]]


def resolve_host(host: str, port: int) -> list[str]:
    """Every address ``host`` resolves to (the system resolver)."""
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return sorted({str(info[4][0]) for info in infos})


@dataclass(frozen=True)
class FetchPolicy:
    """Limits on one fetch."""

    #: Largest response body, in bytes after content decoding (gzip bombs count in full).
    max_bytes: int = 5_000_000
    #: Seconds allowed for connecting, for each read, and for the whole download.
    timeout: float = 10.0
    #: Fetch from loopback and private addresses too (off: the server refuses them).
    allow_private: bool = False

    @classmethod
    def from_settings(cls, settings: Settings) -> FetchPolicy:
        """The policy for a server: bodies capped at ``max_document_bytes``."""
        return cls(max_bytes=settings.max_document_bytes)


@dataclass(frozen=True)
class Fetcher:
    """What a fetch needs from outside: the policy, the network and the resolver."""

    policy: FetchPolicy = field(default_factory=FetchPolicy)
    #: The httpx transport (``None``: httpx's own, the real network).
    transport: httpx.BaseTransport | None = None
    resolve: Resolve = resolve_host


@dataclass(frozen=True)
class Fetched:
    """One fetched document: the URL asked for, where it ended up, and its bytes."""

    url: str
    final_url: str
    content_type: str
    suffix: str
    data: bytes


@dataclass(frozen=True)
class FetchFailed:
    """A URL that was not fetched. ``reason`` is a stable code: ``bad-url``, ``blocked-address``,
    ``unresolvable``, ``timeout``, ``network``, ``http-status``, ``too-many-redirects``,
    ``content-type`` or ``too-large``."""

    url: str
    reason: str
    message: str


class _Refused(Exception):
    def __init__(self, reason: str, message: str) -> None:
        super().__init__(message)
        self.reason = reason
        self.message = message


def _blocked(ip: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    """Whether an address is not a public unicast one (loopback, private, link-local, ...)."""
    if isinstance(ip, ipaddress.IPv6Address):
        embedded = ip.ipv4_mapped or ip.sixtofour or (ip.teredo[1] if ip.teredo else None)
        if embedded is not None and _blocked(embedded):
            return True
    return not ip.is_global or ip.is_multicast


def _addresses(
    host: str, port: int, resolve: Resolve
) -> list[ipaddress.IPv4Address | ipaddress.IPv6Address]:
    """The host itself if it is an address literal, else what it resolves to."""
    try:
        return [ipaddress.ip_address(host)]
    except ValueError:
        pass
    try:
        return [ipaddress.ip_address(a.split("%")[0]) for a in resolve(host, port)]
    except (OSError, UnicodeError, ValueError) as exc:
        raise _Refused("unresolvable", f"the host {host!r} does not resolve ({exc})") from None


def check_url(url: str, policy: FetchPolicy, resolve: Resolve) -> tuple[httpx.URL, str | None]:
    """The parsed URL if a fetch of it is allowed, and the checked address to connect to
    (``None`` when private addresses are allowed: then httpx resolves as usual); `_Refused`
    saying why not."""
    if len(url) > MAX_URL_CHARS:
        raise _Refused("bad-url", f"the URL is longer than {MAX_URL_CHARS} characters")
    try:
        parsed = httpx.URL(url)
    except (httpx.InvalidURL, TypeError, ValueError) as exc:
        raise _Refused("bad-url", f"not a valid URL ({exc})") from None
    if parsed.scheme not in ("http", "https"):
        raise _Refused(
            "bad-url", f"only http and https URLs are fetched, not {parsed.scheme or 'no'} scheme"
        )
    host = parsed.host
    if not host:
        raise _Refused("bad-url", "the URL has no host")
    if parsed.userinfo:
        raise _Refused("bad-url", "URLs with a user name or password are not fetched")
    if policy.allow_private:
        return parsed, None
    port = parsed.port or (443 if parsed.scheme == "https" else 80)
    addresses = _addresses(host, port, resolve)
    if not addresses:
        raise _Refused("unresolvable", f"the host {host!r} does not resolve")
    bad = [str(a) for a in addresses if _blocked(a)]
    if bad:
        raise _Refused(
            "blocked-address",
            f"the host {host!r} is a loopback, private or otherwise non-public address "
            f"({', '.join(bad[:3])}); the server does not fetch those (set allow_private to "
            "let it)",
        )
    return parsed, str(addresses[0])


def _media_type(content_type: str) -> str:
    return content_type.split(";")[0].strip().lower()


def _suffix(content_type: str) -> str:
    media = _media_type(content_type)
    suffix = CONTENT_SUFFIXES.get(media)
    if suffix is None:
        shown = media or "none"
        raise _Refused(
            "content-type",
            f"the response is {shown}, not an article type; fetched URLs must be "
            f"{', '.join(sorted(set(CONTENT_SUFFIXES)))}",
        )
    return suffix


def _read_capped(response: httpx.Response, policy: FetchPolicy, deadline: float) -> bytes:
    declared = response.headers.get("content-length", "").strip()
    if declared.isdigit() and int(declared) > policy.max_bytes:
        raise _Refused(
            "too-large",
            f"the response is {int(declared):,} bytes, over the {policy.max_bytes:,}-byte limit",
        )
    chunks: list[bytes] = []
    size = 0
    for chunk in response.iter_bytes():
        size += len(chunk)
        if size > policy.max_bytes:
            raise _Refused(
                "too-large", f"the response is over the {policy.max_bytes:,}-byte limit"
            )
        if time.monotonic() > deadline:
            raise _Refused("timeout", f"the download took longer than {policy.timeout:g} s")
        chunks.append(chunk)
    return b"".join(chunks)


def _as_utf8(data: bytes, suffix: str, content_type: str) -> bytes:
    """Text and HTML whose HTTP header names a charset, re-encoded as UTF-8 with a byte-order
    mark: the readers see only the bytes, and the mark makes them decode the text as the
    server declared it (a mark outranks a ``<meta>`` charset, as it does in browsers)."""
    declared = http_charset(content_type)
    if suffix not in _TEXT_SUFFIXES or declared is None:
        return data
    try:
        data.decode("utf-8")
        return data  # the readers take valid UTF-8 as UTF-8 whatever is declared, as we would
    except UnicodeDecodeError:
        pass
    try:
        return _UTF8_BOM + decode_bytes(data, declared).encode("utf-8")
    except InputError:
        return data  # the readers reject it with their own reason


def _request(client: httpx.Client, target: httpx.URL, address: str | None) -> httpx.Request:
    """A GET of ``target``, sent to ``address`` when one was checked (pinned)."""
    if address is None:
        return client.build_request("GET", target)
    return client.build_request(
        "GET",
        target.copy_with(host=address),
        headers={"Host": target.netloc.decode("ascii")},
        extensions={"sni_hostname": target.raw_host.decode("ascii")},
    )


def fetch_url(client: httpx.Client, url: str, fetcher: Fetcher) -> Fetched | FetchFailed:
    """Fetch one URL, following redirects by hand so that every hop is checked."""
    policy = fetcher.policy
    deadline = time.monotonic() + policy.timeout
    try:
        target, address = check_url(url, policy, fetcher.resolve)
        for _ in range(MAX_REDIRECTS + 1):
            request = _request(client, target, address)
            response = client.send(request, stream=True, follow_redirects=False)
            try:
                if response.is_redirect and "location" in response.headers:
                    location = response.headers["location"]
                    try:
                        joined = str(target.join(location))
                    except (httpx.InvalidURL, ValueError):
                        raise _Refused("bad-url", "a redirect went to an invalid URL") from None
                    target, address = check_url(joined, policy, fetcher.resolve)
                    continue
                if not response.is_success:
                    raise _Refused(
                        "http-status",
                        f"the server answered {response.status_code} "
                        f"{response.reason_phrase}".rstrip(),
                    )
                content_type = response.headers.get("content-type", "")
                suffix = _suffix(content_type)
                data = _read_capped(response, policy, deadline)
            finally:
                response.close()
            return Fetched(
                url, str(target), _media_type(content_type), suffix,
                _as_utf8(data, suffix, content_type),
            )
        raise _Refused("too-many-redirects", f"more than {MAX_REDIRECTS} redirects")
    except _Refused as exc:
        return FetchFailed(url, exc.reason, exc.message)
    except httpx.TimeoutException:
        return FetchFailed(url, "timeout", f"no answer within {policy.timeout:g} s")
    except httpx.HTTPError as exc:
        return FetchFailed(url, "network", f"the fetch failed: {type(exc).__name__}: {exc}")


def fetched_name(fetched: Fetched) -> str:
    """A plain file name for a fetched document: its host and last path segment, reduced to
    ASCII letters, digits, dashes and underscores, with the suffix its content type names."""
    url = httpx.URL(fetched.final_url)
    segment = url.path.rstrip("/").rsplit("/", 1)[-1]
    stem = "".join(c if c.isascii() and (c.isalnum() or c in "-_") else "-" for c in
                   f"{url.host}-{segment}".removesuffix(fetched.suffix))
    return stem.strip("-")[:100] + fetched.suffix


def fetch_urls(urls: Iterable[str], fetcher: Fetcher) -> list[Fetched | FetchFailed]:
    """Fetch each URL in order with one client; one result per URL."""
    timeout = httpx.Timeout(fetcher.policy.timeout)
    with httpx.Client(
        transport=fetcher.transport,
        timeout=timeout,
        follow_redirects=False,
        trust_env=False,  # no proxy from the environment: the address check must hold
        headers={"User-Agent": f"Parallax/{__version__}"},
    ) as client:
        return [fetch_url(client, url, fetcher) for url in urls]
