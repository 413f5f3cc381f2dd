// What the lab's offline package world holds: the recipe (build-packages.ts) builds these and
// their dependency closure; tests/unit/packages-manifest.test.ts holds the committed manifest
// to this list.

/** Debian 12 packages whose Python distributions become wheels (`:i386` for compiled ones). */
export const PYPI_ROOTS = [
  'python3-flask',
  'python3-markupsafe:i386',
  'python3-requests',
  'python3-redis',
  'python3-gunicorn',
  'python3-psycopg2:i386',
];

/**
 * Wheels whose compiled code loads shared libraries the python image does not have, with the
 * Debian packages that hold them, and the distribution names the wheel is built under: the
 * libraries (and what they need beyond the image) go inside the wheel, in `<name>.libs/` with a
 * RUNPATH to it, as auditwheel bundles them in PyPI's manylinux wheels. Tutorials name both
 * psycopg2 (which PyPI builds from source against the full image's libpq-dev) and
 * psycopg2-binary (PyPI's wheel with libpq inside); both are Debian's one build here.
 */
export const PYPI_BUNDLED: Record<string, { libraries: string[]; names: string[] }> = {
  'python3-psycopg2': { libraries: ['libpq5'], names: ['psycopg2', 'psycopg2-binary'] },
};

/** The Debian packages the python image adds to the debian image (images/containers/build-images.ts). */
export const PYTHON_IMAGE_ROOTS = ['python3', 'python3-pip', 'python3-venv'];

/**
 * npm packages (with a range: `express@^4`), fetched from the npm registry at build time with
 * their dependency closure, at the versions npm picks on the node image (Node 18, npm 9).
 * Express 4 and 5, body-parser 1 and 2, redis 4 and the newest: tutorials' package.json files
 * ask for both.
 */
export const NPM_ROOTS = ['express', 'express@^4', 'body-parser', 'body-parser@^1', 'dotenv', 'nodemon', 'pg', 'redis', 'redis@^4'];

/**
 * Debian 12 packages the lab's offline Debian mirror serves (with what they need beyond the
 * debian image's essential set): what tutorials `apt-get install` in a Dockerfile. Not dnsutils
 * (Debian's needs libicu, 12 MB more) or build-essential (71 MB).
 */
export const APT_ROOTS = ['curl', 'wget', 'ca-certificates', 'nano', 'vim-tiny', 'iputils-ping', 'procps', 'net-tools', 'less', 'jq', 'unzip', 'netcat-openbsd', 'git', 'python3'];
