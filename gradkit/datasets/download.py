"""Download one file safely: progress bar, resume, retries, checksum verified before the file is used.

The bytes go to ``<dest>.part`` and become ``<dest>`` (``os.replace``, atomic) only after their size and
checksum matched, so a truncated or corrupted download is never used under the final name.

Retry and resume behaviour:

* Each URL is tried up to ``retries`` times, waiting ``backoff * 2**k`` seconds between tries; then the
  next mirror is tried. An unknown host, a refused connection or an HTTP 4xx moves on at once (offline,
  the error comes in well under a second).
* A ``.part`` file left by an interrupted download is resumed with an HTTP ``Range`` request. A server
  that ignores the range (status 200) makes the download restart from zero.
* A completed download whose size or checksum is wrong is deleted and the try counts as failed; the next
  try starts from zero.
* A file already at ``dest`` is verified; if it is wrong it is downloaded again and replaced.
"""

from __future__ import annotations

import hashlib
import http.client
import os
import socket
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from tqdm import tqdm

from gradkit.errors import UserError

CHUNK = 1 << 16


class DownloadError(UserError):
    """No mirror delivered a file with the right size and checksum; ``reason`` is the last error."""

    def __init__(self, message: str, reason: str = ""):
        super().__init__(message)
        self.reason = reason or message


@dataclass(frozen=True)
class RemoteFile:
    """One official file: its name, where to get it, and what it must look like."""

    name: str
    urls: tuple[str, ...]
    size: int | None = None
    sha256: str | None = None
    md5: str | None = None

    def describe(self) -> str:
        """``name (size B, sha256 ...)`` for error messages."""
        facts = []
        if self.size is not None:
            facts.append(f"{self.size:,} B")
        if self.sha256:
            facts.append(f"sha256 {self.sha256}")
        elif self.md5:
            facts.append(f"md5 {self.md5}")
        return f"{self.name} ({', '.join(facts)})" if facts else self.name


def file_digest(path: str | os.PathLike, algorithm: str) -> str:
    """Hex digest of a file, read in chunks."""
    digest = hashlib.new(algorithm)
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def verify_file(path: str | os.PathLike, remote: RemoteFile) -> str | None:
    """None if ``path`` has ``remote``'s size and checksums, else the reason it does not."""
    path = Path(path)
    if not path.is_file():
        return f"{path} does not exist"
    size = path.stat().st_size
    if remote.size is not None and size != remote.size:
        return f"{path} has {size:,} bytes, expected {remote.size:,} (truncated or not the official file)"
    for algorithm in ("sha256", "md5"):
        expected = getattr(remote, algorithm)
        if expected:
            actual = file_digest(path, algorithm)
            if actual != expected.lower():
                return f"{path} has {algorithm} {actual}, expected {expected} (corrupted or not the official file)"
    return None


def _open(opener: Callable, url: str, offset: int, timeout: float):
    request = urllib.request.Request(url, headers={"User-Agent": "gradkit"})
    if offset:
        request.add_header("Range", f"bytes={offset}-")
    return opener(request, timeout=timeout)


def _status(response) -> int:
    status = getattr(response, "status", None) or response.getcode()
    return 200 if status is None else int(status)  # file:// responses have no status


def _fetch_once(remote: RemoteFile, url: str, part: Path, *, opener, timeout, progress) -> None:
    """One try: append to ``part`` from where it stops (or restart), until the server ends the body."""
    offset = part.stat().st_size if part.exists() else 0
    if remote.size is not None and offset >= remote.size:
        part.unlink()
        offset = 0
    with _open(opener, url, offset, timeout) as response:
        status = _status(response)
        if offset and status != 206:  # the server ignored the Range header: start again
            offset = 0
        length = response.headers.get("Content-Length") if response.headers else None
        total = remote.size if remote.size is not None else (offset + int(length) if length else None)
        with open(part, "ab" if offset else "wb") as out, tqdm(
            total=total, initial=offset, unit="B", unit_scale=True, unit_divisor=1024,
            desc=remote.name, disable=not progress, leave=False,
        ) as bar:
            while block := response.read(CHUNK):
                out.write(block)
                bar.update(len(block))
            out.flush()
            os.fsync(out.fileno())
    received = part.stat().st_size
    if remote.size is not None and received < remote.size:  # keep the .part: the next try resumes it
        raise ConnectionError(f"connection closed after {received:,} of {remote.size:,} bytes")


def _is_permanent(error: Exception) -> bool:
    """Errors that retrying the same URL will not fix: unknown host, refused connection, HTTP 4xx."""
    if isinstance(error, urllib.error.HTTPError):
        return error.code < 500
    reason = getattr(error, "reason", error)
    return isinstance(reason, (socket.gaierror, ConnectionRefusedError, FileNotFoundError))


def download(
    remote: RemoteFile,
    dest: str | os.PathLike,
    *,
    opener: Callable | None = None,
    retries: int = 3,
    backoff: float = 1.0,
    timeout: float = 60.0,
    progress: bool = True,
) -> Path:
    """Make ``dest`` hold ``remote`` verified, downloading it if needed; return ``dest``.

    ``opener(request, timeout=...)`` defaults to ``urllib.request.urlopen``; tests pass their own, or
    serve files from a loopback server or ``file://`` URLs. Raises ``DownloadError`` (a ``UserError``)
    naming the file, the URLs tried and the last error.
    """
    dest = Path(dest)
    if dest.exists() and verify_file(dest, remote) is None:
        return dest
    opener = opener or urllib.request.urlopen
    dest.parent.mkdir(parents=True, exist_ok=True)
    part = dest.with_name(dest.name + ".part")
    last_error = "no URL to try"
    for url in remote.urls:
        for attempt in range(retries):
            if attempt:
                time.sleep(backoff * 2 ** (attempt - 1))
            try:
                _fetch_once(remote, url, part, opener=opener, timeout=timeout, progress=progress)
            except (urllib.error.URLError, OSError, ValueError, http.client.HTTPException) as error:
                last_error = f"{type(error).__name__}: {getattr(error, 'reason', error)}"
                if _is_permanent(error):
                    break  # no such host or file: next mirror, no retry
                continue  # keep the .part file: the next try resumes it
            problem = verify_file(part, remote)
            if problem is None:
                os.replace(part, dest)
                return dest
            last_error = problem.replace(str(part), f"download from {url}")
            part.unlink(missing_ok=True)
    raise DownloadError(
        f"could not download {remote.name} from {', '.join(remote.urls)} ({last_error}); "
        f"put {remote.describe()} at {dest}",
        last_error,
    )
