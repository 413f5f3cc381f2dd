# A small web app: Flask answers every path with a greeting taken from the environment.
# Flask is not part of Python: requirements.txt names it, and the image's build installs it.
import os

from flask import Flask

app = Flask(__name__)
GREETING = os.environ.get("GREETING", "Hello")


@app.route("/")
@app.route("/<path:name>")
def hello(name=""):
    return f"{GREETING}! You asked for /{name}\n"


if __name__ == "__main__":
    app.run(host="0.0.0.0", port=8000)
