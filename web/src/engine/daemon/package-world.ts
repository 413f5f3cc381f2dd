// The lab's offline package world (built by images/packages/build-packages.ts into
// public/registry/packages/): a static HTTP server in the guest serves it, and containers and
// builds reach it under the package managers' usual host names.

/**
 * Host names a container resolves to the package server (its network's gateway). Other names
 * stay unresolvable, as on a machine without internet.
 */
export const PACKAGE_HOSTS = ['pypi.org', 'files.pythonhosted.org', 'registry.npmjs.org', 'deb.debian.org', 'security.debian.org'];

/**
 * The server's port on the lab machine. Not 80: that port is the learner's (`-p 80:80` binds
 * every address, so a server on any address's port 80 would make it fail). 3141 is devpi's, a
 * PyPI mirror's usual port; the images' pip.conf, .npmrc and sources.list name it.
 */
export const PACKAGE_PORT = 3141;

/** Where the package world's file index is, relative to the registry's base. */
export const PACKAGE_INDEX = 'packages/index.json';

/** `/etc/hosts` entries naming the package server at `address`. */
export const packageHostEntries = (address: string) => (address ? [{ host: PACKAGE_HOSTS.join(' '), address }] : []);

/**
 * Drydock's line after a package manager's own error about a package the index lacks: the
 * error is the tool's, from a real 404; this only says why the index is small.
 */
export function offlineHint(output: string): string | undefined {
  if (/No matching distribution found for /.test(output)) {
    return `Drydock runs offline: its Python package index has only the packages built into the lab (the list: http://pypi.org:${PACKAGE_PORT}/simple/ from a container).`;
  }
  // npm's own lines for a package (E404) or a version (ETARGET) the registry lacks.
  if (/npm ERR! (404 |notarget )/.test(output)) {
    return `Drydock runs offline: its npm registry has only the packages built into the lab (the list: http://registry.npmjs.org:${PACKAGE_PORT}/npm/ from a container; npm view <name> versions for one).`;
  }
  return undefined;
}
