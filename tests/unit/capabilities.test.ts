// Capability masks as drydock-run gets them: Docker's default set, --cap-add/--cap-drop, ALL,
// --privileged, and Docker's message for an unknown name.
import { describe, expect, it } from 'vitest';
import { capabilityMask, checkCapabilities } from '../../web/src/engine/runtime/capabilities';

describe('capabilities', () => {
  it('gives Docker\'s default set (the CapEff a `docker run` shows)', () => {
    expect(capabilityMask({})).toBe('a80425fb');
  });

  it('adds and drops by name, with or without CAP_, in any case', () => {
    expect(capabilityMask({ add: ['sys_admin'] })).toBe((0xa80425fbn | (1n << 21n)).toString(16));
    expect(capabilityMask({ drop: ['CAP_NET_RAW'] })).toBe((0xa80425fbn & ~(1n << 13n)).toString(16));
    expect(capabilityMask({ drop: ['ALL'], add: ['CHOWN'] })).toBe('1');
    expect(capabilityMask({ add: ['ALL'] })).toBe('1ffffffffff');
    expect(capabilityMask({ privileged: true, drop: ['CHOWN'] })).toBe('1ffffffffff');
  });

  it('refuses unknown names with Docker\'s message', () => {
    expect(() => checkCapabilities(['FOO'])).toThrow('invalid CapAdd: unknown capability: "CAP_FOO"');
    expect(() => checkCapabilities([], ['cap_bar'])).toThrow('invalid CapDrop: unknown capability: "CAP_BAR"');
  });
});
