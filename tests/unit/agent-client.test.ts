import { describe, expect, it } from 'vitest';
import { AgentClient, GuestUnavailableError, WindowedSender } from '../../web/src/engine/guest/agent-client';
import { FrameType } from '../../web/src/engine/protocol/frame';
import { FakeAgent } from '../support/fake-agent';

const text = (b: Uint8Array) => new TextDecoder().decode(b);

describe('WindowedSender', () => {
  it('never has more than `window` chunks of at most `chunkSize` unacknowledged', () => {
    const sent: Uint8Array[] = [];
    const sender = new WindowedSender((c) => sent.push(c), 4096, 4);
    sender.write(new Uint8Array(10 * 4096 + 10));
    expect(sent).toHaveLength(4);
    expect(sent.every((c) => c.length <= 4096)).toBe(true);
    sender.ack(4096 * 2);
    expect(sent).toHaveLength(6);
    sender.ack(4096 * 6);
    expect(sent).toHaveLength(10);
    sender.ack(4096 * 10);
    expect(sent).toHaveLength(11);
    sender.ack(4096 * 10 + 10);
    expect(sender.pendingChunks).toBe(0);
  });

  it('keeps counting across the 32-bit wrap of the agent byte counter', () => {
    const sent: Uint8Array[] = [];
    const sender = new WindowedSender((c) => sent.push(c), 4096, 2);
    // The running total starts 5000 bytes short of 2^32: the second chunk ends past the wrap.
    const start = 2 ** 32 - 5000;
    (sender as unknown as { sent: number }).sent = start;
    sender.write(new Uint8Array(4096 * 4));
    expect(sent).toHaveLength(2);
    // The agent's counter wraps too: acknowledging the first chunk frees exactly one slot.
    sender.ack((start + 4096) >>> 0);
    expect(sent).toHaveLength(3);
    // An ack past the wrap (a small number) still covers the in-flight chunk before it.
    sender.ack((start + 4096 * 2) >>> 0);
    expect(sent).toHaveLength(4);
    expect(sender.pendingChunks).toBe(2);
  });
});

describe('AgentClient', () => {
  it('returns exit code, stdout and stderr apart', async () => {
    const agent = new FakeAgent({
      sh: (c) => {
        c.stdout('out\n');
        c.stderr('err\n');
        c.exit(3);
      },
    });
    const client = new AgentClient(agent.channel);
    agent.hello();
    expect(await client.ready).toBe('drydock-agent/1');
    const result = await client.exec(['sh', '-c', 'x']);
    expect(result.exitCode).toBe(3);
    expect(text(result.stdout)).toBe('out\n');
    expect(text(result.stderr)).toBe('err\n');
  });

  it('runs commands concurrently without mixing their output', async () => {
    const agent = new FakeAgent({ echo: (c) => (c.stdout(c.argv.slice(1).join(' ')), c.exit(0)) });
    const client = new AgentClient(agent.channel);
    const results = await Promise.all(Array.from({ length: 20 }, (_, i) => client.exec(['echo', `n${i}`])));
    expect(results.map((r) => text(r.stdout))).toEqual(Array.from({ length: 20 }, (_, i) => `n${i}`));
  });

  it('streams a large stdin without overrunning the guest buffers', async () => {
    let ctx: Parameters<NonNullable<ConstructorParameters<typeof FakeAgent>[0]>[string]>[0] | undefined;
    const agent = new FakeAgent({ cat: (c) => (ctx = c) });
    const client = new AgentClient(agent.channel);
    const input = Uint8Array.from({ length: 300_000 }, (_, i) => i & 0xff);
    const proc = client.start(['cat'], { interactive: true });
    proc.writeStdin(input);
    proc.closeStdin();
    for (let i = 0; i < 200; i++) await Promise.resolve();
    expect(agent.droppedSends).toBe(0);
    const got = agent.received.filter((f) => f.type === FrameType.Stdin);
    const joined = new Uint8Array(got.reduce((n, f) => n + f.payload.length, 0));
    let at = 0;
    for (const f of got) (joined.set(f.payload, at), (at += f.payload.length));
    expect(Buffer.from(joined).equals(Buffer.from(input))).toBe(true);
    expect(got.every((f) => f.payload.length <= 64 * 1024)).toBe(true);
    expect(got.at(-1)!.payload.length).toBe(0); // the EOF marker
    ctx!.exit(0);
    expect((await proc.exited).exitCode).toBe(0);
  });

  it('holds data back while the guest is not reading, instead of losing it', async () => {
    const agent = new FakeAgent({ true: (c) => c.exit(0) });
    agent.reading = false;
    const client = new AgentClient(agent.channel, { window: 8 });
    const runs = Array.from({ length: 50 }, () => client.exec(['true', 'x'.repeat(3000)]));
    await Promise.resolve();
    expect(agent.droppedSends).toBe(0);
    agent.reading = true;
    agent.drain();
    for (const r of await Promise.all(runs)) expect(r.exitCode).toBe(0);
    expect(agent.droppedSends).toBe(0);
  });

  it('kills a command that runs past its timeout and says so', async () => {
    const agent = new FakeAgent({ sleep: () => {} });
    const client = new AgentClient(agent.channel);
    const result = await client.exec(['sleep', '1000'], { timeoutMs: 20 });
    expect(result).toMatchObject({ timedOut: true, exitCode: 137, signal: 9 });
    expect(agent.signals).toEqual([{ id: 1, signal: 9 }]);
  });

  it('cancels a command through an AbortSignal', async () => {
    const agent = new FakeAgent({ sleep: () => {} });
    const client = new AgentClient(agent.channel);
    const controller = new AbortController();
    const running = client.exec(['sleep', '1000'], { signal: controller.signal });
    controller.abort();
    expect(await running).toMatchObject({ cancelled: true, exitCode: 137 });
  });

  it('fails commands in flight when the guest goes away, and refuses new ones', async () => {
    const agent = new FakeAgent({ sleep: () => {} });
    const client = new AgentClient(agent.channel);
    const running = client.exec(['sleep', '1']);
    client.close(new GuestUnavailableError('crashed'));
    await expect(running).rejects.toThrow('crashed');
    await expect(client.exec(['sleep', '1'])).rejects.toBeInstanceOf(GuestUnavailableError);
  });

  it('treats an empty stdin write as nothing (an empty frame would mean EOF)', async () => {
    const agent = new FakeAgent({ cat: () => {} });
    const client = new AgentClient(agent.channel);
    const proc = client.start(['cat'], { interactive: true });
    proc.writeStdin('');
    for (let i = 0; i < 20; i++) await Promise.resolve();
    expect(agent.received.filter((f) => f.type === FrameType.Stdin)).toHaveLength(0);
  });

  it('rejects a request too large to send, and keeps no record of it', async () => {
    const client = new AgentClient(new FakeAgent().channel);
    await expect(client.exec(['echo', 'x'.repeat(2 * 1024 * 1024)])).rejects.toThrow(RangeError);
    expect(client.running).toBe(0);
  });

  it('answers pings, and a ping to a silent agent times out', async () => {
    const agent = new FakeAgent();
    const client = new AgentClient(agent.channel);
    expect(await client.ping(1000)).toBeGreaterThanOrEqual(0);
    agent.reading = false;
    await expect(client.ping(20)).rejects.toBeInstanceOf(GuestUnavailableError);
  });
});
