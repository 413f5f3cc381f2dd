// Image references by distribution/reference's grammar, with cases written from it.
import { describe, expect, it } from 'vitest';
import { familiarName, familiarReference, familiarString, parseReference } from '../../web/src/engine/formats/reference';

const hex = (n: number, c = 'a') => c.repeat(n);

describe('image references', () => {
  it('refuses registry hosts the grammar does not allow', () => {
    for (const bad of ['-docker.io/x', 'dock..er/x', 'bad_host.com:8080/x', 'foo.com:http/bar', 'reg-.example/x', 'reg.example:/x', '.reg/x', 'a/b//c', 'a/b/', '/x', 'x:', 'x@']) {
      expect(() => parseReference(bad), bad).toThrow(/^invalid reference format$/);
    }
  });

  it('takes a host of any case, a port and a bracketed IPv6 address; only the path must be lowercase', () => {
    expect(parseReference('LOCALDOMAIN/debian')).toMatchObject({ domain: 'LOCALDOMAIN', path: 'debian', tag: 'latest' });
    expect(parseReference('Registry.Example.COM:5000/team/app:v2')).toMatchObject({ domain: 'Registry.Example.COM:5000', path: 'team/app', tag: 'v2' });
    expect(parseReference('[fe80::1]:5000/app').domain).toBe('[fe80::1]:5000');
    expect(parseReference('localhost/app').domain).toBe('localhost');
    expect(() => parseReference('registry.example/Team/app')).toThrow('invalid reference format: repository name (Team/app) must be lowercase');
  });

  it('names the normalized repository when it is not lowercase', () => {
    expect(() => parseReference('Ubuntu')).toThrow('invalid reference format: repository name (library/Ubuntu) must be lowercase');
    expect(() => parseReference('docker.io/Alpine:3')).toThrow('repository name (library/Alpine) must be lowercase');
    expect(() => parseReference('alice/Web')).toThrow('repository name (alice/Web) must be lowercase');
  });

  it('normalizes index.docker.io and docker.io to the familiar names Docker prints', () => {
    expect(familiarString(parseReference('index.docker.io/library/redis:7'))).toBe('redis:7');
    expect(parseReference('index.docker.io/bob/tool').domain).toBe('docker.io');
    expect(familiarName(parseReference('docker.io/library/busybox'))).toBe('busybox');
    expect(familiarName(parseReference('docker.io/alice/app'))).toBe('alice/app');
    // Only a one-element path under library/ is an official image.
    expect(familiarName(parseReference('library/foo/bar'))).toBe('library/foo/bar');
    expect(familiarName(parseReference('quay.io/library/x'))).toBe('quay.io/library/x');
  });

  it('limits the repository path to 255 characters, not counting the registry', () => {
    const path = `${hex(100, 'a')}/${hex(154, 'b')}`; // 255 characters
    expect(parseReference(`registry.example/${path}`).path).toBe(path);
    expect(() => parseReference(`${path}c`)).toThrow('repository name must not be more than 255 characters');
  });

  it('refuses a 64-hex name as a repository (it is an image ID)', () => {
    const id = hex(64, 'f');
    expect(() => parseReference(id)).toThrow(`invalid repository name (${id}), cannot specify 64-byte hexadecimal strings`);
    // 63 characters is a name like any other.
    expect(parseReference(hex(63, 'f')).path).toBe(`library/${hex(63, 'f')}`);
  });

  it('checks tags and digests as Docker does', () => {
    expect(parseReference(`app:${hex(128, 'v')}`).tag).toHaveLength(128);
    expect(() => parseReference(`app:${hex(129, 'v')}`)).toThrow('invalid reference format');
    expect(() => parseReference('app:.v1')).toThrow('invalid reference format');
    const digest = `sha256:${hex(64, '0')}`;
    expect(parseReference(`app@${digest}`).digest).toBe(digest);
    expect(() => parseReference(`app@sha256:${hex(40, '0')}`)).toThrow('invalid checksum digest length');
    expect(() => parseReference(`app@sha256:${hex(64, 'F')}`)).toThrow('invalid checksum digest format');
    expect(() => parseReference(`app@foo:${hex(64, '0')}`)).toThrow('unsupported digest algorithm');
    expect(() => parseReference(`app@sha256:${hex(31, '0')}`)).toThrow('invalid reference format');
  });

  it('says which image it looks for as `docker run` does', () => {
    expect(familiarReference('docker.io/library/nginx')).toBe('nginx:latest');
    expect(familiarReference('localhost:5000/app')).toBe('localhost:5000/app:latest');
    expect(familiarReference(`app@sha256:${hex(64, '1')}`)).toBe(`app@sha256:${hex(64, '1')}`);
    expect(familiarReference(`app:v1@sha256:${hex(64, '1')}`)).toBe(`app:v1@sha256:${hex(64, '1')}`);
  });
});
