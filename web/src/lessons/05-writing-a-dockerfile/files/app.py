# A tiny web app: it answers every request with a greeting taken from its environment.
import http.server
import os

GREETING = os.environ.get("GREETING", "Hello")


class Greeter(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        body = f"{GREETING}! You asked for {self.path}\n".encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/plain; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


server = http.server.HTTPServer(("", 8000), Greeter)
print("hello-app listening on port 8000", flush=True)  # only once it is
server.serve_forever()
