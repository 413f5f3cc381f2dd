// The offline Debian mirror, through the real tools: a tutorial's `RUN apt-get update &&
// apt-get install -y curl` builds as written, Debian's apt fetching over HTTP from the lab's
// package server (deb.debian.org resolves to it) and dpkg installing into dpkg's database of the
// image; a package the mirror lacks fails as apt fails, then Drydock says why.
import { describe, expect, it } from 'vitest';
import { labForFile } from '../support/guest-fixture';

const sh = labForFile({ fixtures: { 'apt-curl': '/root/apt' }, timeoutMs: 600_000 });

describe('apt, offline', () => {
  it('builds FROM debian with apt-get update && apt-get install -y curl, and the image has a working curl that dpkg knows', async () => {
    const built = await sh('docker build -t withcurl .', '/root/apt');
    expect(built.code, built.err).toBe(0);
    // apt's own lines, from the lab's mirror: its signed index (apt refuses one whose signature
    // the image's keyring does not verify), then the packages.
    expect(built.err).toMatch(/Get:\d+ http:\/\/deb\.debian\.org:3141\/debian bookworm InRelease/);
    expect(built.err).not.toMatch(/NO_PUBKEY|is not signed|W: GPG error/);
    expect(built.err).toMatch(/The following NEW packages will be installed:[\s\S]* curl /);
    expect(built.err).toMatch(/Setting up curl \(7\.88\.1-[^)]+\) \.\.\./);
    // ldconfig ran as libc-bin's trigger, as on Debian.
    expect(built.err).toContain('Processing triggers for libc-bin');
    const version = await sh('docker run --rm withcurl');
    expect(version.code, version.err).toBe(0);
    expect(version.out).toMatch(/^curl 7\.88\.1 \(i686-pc-linux-gnu\) libcurl\/7\.88\.1/);
    // curl fetches over the lab's network; dpkg lists it installed; the lists were removed (the
    // `rm -rf /var/lib/apt/lists/*` of the same RUN).
    const used = await sh('docker run --rm withcurl sh -c "curl -sS http://deb.debian.org:3141/debian/dists/bookworm/Release | head -1; dpkg -l curl | tail -1; ls /var/lib/apt/lists | wc -l"');
    expect(used.code, used.err).toBe(0);
    expect(used.out).toMatch(/^Origin: Drydock\nii {2}curl +7\.88\.1-\S+ +i386 +command line tool for transferring data with URL syntax.*\n0\n$/);
  }, 900_000);

  it('fails a package the mirror lacks as apt does, then says once that the lab is offline and where the list is', async () => {
    await sh('mkdir -p /root/nosuch && printf "FROM debian:bookworm-slim\\nRUN apt-get install -y nosuchpkg-xyz\\n" > /root/nosuch/Dockerfile');
    const r = await sh('docker build -t nosuch .', '/root/nosuch');
    expect(r.code).toBe(1);
    const error = r.err.indexOf('E: Unable to locate package nosuchpkg-xyz');
    const solve = r.err.indexOf('ERROR: failed to solve: process "/bin/sh -c apt-get install -y nosuchpkg-xyz" did not complete successfully: exit code: 100');
    const hint = r.err.indexOf('Drydock runs offline: its Debian mirror has only the packages built into the lab');
    expect(error).toBeGreaterThan(0);
    expect(solve).toBeGreaterThan(error);
    expect(hint).toBeGreaterThan(solve);
    expect(r.err.split('Drydock runs offline').length).toBe(2);
  }, 300_000);
});
