// Pure layer formats: the tar reader against the writer and against busybox/GNU spellings,
// whiteouts in both spellings, path patterns, and what COPY puts into its layer.
import { describe, expect, it } from 'vitest';
import { createTar, readTar, type TarEntry } from '../../web/src/engine/formats/tar';
import { hasWhiteouts, ociToOverlay, overlayToOci } from '../../web/src/engine/formats/whiteouts';
import { cleanPath, compilePattern, IgnoreMatcher } from '../../web/src/engine/formats/path-match';
import { planCopy } from '../../web/src/engine/builder/copy-plan';

const enc = new TextEncoder();
const file = (path: string, text: string, mode = 0o644): TarEntry => ({ type: 'file', path, data: enc.encode(text), mode });

describe('tar: paths longer than ustar holds', () => {
  it("writes GNU long names for a path ustar cannot split (npm's cache) and long link targets, and reads them back", () => {
    const long = `root/.npm/_cacache/content-v2/sha512/e8/59/${'a'.repeat(126)}`;
    const target = `/usr/lib/${'b'.repeat(120)}`;
    const entries: TarEntry[] = [
      { type: 'dir', path: 'root/.npm/_cacache/content-v2/sha512/e8/59', mode: 0o755 },
      { type: 'file', path: long, data: new TextEncoder().encode('x'), mode: 0o644 },
      { type: 'symlink', path: `${long}.link`, target },
      { type: 'file', path: 'short', data: new Uint8Array(0), mode: 0o644 },
    ];
    const tar = createTar(entries);
    const back = readTar(tar);
    expect(back.map((e) => e.path)).toEqual(entries.map((e) => e.path));
    expect(back[2]).toMatchObject({ type: 'symlink', target });
    expect(createTar(entries)).toEqual(tar);
  });
});

describe('tar', () => {
  it('reads back what it writes, every kind of entry', () => {
    const entries: TarEntry[] = [
      { type: 'dir', path: 'app', mode: 0o755, uid: 0, gid: 0, mtime: 0 },
      { type: 'file', path: 'app/run.sh', data: enc.encode('#!/bin/sh\necho hi\n'), mode: 0o755, uid: 1000, gid: 1000, mtime: 1700000000 },
      { type: 'symlink', path: 'app/latest', target: 'run.sh', mode: 0o777, uid: 0, gid: 0, mtime: 0 },
      { type: 'hardlink', path: 'app/again', target: 'app/run.sh', mode: 0o755, uid: 0, gid: 0, mtime: 0 },
      { type: 'char', path: 'app/gone', major: 0, minor: 0, mode: 0, uid: 0, gid: 0, mtime: 0 },
      { type: 'fifo', path: 'app/pipe', mode: 0o600, uid: 0, gid: 0, mtime: 0 },
      { type: 'file', path: `${'d'.repeat(120)}/${'f'.repeat(90)}`, data: enc.encode('long'), mode: 0o644, uid: 0, gid: 0, mtime: 0 },
    ];
    expect(readTar(createTar(entries))).toEqual(entries);
  });

  it('reads GNU long names and pax paths, and strips "./"', () => {
    const header = (name: string, flag: string, size: number) => {
      const block = new Uint8Array(512);
      block.set(enc.encode(name), 0);
      block.set(enc.encode('0000644\0'), 100);
      block.set(enc.encode(`${size.toString(8).padStart(11, '0')}\0`), 124);
      block.set(enc.encode('00000000000\0'), 136);
      block[156] = flag.charCodeAt(0);
      block.set(enc.encode('ustar  \0'), 257);
      block.fill(0x20, 148, 156);
      const sum = block.reduce((a, b) => a + b, 0);
      block.set(enc.encode(`${sum.toString(8).padStart(6, '0')}\0 `), 148);
      return block;
    };
    const pad = (data: Uint8Array) => {
      const out = new Uint8Array(Math.ceil(data.length / 512) * 512);
      out.set(data);
      return out;
    };
    const longName = `./${'x'.repeat(150)}/file.txt`;
    const paxRecord = (key: string, value: string) => {
      const body = ` ${key}=${value}\n`;
      let len = body.length + 2;
      if (String(len).length + body.length !== len) len = String(len + 1).length + body.length;
      return `${len}${body}`;
    };
    const pax = enc.encode(paxRecord('path', 'pax/named.txt'));
    const parts = [
      header('./', '5', 0),
      header('././@LongLink', 'L', longName.length + 1), pad(enc.encode(`${longName}\0`)),
      header('ignored', '0', 2), pad(enc.encode('hi')),
      header('PaxHeader', 'x', pax.length), pad(pax),
      header('short', '0', 0),
      new Uint8Array(1024),
    ];
    const bytes = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
    let at = 0;
    for (const p of parts) bytes.set(p, (at += p.length) - p.length);
    expect(readTar(bytes).map((e) => e.path)).toEqual([longName.slice(2), 'pax/named.txt']);
  });

  it('rejects a damaged header', () => {
    const tar = createTar([file('a', 'x')]);
    tar[10] = 0x41;
    expect(() => readTar(tar)).toThrow(/checksum/);
  });
});

describe('whiteouts', () => {
  it('turns overlayfs deletions into OCI whiteouts and back', () => {
    const overlay: TarEntry[] = [{ type: 'dir', path: 'etc', mode: 0o755 }, { type: 'char', path: 'etc/motd', major: 0, minor: 0, mode: 0 }];
    const oci = overlayToOci(overlay);
    expect(oci[1]).toMatchObject({ type: 'file', path: 'etc/.wh.motd' });
    const tar = createTar(oci);
    expect(hasWhiteouts(tar)).toBe(true);
    expect(hasWhiteouts(createTar(overlay))).toBe(false);
    const back = ociToOverlay([...readTar(tar), file('var/cache/.wh..wh..opq', '')]);
    expect(back.entries[1]).toMatchObject({ type: 'char', path: 'etc/motd', major: 0, minor: 0 });
    expect(back.opaqueDirs).toEqual(['var/cache']);
  });
});

