// The offline Debian mirror's index files, as apt reads them: pool paths as Debian's archive
// names them, stanzas that carry each .deb's own fields plus where it is and its checksums, and
// a Release whose checksums match the Packages file apt will fetch.
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { packagesIndex, poolPath, releaseFile } from '../../images/packages/debian-repo';

const curl = 'Package: curl\nVersion: 7.88.1-10+deb12u15\nArchitecture: i386\nMaintainer: Alessandro Ghedini <ghedo@debian.org>\nDepends: libc6 (>= 2.34), libcurl4 (= 7.88.1-10+deb12u15)\nDescription: command line tool for transferring data with URL syntax\n curl is a command line tool.\n';
const libcurl = 'Package: libcurl4\nSource: curl\nVersion: 7.88.1-10+deb12u15\nArchitecture: i386\nDescription: easy-to-use client-side URL transfer library (OpenSSL flavour)\n';
const vim = 'Package: vim-tiny\nSource: vim (2:9.0.1378-2+deb12u2)\nVersion: 2:9.0.1378-2+deb12u2\nArchitecture: i386\nDescription: Vi IMproved - enhanced vi editor - compact version\n';
const libssh = 'Package: libssh2-1\nSource: libssh2\nVersion: 1.10.0-3+deb12u1\nArchitecture: i386\nDescription: SSH2 client-side library\n';

describe('the Debian mirror index', () => {
  it('puts each .deb where Debian does: by source, lib* sources under four letters, no epoch in the name', () => {
    expect(poolPath(curl)).toBe('pool/main/c/curl/curl_7.88.1-10+deb12u15_i386.deb');
    expect(poolPath(libcurl)).toBe('pool/main/c/curl/libcurl4_7.88.1-10+deb12u15_i386.deb');
    expect(poolPath(vim)).toBe('pool/main/v/vim/vim-tiny_9.0.1378-2+deb12u2_i386.deb');
    expect(poolPath(libssh)).toBe('pool/main/libs/libssh2/libssh2-1_1.10.0-3+deb12u1_i386.deb');
  });

  it('lists the packages by name, each with its own fields, file, size and checksums', () => {
    const data = new TextEncoder().encode('not really a deb');
    const index = packagesIndex([{ control: libcurl, data }, { control: curl, data }]);
    const stanzas = index.split('\n\n').filter(Boolean);
    expect(stanzas.map((s) => /^Package: (.*)$/m.exec(s)![1])).toEqual(['curl', 'libcurl4']);
    expect(stanzas[0]).toContain(' curl is a command line tool.\nFilename: pool/main/c/curl/curl_7.88.1-10+deb12u15_i386.deb\nSize: 16\n');
    expect(stanzas[0]).toContain(`SHA256: ${createHash('sha256').update(data).digest('hex')}`);
    expect(index.endsWith('\n\n')).toBe(true);
  });

  it("gives Release the Packages file's size and sums, with a fixed date", () => {
    const packages = packagesIndex([{ control: curl, data: new Uint8Array(3) }]);
    const release = releaseFile(packages);
    expect(release).toContain(`\n ${createHash('sha256').update(packages).digest('hex')} ${Buffer.byteLength(packages)} main/binary-i386/Packages\n`);
    expect(release).toContain('Codename: bookworm\n');
    expect(release).toContain('Date: Thu, 01 Jan 2026 00:00:00 UTC\n');
    expect(releaseFile(packages)).toBe(release);
  });
});
