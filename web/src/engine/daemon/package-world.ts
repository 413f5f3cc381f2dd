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
 * Drydock's line after a tool's own error about a package the index lacks, or a host name that
 * does not resolve: the error is the tool's, from a real 404 or a real failed lookup; this only
 * says why the world is small.
 */
export function offlineHint(output: string): string | undefined {
  if (/No matching distribution found for /.test(output)) {
    return `Drydock runs offline: its Python package index has only the packages built into the lab (the list: http://pypi.org:${PACKAGE_PORT}/simple/ from a container).`;
  }
  // npm's own lines for a package (E404) or a version (ETARGET) the registry lacks.
  if (/npm ERR! (404 |notarget )/.test(output)) {
    return `Drydock runs offline: its npm registry has only the packages built into the lab (the list: http://registry.npmjs.org:${PACKAGE_PORT}/npm/ from a container; npm view <name> versions for one).`;
  }
  // apt's own lines for a name its lists lack (also when `apt-get update` has not run: the
  // image's lists are empty, as on Debian's images).
  // The build's tail has each line after its time ("0.512 E: …").
  if (/(^|\s)E: (Unable to locate package |Package '[^']+' has no installation candidate|Couldn't find any package by)/m.test(output)) {
    return `Drydock runs offline: its Debian mirror has only the packages built into the lab, after apt-get update (the list: http://deb.debian.org:${PACKAGE_PORT}/debian/ from a container; apt-cache pkgnames for the names).`;
  }
  // A name that does not resolve, in the words of busybox and GNU wget, curl, Node and Python.
  const host = /bad address '([^']+)'|Could not resolve host: (\S+)|unable to resolve host address .([^'’]+)|getaddrinfo (?:ENOTFOUND|EAI_AGAIN) (\S+)|Failed to resolve '([^']+)'/.exec(output);
  const name = host?.slice(1).find(Boolean);
  if (name && !PACKAGE_HOSTS.includes(name)) {
    return `Drydock runs offline: containers reach the lab's own containers and its package server (${PACKAGE_HOSTS.join(', ')}, port ${PACKAGE_PORT}), not ${name}.`;
  }
  return undefined;
}
