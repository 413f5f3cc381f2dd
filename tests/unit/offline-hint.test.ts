// The line Drydock adds after a package manager's own error: only for the errors that mean the
// lab's offline index lacks a package, once, naming where the list is.
import { describe, expect, it } from 'vitest';
import { offlineHint } from '../../web/src/engine/daemon/package-world';

describe('offlineHint', () => {
  it("follows pip's, npm's and apt's not-found errors, each naming its own index", () => {
    expect(offlineHint('ERROR: No matching distribution found for nosuch==1.0')).toContain('its Python package index has only the packages built into the lab');
    expect(offlineHint("npm ERR! code E404\nnpm ERR! 404  'nosuchpkg-xyz@*' is not in this registry.")).toContain('its npm registry has only');
    expect(offlineHint('npm ERR! notarget No matching version found for express@^9.')).toContain('its npm registry has only');
    const apt = offlineHint('Reading package lists...\nBuilding dependency tree...\nE: Unable to locate package nosuchpkg');
    expect(apt).toBe('Drydock runs offline: its Debian mirror has only the packages built into the lab, after apt-get update (the list: http://deb.debian.org:3141/debian/ from a container; apt-cache pkgnames for the names).');
    expect(offlineHint("E: Package 'python2' has no installation candidate")).toBe(apt);
    // As a build's tail has it: each line after its time.
    expect(offlineHint('4.211 Building dependency tree...\n4.563 E: Unable to locate package nosuchpkg')).toBe(apt);
  });

  it("follows a failed name lookup (busybox wget, curl, GNU wget, Node), naming the host", () => {
    const line = (host: string) => `Drydock runs offline: containers reach the lab's own containers and its package server (pypi.org, files.pythonhosted.org, registry.npmjs.org, deb.debian.org, security.debian.org, port 3141), not ${host}.`;
    expect(offlineHint("0.412 wget: bad address 'example.com'")).toBe(line('example.com'));
    expect(offlineHint('curl: (6) Could not resolve host: github.com')).toBe(line('github.com'));
    expect(offlineHint("wget: unable to resolve host address 'deb.nodesource.com'")).toBe(line('deb.nodesource.com'));
    expect(offlineHint('Error: getaddrinfo ENOTFOUND api.example.org')).toBe(line('api.example.org'));
  });

  it('says nothing after other failures (a failing command, a syntax error, apt without root)', () => {
    expect(offlineHint('sh: 1: nosuchcmd: not found')).toBeUndefined();
    expect(offlineHint('E: Could not open lock file /var/lib/dpkg/lock-frontend - open (13: Permission denied)')).toBeUndefined();
    expect(offlineHint('npm ERR! code ELIFECYCLE')).toBeUndefined();
  });
});
