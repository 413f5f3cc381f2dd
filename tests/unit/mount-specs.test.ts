// -v, --mount and --tmpfs specs, read as Docker reads them (pure parsing, Docker's messages).
import { describe, expect, it } from 'vitest';
import { parseBind, parseMount, parseTmpfs } from '../../web/src/engine/formats/mount-spec';

describe('mount specs', () => {
  it('reads -v as a named volume, a bind, or an anonymous volume', () => {
    expect(parseBind('data:/var/lib/data')).toEqual({ type: 'volume', name: 'data', target: '/var/lib/data', readOnly: false, mode: '' });
    expect(parseBind('/root/site:/usr/share/nginx/html:ro')).toMatchObject({ type: 'bind', source: '/root/site', readOnly: true, mode: 'ro' });
    expect(parseBind('/scratch')).toEqual({ type: 'volume', target: '/scratch', readOnly: false, mode: '' });
    expect(() => parseBind('data:rel')).toThrow("invalid mount path: 'rel' mount path must be absolute");
    expect(() => parseBind('a:b:c:d')).toThrow("invalid volume specification: 'a:b:c:d'");
    expect(() => parseBind('data:/x:rx')).toThrow('invalid mode: rx');
  });

  it('cleans targets, so that ".." cannot climb out of the container root', () => {
    expect(parseBind('xx:/../../../root/escape').target).toBe('/root/escape');
    expect(parseMount('type=bind,src=/a,dst=/b/../c/').target).toBe('/c');
    expect(parseTmpfs('/run/../tmp:size=1m')).toEqual({ type: 'tmpfs', target: '/tmp', options: 'size=1m,mode=1777' });
  });

  it('reads --mount fields, and refuses what Docker refuses', () => {
    expect(parseMount('type=volume,source=vv,target=/data,readonly')).toMatchObject({ type: 'volume', name: 'vv', readOnly: true });
    expect(parseMount('type=tmpfs,target=/t,tmpfs-size=64m')).toEqual({ type: 'tmpfs', target: '/t', options: 'size=64m,mode=1777' });
    expect(() => parseMount('type=bind,target=/x')).toThrow('field Source must not be empty');
    expect(() => parseMount('type=volume,src=vv')).toThrow('field Target must not be empty');
    expect(() => parseMount('type=nfs,target=/x')).toThrow('invalid type "nfs"');
    expect(() => parseMount('type=volume,target=/x,colour=red')).toThrow("unexpected key 'colour'");
  });
});
