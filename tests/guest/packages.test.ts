// The offline package world, through the real tools: a tutorial's Dockerfile that runs
// `pip install -r requirements.txt` builds as written, pip fetching over HTTP from the lab's
// package server (pypi.org resolves to it); a package the index lacks fails as pip fails, then
// Drydock says why.
import { describe, expect, it } from 'vitest';
import { labForFile } from '../support/guest-fixture';

const sh = labForFile({ fixtures: { 'flask-get-started': '/root/flask' }, timeoutMs: 600_000 });

describe('pip, offline', () => {
  it('builds the get-started Flask app (pip install -r requirements.txt) and serves Hello World! on the published port', async () => {
    const built = await sh('docker build -t friendlyhello .', '/root/flask');
    expect(built.code, built.err).toBe(0);
    // pip's own lines, from the lab's index: Flask and Redis with their dependencies.
    expect(built.err).toContain('Looking in indexes: http://pypi.org:3141/simple');
    expect(built.err).toMatch(/Successfully installed .*Flask-2\.2\.2/);
    expect(built.err).toMatch(/Successfully installed .*redis-4\.3\.4/i); // pip writes the name as requirements.txt does
    const run = await sh('docker run -d -p 4000:80 --name hello friendlyhello');
    expect(run.code, run.err).toBe(0);
    await expect
      .poll(async () => (await sh('wget -qO- http://localhost:4000/')).out, { timeout: 60_000, interval: 1000 })
      .toContain('<h3>Hello World!</h3>');
    // No redis container: the app says so, as the tutorial shows before part 3.
    expect((await sh('wget -qO- http://localhost:4000/')).out).toContain('cannot connect to Redis, counter disabled');
  }, 900_000);

  it('installs into the system Python as the official image does: pip install in a container', async () => {
    const r = await sh('docker run --rm python:3.11-slim sh -c "pip install itsdangerous && python -c \'import itsdangerous; print(itsdangerous.__file__)\'"');
    expect(r.code, r.err).toBe(0);
    expect(r.out).toContain('Successfully installed itsdangerous-2.1.2');
    expect(r.out).toContain('/usr/local/lib/python3.11/dist-packages/itsdangerous/__init__.py');
  }, 600_000);

  it('fails a missing package as pip does, then says once that the lab is offline and where the list is', async () => {
    await sh('mkdir -p /root/missing && printf "FROM python:3.11-slim\\nRUN pip install nosuchpkg\\n" > /root/missing/Dockerfile');
    const r = await sh('docker build -t missing .', '/root/missing');
    expect(r.code).toBe(1);
    expect(r.err).toContain('ERROR: Could not find a version that satisfies the requirement nosuchpkg (from versions: none)');
    expect(r.err).toContain('ERROR: No matching distribution found for nosuchpkg');
    const solve = r.err.indexOf('ERROR: failed to solve: process "/bin/sh -c pip install nosuchpkg" did not complete successfully: exit code: 1');
    const hint = r.err.indexOf('Drydock runs offline: its Python package index has only the packages built into the lab (the list: http://pypi.org:3141/simple/');
    expect(solve).toBeGreaterThan(0);
    expect(hint).toBeGreaterThan(solve);
    expect(r.err.split('Drydock runs offline').length).toBe(2);
  }, 600_000);

  it('resolves no other host: the lab has no internet', async () => {
    const r = await sh(`docker run --rm python:3.11-slim python -c "import socket; socket.getaddrinfo('example.com', 80)"`);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/socket\.gaierror: \[Errno -[0-9]+\] /);
  });
});
