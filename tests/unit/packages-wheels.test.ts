import { describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { unzipSync } from 'fflate';
import { buildWheel, canonicalName, markerHolds, metadataRequires, projectPage, requiresTxt, rootPage, wheelMetadata, wheelTag } from '../../images/packages/wheels';

const bytes = (s: string) => new TextEncoder().encode(s);
const text = (b: Uint8Array) => new TextDecoder().decode(b);

describe('requirements of Debian egg-info', () => {
  it('turns requires.txt sections into Requires-Dist markers, and knows which pip installs on the python image', () => {
    const reqs = requiresTxt('Werkzeug>=2.2.2\nclick>=8.0\n\n[:python_version < "3.10"]\nimportlib-metadata>=3.6.0\n\n[async]\nasgiref>=3.2\n\n[socks:sys_platform == "win32"]\nwin-inet-pton\n');
    expect(reqs.map((r) => [r.spec, r.needed])).toEqual([
      ['Werkzeug>=2.2.2', true],
      ['click>=8.0', true],
      ['importlib-metadata>=3.6.0; python_version < "3.10"', false],
      ['asgiref>=3.2; extra == "async"', false],
      ['win-inet-pton; sys_platform == "win32" and extra == "socks"', false],
    ]);
    expect(reqs.map((r) => r.name)).toEqual(['Werkzeug', 'click', 'importlib-metadata', 'asgiref', 'win-inet-pton']);
  });

  it('evaluates markers for CPython 3.11 on 32-bit Linux, with no extra asked for', () => {
    expect(markerHolds('python_version >= "3.7"')).toBe(true);
    expect(markerHolds('python_version < "3.8"')).toBe(false);
    expect(markerHolds('python_version >= "3.10"')).toBe(true); // by version, not as text
    expect(markerHolds('sys_platform == "win32" or platform_system == "Linux"')).toBe(true);
    expect(markerHolds('(python_version < "3.8" or os_name == "nt") and implementation_name == "cpython"')).toBe(false);
    expect(markerHolds('extra == "socks"')).toBe(false);
  });

  it('writes METADATA with the requirements given, one Provides-Extra per extra, and keeps the description', () => {
    const pkgInfo = 'Metadata-Version: 1.2\nName: Flask\nVersion: 2.2.2\nRequires-Dist: stale\nSummary: A simple framework\n\nFlask is a lightweight WSGI web application framework.\n';
    const out = wheelMetadata(pkgInfo, requiresTxt('Jinja2>=3.0\n[dotenv]\npython-dotenv\n'));
    expect(out).toBe(
      'Metadata-Version: 2.1\nName: Flask\nVersion: 2.2.2\nSummary: A simple framework\nProvides-Extra: dotenv\nRequires-Dist: Jinja2>=3.0\nRequires-Dist: python-dotenv; extra == "dotenv"\n\nFlask is a lightweight WSGI web application framework.\n',
    );
    expect(metadataRequires(out).map((r) => [r.name, r.needed])).toEqual([['Jinja2', true], ['python-dotenv', false]]);
  });
});

describe('wheels', () => {
  const input = {
    name: 'Mark_Up.Safe',
    version: '2.1.2',
    files: new Map([
      ['markupsafe/__init__.py', bytes('from ._speedups import escape\n')],
      ['markupsafe/_speedups.cpython-311-i386-linux-gnu.so', bytes('\x7fELF…')],
    ]),
    metadata: 'Metadata-Version: 2.1\nName: Mark_Up.Safe\nVersion: 2.1.2\n\n',
    extra: new Map([['top_level.txt', bytes('markupsafe\n')]]),
    generator: 'test',
  };

  it('names a wheel with compiled code for CPython 3.11 on i686, and a pure one py3-none-any', () => {
    expect(buildWheel(input).filename).toBe('Mark_Up_Safe-2.1.2-cp311-cp311-linux_i686.whl');
    expect(wheelTag(['flask/app.py'])).toBe('py3-none-any');
  });

  it('holds the files, a dist-info with METADATA, WHEEL and a RECORD whose hashes and sizes match', () => {
    const members = unzipSync(buildWheel(input).data);
    const info = 'Mark_Up_Safe-2.1.2.dist-info';
    expect(Object.keys(members).sort()).toEqual(
      ['markupsafe/__init__.py', 'markupsafe/_speedups.cpython-311-i386-linux-gnu.so', `${info}/METADATA`, `${info}/RECORD`, `${info}/WHEEL`, `${info}/top_level.txt`].sort(),
    );
    expect(text(members[`${info}/WHEEL`]!)).toContain('Root-Is-Purelib: false\nTag: cp311-cp311-linux_i686\n');
    const record = text(members[`${info}/RECORD`]!).trim().split('\n').map((l) => l.split(','));
    expect(record.find(([p]) => p === `${info}/RECORD`)).toEqual([`${info}/RECORD`, '', '']);
    const hashed = record.filter(([p]) => p !== `${info}/RECORD`);
    expect(hashed.map(([p]) => p).sort()).toEqual(Object.keys(members).filter((p) => p !== `${info}/RECORD`).sort());
    for (const [path, hash, size] of hashed) {
      const data = members[path!]!;
      expect(hash, path).toBe(`sha256=${createHash('sha256').update(data).digest('base64url')}`);
      expect(Number(size), path).toBe(data.length);
    }
  });

  it('is the same bytes every time it is built', () => {
    expect(Buffer.from(buildWheel(input).data).equals(Buffer.from(buildWheel(input).data))).toBe(true);
  });
});

describe('the simple index (PEP 503)', () => {
  it('links a project page to the wheel under /packages/ with its sha256', () => {
    const page = projectPage('flask', [{ filename: 'Flask-2.2.2-py3-none-any.whl', sha256: 'ab'.repeat(32) }]);
    const href = /<a href="([^"]+)">Flask-2\.2\.2-py3-none-any\.whl<\/a>/.exec(page)?.[1];
    expect(new URL(href!, 'http://pypi.org:3141/simple/flask/').href).toBe(`http://pypi.org:3141/packages/Flask-2.2.2-py3-none-any.whl#sha256=${'ab'.repeat(32)}`);
  });

  it('lists every project by its normalized name on the root page', () => {
    expect(canonicalName('Charset_Normalizer')).toBe('charset-normalizer');
    expect([...rootPage(['redis', 'flask']).matchAll(/href="([^"]+)"/g)].map((m) => m[1])).toEqual(['flask/', 'redis/']);
  });
});
