# Runs in the build stage only: writes the page the small image will serve.
import platform
import sys

print(f"""<h1>Made in a build stage</h1>
<p>Python {platform.python_version()} wrote this page while the image was built.
The image serving it has no Python at all.</p>""")
sys.stdout.flush()