describe('path patterns', () => {
  it('match as Go filepath.Match does, with ** for any depth', () => {
    expect(compilePattern('*.txt').test('a.txt')).toBe(true);
    expect(compilePattern('*.txt').test('dir/a.txt')).toBe(false);
    expect(compilePattern('**/*.txt').test('dir/sub/a.txt')).toBe(true);
    expect(compilePattern('**/*.txt').test('a.txt')).toBe(true);
    expect(compilePattern('file?.[ch]').test('file1.c')).toBe(true);
    expect(compilePattern('file[^0-9].c').test('file1.c')).toBe(false);
    expect(cleanPath('./a/../b//c/')).toBe('b/c');
  });

  it('.dockerignore: the last matching line wins, parents count, ! re-includes', () => {
    const m = new IgnoreMatcher('# comment\nnode_modules\n*.log\n!keep.log\n/build\ndocs/**/*.md\n');
    expect(m.ignores('node_modules/x/index.js')).toBe(true);
    expect(m.ignores('debug.log')).toBe(true);
    expect(m.ignores('keep.log')).toBe(false);
    expect(m.ignores('build/out')).toBe(true);
    expect(m.ignores('src/build')).toBe(false);
    expect(m.ignores('docs/a/b/readme.md')).toBe(true);
    expect(m.ignores('app.js')).toBe(false);
  });
});

describe('COPY layer plan', () => {
  const tree: TarEntry[] = [
    file('app.py', 'print(1)'),
    file('requirements.txt', 'flask'),
    { type: 'dir', path: 'static', mode: 0o755 },
    file('static/index.html', '<h1>hi</h1>'),
    { type: 'dir', path: 'static/css', mode: 0o755 },
    file('static/css/site.css', 'body{}'),
  ];
  const paths = (entries: TarEntry[]) => entries.map((e) => `${e.type === 'dir' ? 'd' : 'f'} ${e.path}`);

  it('a file to a path names the file; to a directory keeps its name', () => {
    expect(paths(planCopy(tree, { sources: ['app.py'], dest: '/srv/main.py', existing: new Map() }))).toEqual(['d srv', 'f srv/main.py']);
    expect(paths(planCopy(tree, { sources: ['app.py'], dest: '/srv/', existing: new Map() }))).toEqual(['d srv', 'f srv/app.py']);
    const existing = new Map<string, TarEntry>([['usr', { type: 'dir', path: 'usr', mode: 0o755 }], ['usr/share', { type: 'dir', path: 'usr/share', mode: 0o755 }], ['usr/share/html', { type: 'dir', path: 'usr/share/html', mode: 0o700, uid: 33 }]]);
    const planned = planCopy(tree, { sources: ['app.py'], dest: '/usr/share/html', existing });
    expect(paths(planned)).toEqual(['d usr', 'd usr/share', 'd usr/share/html', 'f usr/share/html/app.py']);
    expect(planned[2]).toMatchObject({ mode: 0o700, uid: 33 }); // an existing directory keeps its metadata
  });

  it('a directory copies its contents; globs and several sources go into a directory', () => {
    expect(paths(planCopy(tree, { sources: ['static'], dest: '/www', existing: new Map() }))).toEqual(['d www', 'd www/css', 'f www/css/site.css', 'f www/index.html']);
    expect(paths(planCopy(tree, { sources: ['*.py', 'requirements.txt'], dest: '/app', existing: new Map() }))).toEqual(['d app', 'f app/app.py', 'f app/requirements.txt']);
    expect(paths(planCopy(tree, { sources: ['.'], dest: '/app/', existing: new Map() }))).toHaveLength(7);
  });

  it('a pattern matching one file copies to the path; links among the sources are followed', () => {
    const jars: TarEntry[] = [{ type: 'dir', path: 'target', mode: 0o755 }, file('target/app-1.0.jar', 'PK')];
    expect(paths(planCopy(jars, { sources: ['target/*.jar'], dest: '/app.jar', existing: new Map() }))).toEqual(['f app.jar']);
    const linked: TarEntry[] = [
      { type: 'dir', path: 'real', mode: 0o755 }, file('real/a.txt', 'a'),
      { type: 'symlink', path: 'linkdir', target: 'real' }, { type: 'symlink', path: 'run.sh', target: 'real/a.txt' },
    ];
    expect(paths(planCopy(linked, { sources: ['linkdir'], dest: '/ld', existing: new Map() }))).toEqual(['d ld', 'f ld/a.txt']);
    expect(paths(planCopy(linked, { sources: ['run.sh'], dest: '/bin2/', existing: new Map() }))).toEqual(['d bin2', 'f bin2/run.sh']);
    expect(paths(planCopy(linked, { sources: ['linkdir/a.txt'], dest: '/x', existing: new Map() }))).toEqual(['f x']);
  });

  it('applies --chown and --chmod, and names a missing source as BuildKit does', () => {
    const [, f] = planCopy(tree, { sources: ['app.py'], dest: '/app/', existing: new Map(), owner: { uid: 1000, gid: 1000 }, chmod: 0o755 });
    expect(f).toMatchObject({ path: 'app/app.py', uid: 1000, gid: 1000, mode: 0o755 });
    expect(() => planCopy(tree, { sources: ['nope.txt'], dest: '/app/', existing: new Map() })).toThrow('"/nope.txt": not found');
  });
});
