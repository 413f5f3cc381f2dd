// The host half of the docker socket's relay: connections the agent accepts on
// /run/docker.sock arrive as Sock* frames, the API server answers on them, and the answer goes
// back as SockWrite frames through the windowed sender (a fake agent with v86's 4 KiB buffers).
import { beforeAll, describe, expect, it } from 'vitest';
import { AgentClient } from '../../web/src/engine/guest/agent-client';
import { FrameType, type Frame } from '../../web/src/engine/protocol/frame';
import { serveHttpConnection } from '../../web/src/engine/api-server/server';
import { Daemon } from '../../web/src/engine/daemon/daemon';
import { FsRegistrySource } from '../../tools/node-host';
import { MemoryRuntime } from '../support/memory-runtime';
import { FakeAgent } from '../support/fake-agent';
import { parseResponse, request } from '../support/raw-http';

let daemon: Daemon;
beforeAll(async () => {
  daemon = new Daemon(new MemoryRuntime(), new FsRegistrySource());
  await daemon.imageCreate('busybox', () => {});
});

function relay() {
  const agent = new FakeAgent();
  const client = new AgentClient(agent.channel);
  client.onSocketOpen = (conn) => serveHttpConnection(conn, daemon);
  const to = (id: number) => {
    const frames = () => agent.received.filter((f: Frame) => f.id === id);
    const bytes = () => {
      const parts = frames().filter((f) => f.type === FrameType.SockWrite).map((f) => f.payload);
      const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
      let at = 0;
      for (const p of parts) {
        out.set(p, at);
        at += p.length;
      }
      return out;
    };
    return { frames, bytes, shut: () => frames().some((f) => f.type === FrameType.SockShut) };
  };
  return { agent, client, to };
}

const settle = async (done: () => boolean) => {
  for (let i = 0; i < 10000 && !done(); i++) await new Promise((resolve) => setTimeout(resolve, 0));
};

describe('the docker socket relay', () => {
  it('serves HTTP on a relayed connection and shuts it after the client half-closes', async () => {
    const { agent, to } = relay();
    const id = 0xc0000001;
    agent.emit(FrameType.SockOpen, id);
    agent.emit(FrameType.SockData, id, request('GET', '/v1.43/containers/json?all=1'));
    agent.emit(FrameType.SockEnd, id);
    const conn = to(id);
    await settle(conn.shut);
    const answer = parseResponse(conn.bytes(), true)!.response;
    expect(answer.status).toBe(200);
    expect(JSON.parse(answer.text)).toEqual([]);
    expect(conn.shut()).toBe(true);
  });

  it('sends a large answer in windowed chunks the guest\'s buffers can take (no frame dropped)', async () => {
    const { agent, to } = relay();
    const id = 0xc0000002;
    agent.emit(FrameType.SockOpen, id);
    agent.emit(FrameType.SockData, id, request('GET', '/v1.43/images/get?names=busybox'));
    agent.emit(FrameType.SockEnd, id);
    const conn = to(id);
    await settle(conn.shut);
    const answer = parseResponse(conn.bytes(), true)!.response;
    expect(answer.status).toBe(200);
    expect(answer.body.length).toBeGreaterThan(64 * 1024);
    expect(agent.droppedSends).toBe(0);
  });

  it('forgets a connection the guest reports gone, writing nothing more to it', async () => {
    const { agent, to } = relay();
    const id = 0xc0000003;
    agent.emit(FrameType.SockOpen, id);
    agent.emit(FrameType.SockData, id, request('GET', '/v1.43/events'));
    const conn = to(id);
    await settle(() => conn.bytes().length > 0);
    expect(new TextDecoder().decode(conn.bytes())).toMatch(/^HTTP\/1\.1 200 OK\r\n/);
    agent.emit(FrameType.SockClose, id);
    const before = conn.frames().length;
    await daemon.containerCreate({ image: 'busybox', cmd: ['true'] });
    for (let i = 0; i < 20; i++) await new Promise((resolve) => setTimeout(resolve, 0));
    expect(conn.frames().length).toBe(before);
  });
});
