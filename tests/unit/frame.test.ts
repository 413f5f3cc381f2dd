import { describe, expect, it } from 'vitest';
import {
  FRAME_HEADER_SIZE,
  FrameDecoder,
  FrameType,
  decodeExit,
  encodeExecRequest,
  encodeFrame,
} from '../../web/src/engine/protocol/frame';

describe('frame encoding', () => {
  it('round-trips binary payloads, including every byte value', () => {
    const payload = Uint8Array.from({ length: 256 }, (_, i) => i);
    const [frame] = new FrameDecoder().push(encodeFrame(FrameType.Stdout, 7, payload));
    expect(frame).toEqual({ type: FrameType.Stdout, id: 7, payload });
  });

  it('reassembles frames split at every possible byte boundary', () => {
    const stream = new Uint8Array([
      ...encodeFrame(FrameType.Stdout, 1, new TextEncoder().encode('hello')),
      ...encodeFrame(FrameType.Stderr, 1, new TextEncoder().encode('oops')),
      ...encodeFrame(FrameType.Exit, 1, new Uint8Array(8)),
    ]);
    for (let cut = 1; cut < stream.length; cut++) {
      const decoder = new FrameDecoder();
      const frames = [...decoder.push(stream.subarray(0, cut)), ...decoder.push(stream.subarray(cut))];
      expect(frames.map((f) => f.type)).toEqual([FrameType.Stdout, FrameType.Stderr, FrameType.Exit]);
      expect(new TextDecoder().decode(frames[1]!.payload)).toBe('oops');
    }
  });

  it('carries a large payload intact', () => {
    const big = Uint8Array.from({ length: 900_000 }, (_, i) => (i * 31) & 0xff);
    const encoded = encodeFrame(FrameType.Stdout, 3, big);
    const decoder = new FrameDecoder();
    const frames = [];
    for (let at = 0; at < encoded.length; at += 4096) frames.push(...decoder.push(encoded.subarray(at, at + 4096)));
    expect(frames).toHaveLength(1);
    expect(Buffer.from(frames[0]!.payload).equals(Buffer.from(big))).toBe(true);
  });

  it('skips garbage before a frame and says how much it skipped', () => {
    const decoder = new FrameDecoder();
    const frames = decoder.push(new Uint8Array([1, 2, 3, ...encodeFrame(FrameType.Pong, 9)]));
    expect(frames).toEqual([{ type: FrameType.Pong, id: 9, payload: new Uint8Array(0) }]);
    expect(decoder.skippedBytes).toBe(3);
  });

  it('lays out the header as the agent reads it (little-endian id and length)', () => {
    const bytes = encodeFrame(FrameType.Exec, 0x01020304, new Uint8Array(5));
    expect(bytes.length).toBe(FRAME_HEADER_SIZE + 5);
    expect([...bytes.subarray(0, 12)]).toEqual([0xd7, 0x10, 0, 0, 4, 3, 2, 1, 5, 0, 0, 0]);
  });

  it('encodes an exec request with UTF-8 argv, env and cwd', () => {
    const bytes = encodeExecRequest({ argv: ['echo', 'héllo'], env: ['A=1'], cwd: '/tmp', stdin: true });
    const view = new DataView(bytes.buffer);
    expect(view.getUint32(0, true)).toBe(1); // stdin flag
    expect(view.getUint32(4, true)).toBe(2); // argc
    expect(new TextDecoder().decode(bytes.subarray(12, 16))).toBe('echo');
    expect(view.getUint32(16, true)).toBe(6); // 'héllo' is 6 bytes in UTF-8
    expect(() => encodeExecRequest({ argv: [], env: [], cwd: '', stdin: false })).toThrow();
  });

  it('decodes exit statuses, including signals', () => {
    const payload = new Uint8Array(8);
    new DataView(payload.buffer).setInt32(0, 137, true);
    new DataView(payload.buffer).setInt32(4, 9, true);
    expect(decodeExit(payload)).toEqual({ code: 137, signal: 9 });
  });
});
