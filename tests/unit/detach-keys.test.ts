import { describe, expect, it } from 'vitest';
import { DetachKeys, parseDetachKeys } from '../../web/src/engine/formats/detach-keys';

describe('detach keys (Ctrl-P Ctrl-Q)', () => {
  it('detaches on the sequence and forwards what came before it', () => {
    expect(new DetachKeys().feed(Uint8Array.of(0x61, 0x10, 0x11, 0x62))).toEqual({ forward: Uint8Array.of(0x61), detach: true });
  });
  it('finds the sequence split across reads', () => {
    const keys = new DetachKeys();
    expect(keys.feed(Uint8Array.of(0x61, 0x10))).toEqual({ forward: Uint8Array.of(0x61), detach: false });
    expect(keys.feed(Uint8Array.of(0x11))).toEqual({ forward: Uint8Array.of(), detach: true });
  });
  it('gives back a lone Ctrl-P (readline uses it) when the next key is not Ctrl-Q', () => {
    const keys = new DetachKeys();
    expect(keys.feed(Uint8Array.of(0x10))).toEqual({ forward: Uint8Array.of(), detach: false });
    expect(keys.feed(Uint8Array.of(0x41))).toEqual({ forward: Uint8Array.of(0x10, 0x41), detach: false });
    expect(keys.feed(Uint8Array.of(0x10, 0x10, 0x11))).toEqual({ forward: Uint8Array.of(0x10), detach: true });
  });
  it('reads --detach-keys as Docker does', () => {
    expect(parseDetachKeys('ctrl-a,q')).toEqual([0x01, 0x71]);
    expect(parseDetachKeys('ctrl-\\,ctrl-@')).toEqual([0x1c, 0x00]);
    expect(() => parseDetachKeys('ctrl-1')).toThrow('Invalid detach keys (ctrl-1) provided');
    const keys = new DetachKeys(parseDetachKeys('ctrl-x,x'));
    expect(keys.feed(Uint8Array.of(0x10, 0x11, 0x18, 0x78))).toEqual({ forward: Uint8Array.of(0x10, 0x11), detach: true });
  });
});
