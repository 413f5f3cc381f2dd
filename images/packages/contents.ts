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
];
