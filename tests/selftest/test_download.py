"""download(): checksum before use, atomic rename, resume with Range, retries, mirrors; a loopback server only."""

import hashlib
import http.server
import socket
import threading
import urllib.error

import pytest

from gradkit.datasets.download import DownloadError, RemoteFile, download

PAYLOAD = bytes(range(256)) * 400  # 102,400 bytes


def remote_for(urls, data=PAYLOAD):
    return RemoteFile("payload.bin", tuple(urls), len(data), sha256=hashlib.sha256(data).hexdigest(),
                      md5=hashlib.md5(data).hexdigest())


class Server:
    """A loopback HTTP server with scripted misbehaviour, recording the Range header of each request."""

    def __init__(self):
        self.data = PAYLOAD
        self.plan = []          # per request: "ok", "cut" (stop half-way), "corrupt", "ignore-range", "404"
        self.ranges = []
        server = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_GET(self):
                action = server.plan.pop(0) if server.plan else "ok"
                server.ranges.append(self.headers.get("Range"))
                if action == "404":
                    self.send_error(404)
                    return
                start = 0
                header = self.headers.get("Range")
                if header and action != "ignore-range":
                    start = int(header.removeprefix("bytes=").rstrip("-"))
                body = server.data[start:]
                if action == "corrupt":
                    body = bytes([body[0] ^ 0xFF]) + body[1:]
                self.send_response(206 if start else 200)
                if start:
                    self.send_header("Content-Range", f"bytes {start}-{len(server.data) - 1}/{len(server.data)}")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                if action == "cut":
                    self.wfile.write(body[: len(body) // 2])
                    self.wfile.flush()
                    self.connection.shutdown(socket.SHUT_RDWR)
                    return
                self.wfile.write(body)

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/payload.bin"
        self.thread = threading.Thread(target=self.httpd.serve_forever, args=(0.02,), daemon=True)
        self.thread.start()

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def server():
    running = Server()
    yield running
    running.close()


def fetch(remote, dest, **kwargs):
    return download(remote, dest, progress=False, backoff=0, timeout=10, **kwargs)


def test_download_verifies_then_renames_into_place(server, tmp_path):
    dest = tmp_path / "sub" / "payload.bin"
    assert fetch(remote_for([server.url]), dest) == dest
    assert dest.read_bytes() == PAYLOAD
    assert list(dest.parent.iterdir()) == [dest]  # no .part left behind


def test_partial_file_is_resumed_with_a_range_request(server, tmp_path):
    dest = tmp_path / "payload.bin"
    (tmp_path / "payload.bin.part").write_bytes(PAYLOAD[:1000])
    fetch(remote_for([server.url]), dest)
    assert server.ranges == ["bytes=1000-"]
    assert dest.read_bytes() == PAYLOAD


def test_server_ignoring_the_range_makes_the_download_restart(server, tmp_path):
    server.plan = ["ignore-range"]
    dest = tmp_path / "payload.bin"
    (tmp_path / "payload.bin.part").write_bytes(PAYLOAD[:1000])
    fetch(remote_for([server.url]), dest)
    assert dest.read_bytes() == PAYLOAD


def test_connection_cut_half_way_is_retried_from_where_it_stopped(server, tmp_path):
    server.plan = ["cut", "ok"]
    dest = tmp_path / "payload.bin"
    fetch(remote_for([server.url]), dest)
    assert dest.read_bytes() == PAYLOAD
    assert server.ranges[0] is None and server.ranges[1].startswith("bytes=")


def test_corrupted_download_is_never_used(server, tmp_path):
    server.plan = ["corrupt"] * 3
    dest = tmp_path / "payload.bin"
    with pytest.raises(DownloadError) as raised:
        fetch(remote_for([server.url]), dest, retries=3)
    message = str(raised.value)
    assert "sha256" in message and "put payload.bin (102,400 B, sha256 " in message and str(dest) in message
    assert not dest.exists() and not (tmp_path / "payload.bin.part").exists()
    assert len(server.ranges) == 3


def test_corrupted_then_good_download_succeeds_on_retry(server, tmp_path):
    server.plan = ["corrupt", "ok"]
    dest = tmp_path / "payload.bin"
    fetch(remote_for([server.url]), dest)
    assert dest.read_bytes() == PAYLOAD


def test_missing_file_moves_to_the_next_mirror_without_retrying(server, tmp_path):
    server.plan = ["404"]
    dest = tmp_path / "payload.bin"
    fetch(remote_for([server.url.replace("payload", "gone"), server.url]), dest)
    assert len(server.ranges) == 2 and dest.read_bytes() == PAYLOAD


def test_verified_file_in_place_is_not_downloaded_again(server, tmp_path):
    dest = tmp_path / "payload.bin"
    dest.write_bytes(PAYLOAD)
    fetch(remote_for([server.url]), dest)
    assert server.ranges == []


def test_corrupted_file_in_place_is_replaced(server, tmp_path):
    dest = tmp_path / "payload.bin"
    dest.write_bytes(b"x" * len(PAYLOAD))
    fetch(remote_for([server.url]), dest)
    assert dest.read_bytes() == PAYLOAD


def test_file_urls_work(tmp_path):
    source = tmp_path / "mirror" / "payload.bin"
    source.parent.mkdir()
    source.write_bytes(PAYLOAD)
    dest = tmp_path / "payload.bin"
    fetch(remote_for([source.as_uri()]), dest)
    assert dest.read_bytes() == PAYLOAD


def test_offline_error_names_the_file_and_where_to_put_it(tmp_path):
    calls = []

    def offline(request, timeout=None):
        calls.append(request.full_url)
        raise urllib.error.URLError(socket.gaierror(-2, "Name or service not known"))

    dest = tmp_path / "payload.bin"
    with pytest.raises(DownloadError) as raised:
        fetch(remote_for(["https://a.invalid/payload.bin", "https://b.invalid/payload.bin"]), dest, opener=offline)
    assert calls == ["https://a.invalid/payload.bin", "https://b.invalid/payload.bin"]  # no retries of a dead host
    assert raised.value.reason == "URLError: [Errno -2] Name or service not known"
    assert str(raised.value).endswith(f"at {dest}")
