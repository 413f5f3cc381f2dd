# A visit counter: each page view adds one to "hits" in redis, found by its host name.
# Plain sockets speak redis's protocol (RESP), so the image needs no client library.
import http.server
import os
import socket

REDIS_HOST = os.environ.get("REDIS_HOST", "redis")


def increment(key):
    with socket.create_connection((REDIS_HOST, 6379), timeout=5) as conn:
        conn.sendall(b"*2\r\n$4\r\nINCR\r\n$%d\r\n%s\r\n" % (len(key), key.encode()))
        reply = conn.recv(64)  # ":<number>\r\n"
    return int(reply[1:].strip())


class Counter(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        hits = increment("hits")
        body = f"Hello! This page has been seen {hits} times.\n".encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/plain; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


server = http.server.HTTPServer(("", 8000), Counter)
print(f"visit counter listening on port 8000, counting in redis at {REDIS_HOST}", flush=True)
server.serve_forever()
