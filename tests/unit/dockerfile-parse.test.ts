// The Dockerfile parser against BuildKit's behaviour: real-world files parsed into concrete
// structures, then each instruction, directive, line rule and error message on its own.
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DockerfileParseError, parseDockerfile, parseOnbuildTrigger } from '../../web/src/engine/formats/dockerfile';
import type { Dockerfile, Instruction } from '../../web/src/engine/formats/dockerfile';

const fixture = (name: string) => readFileSync(join(import.meta.dirname, 'fixtures', 'dockerfiles', name), 'utf8');
const at = (startLine: number, endLine = startLine) => ({ startLine, endLine });

/** The instructions after `FROM scratch` (so they start on line 2). */
function body(text: string): Instruction[] {
  return parseDockerfile(`FROM scratch\n${text}`).stages[0]!.instructions;
}

function only(text: string): Instruction {
  const instructions = body(text);
  expect(instructions).toHaveLength(1);
  return instructions[0]!;
}

function parseError(text: string): { detail: string; line: number; message: string } {
  try {
    parseDockerfile(text);
  } catch (err) {
    if (err instanceof DockerfileParseError) return { detail: err.detail, line: err.line, message: err.message };
    throw err;
  }
  throw new Error('expected a DockerfileParseError');
}

/** The error for `text` placed after `FROM scratch`, i.e. reported on line 2 unless it spans more. */
const bodyError = (text: string) => parseError(`FROM scratch\n${text}`);

describe('real-world Dockerfiles', () => {
  it('parses a two-stage Node.js app', () => {
    expect(parseDockerfile(fixture('node-app.Dockerfile'))).toEqual<Dockerfile>({
      syntax: 'docker/dockerfile:1',
      escape: '\\',
      warnings: [],
      globalArgs: [{ kind: 'ARG', range: at(4), original: 'ARG NODE_VERSION=20', flags: {}, args: [{ name: 'NODE_VERSION', default: '20' }] }],
      stages: [
        {
          from: { kind: 'FROM', range: at(6), original: 'FROM node:${NODE_VERSION}-alpine AS deps', flags: {}, image: 'node:${NODE_VERSION}-alpine', stage: 'deps' },
          instructions: [
            { kind: 'WORKDIR', range: at(7), original: 'WORKDIR /app', flags: {}, path: '/app' },
            {
              kind: 'COPY',
              range: at(8),
              original: 'COPY package.json package-lock.json ./',
              flags: {},
              sources: ['package.json', 'package-lock.json'],
              dest: './',
              heredocs: [],
            },
            {
              kind: 'RUN',
              range: at(9, 10),
              original: 'RUN --mount=type=cache,target=/root/.npm     npm ci --omit=dev',
              flags: { mount: 'type=cache,target=/root/.npm' },
              flagLists: { mount: ['type=cache,target=/root/.npm'] },
              command: { form: 'shell', text: 'npm ci --omit=dev', heredocs: [] },
            },
          ],
        },
        {
          from: { kind: 'FROM', range: at(12), original: 'FROM node:${NODE_VERSION}-alpine', flags: {}, image: 'node:${NODE_VERSION}-alpine' },
          instructions: [
            {
              kind: 'ENV',
              range: at(13, 14),
              original: 'ENV NODE_ENV=production     PORT=3000',
              flags: {},
              pairs: [
                ['NODE_ENV', 'production'],
                ['PORT', '3000'],
              ],
            },
            { kind: 'WORKDIR', range: at(15), original: 'WORKDIR /app', flags: {}, path: '/app' },
            {
              kind: 'COPY',
              range: at(16),
              original: 'COPY --from=deps /app/node_modules ./node_modules',
              flags: { from: 'deps' },
              sources: ['/app/node_modules'],
              dest: './node_modules',
              heredocs: [],
            },
            {
              kind: 'COPY',
              range: at(17),
              original: 'COPY --chown=node:node . .',
              flags: { chown: 'node:node' },
              sources: ['.'],
              dest: '.',
              heredocs: [],
            },
            { kind: 'USER', range: at(18), original: 'USER node', flags: {}, user: 'node' },
            { kind: 'EXPOSE', range: at(19), original: 'EXPOSE 3000', flags: {}, ports: ['3000'] },
            {
              kind: 'HEALTHCHECK',
              range: at(20, 21),
              original: 'HEALTHCHECK --interval=30s --timeout=3s   CMD wget -qO- http://localhost:3000/health || exit 1',
              flags: { interval: '30s', timeout: '3s' },
              check: {
                command: { form: 'shell', text: 'wget -qO- http://localhost:3000/health || exit 1', heredocs: [] },
                interval: '30s',
                timeout: '3s',
              },
            },
            { kind: 'CMD', range: at(22), original: 'CMD ["node", "server.js"]', flags: {}, command: { form: 'exec', argv: ['node', 'server.js'] } },
          ],
        },
      ],
    });
  });

  it('parses a Python app installed with pip', () => {
    const df = parseDockerfile(fixture('python-pip.Dockerfile'));
    expect(df.globalArgs).toEqual([]);
    expect(df.syntax).toBeUndefined();
    expect(df.stages).toHaveLength(1);
    expect(df.stages[0]!.from).toEqual({ kind: 'FROM', range: at(1), original: 'FROM python:3.12-slim', flags: {}, image: 'python:3.12-slim' });
    expect(df.stages[0]!.instructions).toEqual<Instruction[]>([
      {
        kind: 'LABEL',
        range: at(3, 4),
        original: 'LABEL org.opencontainers.image.title="Flask demo"       org.opencontainers.image.authors="Drydock <lab@example.com>"',
        flags: {},
        pairs: [
          ['org.opencontainers.image.title', '"Flask demo"'],
          ['org.opencontainers.image.authors', '"Drydock <lab@example.com>"'],
        ],
      },
      {
        kind: 'ENV',
        range: at(6),
        original: 'ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1',
        flags: {},
        pairs: [
          ['PYTHONDONTWRITEBYTECODE', '1'],
          ['PYTHONUNBUFFERED', '1'],
        ],
      },
      { kind: 'ENV', range: at(7), original: 'ENV PIP_NO_CACHE_DIR 1', flags: {}, pairs: [['PIP_NO_CACHE_DIR', '1']] },
      {
        kind: 'RUN',
        range: at(9, 11),
        original:
          'RUN apt-get update  && apt-get install -y --no-install-recommends build-essential  && rm -rf /var/lib/apt/lists/*',
        flags: {},
        command: {
          form: 'shell',
          text: 'apt-get update  && apt-get install -y --no-install-recommends build-essential  && rm -rf /var/lib/apt/lists/*',
          heredocs: [],
        },
      },
      { kind: 'WORKDIR', range: at(13), original: 'WORKDIR /srv/app', flags: {}, path: '/srv/app' },
      { kind: 'COPY', range: at(14), original: 'COPY requirements.txt .', flags: {}, sources: ['requirements.txt'], dest: '.', heredocs: [] },
      {
        kind: 'RUN',
        range: at(15),
        original: 'RUN pip install -r requirements.txt',
        flags: {},
        command: { form: 'shell', text: 'pip install -r requirements.txt', heredocs: [] },
      },
      { kind: 'COPY', range: at(16), original: 'COPY . .', flags: {}, sources: ['.'], dest: '.', heredocs: [] },
      {
        kind: 'RUN',
        range: at(18),
        original: 'RUN useradd --create-home appuser',
        flags: {},
        command: { form: 'shell', text: 'useradd --create-home appuser', heredocs: [] },
      },
      { kind: 'USER', range: at(19), original: 'USER appuser', flags: {}, user: 'appuser' },
      { kind: 'EXPOSE', range: at(20), original: 'EXPOSE 8000/tcp', flags: {}, ports: ['8000/tcp'] },
      { kind: 'VOLUME', range: at(21), original: 'VOLUME ["/srv/app/data"]', flags: {}, paths: ['/srv/app/data'] },
      { kind: 'STOPSIGNAL', range: at(22), original: 'STOPSIGNAL SIGINT', flags: {}, signal: 'SIGINT' },
      {
        kind: 'ENTRYPOINT',
        range: at(23),
        original: 'ENTRYPOINT ["gunicorn", "--bind", "0.0.0.0:8000"]',
        flags: {},
        command: { form: 'exec', argv: ['gunicorn', '--bind', '0.0.0.0:8000'] },
      },
      { kind: 'CMD', range: at(24), original: 'CMD ["app:app"]', flags: {}, command: { form: 'exec', argv: ['app:app'] } },
    ]);
  });

  it('parses a multi-stage Go and C build with global ARGs and --platform', () => {
    const df = parseDockerfile(fixture('go-c-multistage.Dockerfile'));
    expect(df.globalArgs).toEqual([
      { kind: 'ARG', range: at(1), original: 'ARG GO_VERSION=1.22', flags: {}, args: [{ name: 'GO_VERSION', default: '1.22' }] },
      { kind: 'ARG', range: at(2), original: 'ARG ALPINE_VERSION=3.19', flags: {}, args: [{ name: 'ALPINE_VERSION', default: '3.19' }] },
    ]);
    expect(df.stages.map((s) => s.from)).toEqual([
      {
        kind: 'FROM',
        range: at(4),
        original: 'FROM --platform=$BUILDPLATFORM golang:${GO_VERSION} AS build',
        flags: { platform: '$BUILDPLATFORM' },
        image: 'golang:${GO_VERSION}',
        stage: 'build',
      },
      { kind: 'FROM', range: at(13), original: 'FROM gcc:13 AS native', flags: {}, image: 'gcc:13', stage: 'native' },
      { kind: 'FROM', range: at(18), original: 'FROM alpine:${ALPINE_VERSION}', flags: {}, image: 'alpine:${ALPINE_VERSION}' },
    ]);
    const [build, native, final] = df.stages;
    expect(build!.instructions.map((i) => i.original)).toEqual([
      'ARG TARGETOS TARGETARCH',
      'WORKDIR /src',
      'COPY go.mod go.sum ./',
      'RUN go mod download',
      'COPY . .',
      'RUN CGO_ENABLED=0 GOOS=$TARGETOS GOARCH=$TARGETARCH     go build -trimpath -ldflags="-s -w" -o /out/server ./cmd/server',
    ]);
    expect(build!.instructions[0]).toMatchObject({ kind: 'ARG', args: [{ name: 'TARGETOS' }, { name: 'TARGETARCH' }] });
    expect(build!.instructions[5]).toMatchObject({ kind: 'RUN', range: at(10, 11) });
    expect(native!.instructions).toEqual([
      { kind: 'WORKDIR', range: at(14), original: 'WORKDIR /build', flags: {}, path: '/build' },
      { kind: 'COPY', range: at(15), original: 'COPY hello.c Makefile ./', flags: {}, sources: ['hello.c', 'Makefile'], dest: './', heredocs: [] },
      { kind: 'RUN', range: at(16), original: 'RUN make hello && strip hello', flags: {}, command: { form: 'shell', text: 'make hello && strip hello', heredocs: [] } },
    ]);
    expect(final!.instructions).toEqual([
      {
        kind: 'RUN',
        range: at(19),
        original: 'RUN apk add --no-cache ca-certificates',
        flags: {},
        command: { form: 'shell', text: 'apk add --no-cache ca-certificates', heredocs: [] },
      },
      {
        kind: 'COPY',
        range: at(20),
        original: 'COPY --from=build /out/server /usr/local/bin/server',
        flags: { from: 'build' },
        sources: ['/out/server'],
        dest: '/usr/local/bin/server',
        heredocs: [],
      },
      {
        kind: 'COPY',
        range: at(21),
        original: 'COPY --from=native --chmod=755 /build/hello /usr/local/bin/',
        flags: { from: 'native', chmod: '755' },
        sources: ['/build/hello'],
        dest: '/usr/local/bin/',
        heredocs: [],
      },
      { kind: 'USER', range: at(22), original: 'USER 65534:65534', flags: {}, user: '65534:65534' },
      { kind: 'ENTRYPOINT', range: at(23), original: 'ENTRYPOINT ["/usr/local/bin/server"]', flags: {}, command: { form: 'exec', argv: ['/usr/local/bin/server'] } },
    ]);
  });

  it('parses an nginx static site', () => {
    const [stage] = parseDockerfile(fixture('nginx-static.Dockerfile')).stages;
    expect(stage!.from.image).toBe('nginx:1.25-alpine');
    expect(stage!.instructions).toEqual<Instruction[]>([
      { kind: 'MAINTAINER', range: at(2), original: 'MAINTAINER Site Team <web@example.com>', flags: {}, name: 'Site Team <web@example.com>' },
      {
        kind: 'COPY',
        range: at(3),
        original: 'COPY nginx.conf /etc/nginx/conf.d/default.conf',
        flags: {},
        sources: ['nginx.conf'],
        dest: '/etc/nginx/conf.d/default.conf',
        heredocs: [],
      },
      { kind: 'COPY', range: at(4), original: 'COPY public/ /usr/share/nginx/html/', flags: {}, sources: ['public/'], dest: '/usr/share/nginx/html/', heredocs: [] },
      {
        kind: 'ADD',
        range: at(5),
        original: 'ADD --chown=nginx:nginx https://example.com/robots.txt /usr/share/nginx/html/robots.txt',
        flags: { chown: 'nginx:nginx' },
        sources: ['https://example.com/robots.txt'],
        dest: '/usr/share/nginx/html/robots.txt',
        heredocs: [],
      },
      // BuildKit sorts EXPOSE's arguments.
      { kind: 'EXPOSE', range: at(6), original: 'EXPOSE 443 80', flags: {}, ports: ['443', '80'].sort() },
      { kind: 'STOPSIGNAL', range: at(7), original: 'STOPSIGNAL SIGQUIT', flags: {}, signal: 'SIGQUIT' },
      { kind: 'HEALTHCHECK', range: at(8), original: 'HEALTHCHECK NONE', flags: {}, check: null },
      { kind: 'CMD', range: at(9), original: "CMD nginx -g 'daemon off;'", flags: {}, command: { form: 'shell', text: "nginx -g 'daemon off;'", heredocs: [] } },
    ]);
  });

  it('parses awkward formatting: tabs, mixed case, blanks after the escape, comments in continuations', () => {
    expect(parseDockerfile(fixture('awkward.Dockerfile'))).toEqual<Dockerfile>({
      escape: '\\',
      globalArgs: [],
      warnings: [{ line: 10, message: 'Empty continuation line found in: run    echo four     five' }],
      stages: [
        {
          from: { kind: 'FROM', range: at(3), original: 'from\tbusybox:1.36   as   Base', flags: {}, image: 'busybox:1.36', stage: 'base' },
          instructions: [
            {
              kind: 'RUN',
              range: at(4, 7),
              original: 'Run echo one \t&& echo two     && echo three',
              flags: {},
              command: { form: 'shell', text: 'echo one \t&& echo two     && echo three', heredocs: [] },
            },
            { kind: 'RUN', range: at(8, 10), original: 'run    echo four     five', flags: {}, command: { form: 'shell', text: 'echo four     five', heredocs: [] } },
            { kind: 'ENV', range: at(11), original: 'env GREETING hello   world', flags: {}, pairs: [['GREETING', 'hello   world']] },
            {
              kind: 'ENV',
              range: at(12),
              original: 'Env A=1 B="two words" C=three\\ words',
              flags: {},
              pairs: [
                ['A', '1'],
                ['B', '"two words"'],
                ['C', 'three\\ words'],
              ],
            },
            { kind: 'WORKDIR', range: at(13), original: 'workdir   /tmp', flags: {}, path: '/tmp' },
            { kind: 'COPY', range: at(14), original: 'copy --chown="1000:1000" a b /dst/', flags: { chown: '1000:1000' }, sources: ['a', 'b'], dest: '/dst/', heredocs: [] },
            { kind: 'CMD', range: at(15), original: "cmd ['echo', 'not json']", flags: {}, command: { form: 'shell', text: "['echo', 'not json']", heredocs: [] } },
            { kind: 'ENTRYPOINT', range: at(16), original: 'entrypoint [ "sh", "-c" ]', flags: {}, command: { form: 'exec', argv: ['sh', '-c'] } },
          ],
        },
      ],
    });
  });

  it('parses a Windows-style file with the backtick escape', () => {
    const df = parseDockerfile(fixture('windows.Dockerfile'));
    expect(df.escape).toBe('`');
    expect(df.stages[0]!.from.image).toBe('mcr.microsoft.com/windows/servercore:ltsc2022');
    expect(df.stages[0]!.instructions).toEqual<Instruction[]>([
      {
        kind: 'SHELL',
        range: at(4),
        original: 'SHELL ["powershell", "-Command", "$ErrorActionPreference = \'Stop\';"]',
        flags: {},
        shell: ['powershell', '-Command', "$ErrorActionPreference = 'Stop';"],
      },
      { kind: 'WORKDIR', range: at(5), original: 'WORKDIR C:\\app', flags: {}, path: 'C:\\app' },
      // A trailing backslash is an ordinary character here, not a continuation.
      { kind: 'COPY', range: at(6), original: 'COPY app\\ C:\\app\\', flags: {}, sources: ['app\\'], dest: 'C:\\app\\', heredocs: [] },
      {
        kind: 'RUN',
        range: at(7, 8),
        original: "RUN New-Item -ItemType Directory -Path C:\\data ;     Write-Host 'done'",
        flags: {},
        command: { form: 'shell', text: "New-Item -ItemType Directory -Path C:\\data ;     Write-Host 'done'", heredocs: [] },
      },
      { kind: 'ENV', range: at(9), original: 'ENV PATH="C:\\app\\bin;${PATH}"', flags: {}, pairs: [['PATH', '"C:\\app\\bin;${PATH}"']] },
      { kind: 'CMD', range: at(10), original: 'CMD ["C:\\\\app\\\\server.exe"]', flags: {}, command: { form: 'exec', argv: ['C:\\app\\server.exe'] } },
    ]);
  });

  it('parses here-documents for RUN and COPY', () => {
    const df = parseDockerfile(fixture('heredocs.Dockerfile'));
    expect(df.syntax).toBe('docker/dockerfile:1.7');
    expect(df.stages[0]!.instructions).toEqual<Instruction[]>([
      { kind: 'ARG', range: at(3), original: 'ARG GREETING=hello', flags: {}, args: [{ name: 'GREETING', default: 'hello' }] },
      {
        kind: 'RUN',
        range: at(4, 8),
        original: 'RUN <<EOF',
        flags: {},
        command: {
          form: 'shell',
          text: '<<EOF',
          heredocs: [{ name: 'EOF', content: 'set -e\napk add --no-cache python3\necho "$GREETING" > /greeting\n', chomp: false, expand: true }],
        },
      },
      {
        kind: 'RUN',
        range: at(9, 12),
        original: "RUN <<-'SCRIPT' sh",
        flags: {},
        command: {
          form: 'shell',
          text: "<<-'SCRIPT' sh",
          heredocs: [
            { name: 'SCRIPT', content: 'echo "tabs are stripped, $HOME stays for the shell"\nif true; then echo nested; fi\n', chomp: true, expand: false },
          ],
        },
      },
      {
        kind: 'RUN',
        range: at(13, 15),
        original: 'RUN python3 <<PY',
        flags: {},
        command: { form: 'shell', text: 'python3 <<PY', heredocs: [{ name: 'PY', content: 'print("heredoc as stdin")\n', chomp: false, expand: true }] },
      },
      {
        kind: 'RUN',
        range: at(16, 20),
        original: 'RUN <<A <<B',
        flags: {},
        command: {
          form: 'shell',
          text: '<<A <<B',
          heredocs: [
            { name: 'A', content: 'echo first\n', chomp: false, expand: true },
            { name: 'B', content: 'echo second\n', chomp: false, expand: true },
          ],
        },
      },
      {
        kind: 'COPY',
        range: at(21, 23),
        original: 'COPY <<EOF /etc/motd',
        flags: {},
        sources: [],
        dest: '/etc/motd',
        heredocs: [{ name: 'EOF', content: 'Welcome to Drydock, ${GREETING}!\n', chomp: false, expand: true }],
      },
      {
        kind: 'COPY',
        range: at(24, 30),
        original: 'COPY --chmod=755 <<"run.sh" <<conf.ini /opt/app/',
        flags: { chmod: '755' },
        sources: [],
        dest: '/opt/app/',
        heredocs: [
          { name: 'run.sh', content: '#!/bin/sh\nexec "$@"\n', chomp: false, expand: false },
          { name: 'conf.ini', content: '[app]\ndebug = false\n', chomp: false, expand: true },
        ],
      },
      { kind: 'RUN', range: at(31), original: 'RUN cat /etc/motd', flags: {}, command: { form: 'shell', text: 'cat /etc/motd', heredocs: [] } },
    ]);
  });
});

describe('parser directives', () => {
  it('reads syntax and escape, in any case and spacing', () => {
    const df = parseDockerfile('# SYNTAX = docker/dockerfile:1.4  \n#Escape=`\nFROM scratch\nRUN a `\n b');
    expect(df.syntax).toBe('docker/dockerfile:1.4');
    expect(df.escape).toBe('`');
    expect(df.stages[0]!.instructions[0]).toMatchObject({ command: { text: 'a  b' }, range: at(4, 5) });
  });

  it('accepts the check directive', () => {
    expect(parseDockerfile('# check=skip=all\n# escape=`\nFROM scratch').escape).toBe('`');
  });

  it('ignores directives after a blank line, a comment, or an instruction', () => {
    expect(parseDockerfile('\n# escape=`\nFROM scratch').escape).toBe('\\');
    expect(parseDockerfile('# hello\n# escape=`\nFROM scratch').escape).toBe('\\');
    expect(parseDockerfile('# unknown=directive\n# escape=`\nFROM scratch').escape).toBe('\\');
    expect(parseDockerfile('FROM scratch\n# escape=`\nRUN a `').stages[0]!.instructions[0]).toMatchObject({ command: { text: 'a `' } });
  });

  it('treats leading whitespace before a directive as allowed', () => {
    expect(parseDockerfile('  # escape=`\nFROM scratch').escape).toBe('`');
  });

  it('rejects a repeated directive and an invalid escape', () => {
    expect(parseError('# escape=`\n# escape=\\\nFROM scratch')).toMatchObject({ detail: 'only one escape parser directive can be used', line: 2 });
    expect(parseError('# escape=x\nFROM scratch')).toMatchObject({ detail: "invalid escape token 'x' does not match ` or \\", line: 1 });
    expect(parseError('# escape=\\\\\nFROM scratch')).toMatchObject({ detail: "invalid escape token '\\\\' does not match ` or \\" });
  });

  it('strips a byte-order mark', () => {
    expect(parseDockerfile('\uFEFF# escape=`\nFROM scratch').escape).toBe('`');
  });
});

describe('lines', () => {
  it('skips comments and blank lines, and strips leading whitespace', () => {
    const df = parseDockerfile('# one\n\n   \n\tFROM scratch\n  # two\n    RUN true\n');
    expect(df.stages[0]!.from).toMatchObject({ range: at(4), original: 'FROM scratch' });
    expect(df.stages[0]!.instructions).toEqual([{ kind: 'RUN', range: at(6), original: 'RUN true', flags: {}, command: { form: 'shell', text: 'true', heredocs: [] } }]);
  });

  it('joins continuations keeping the whitespace of continued lines, as BuildKit names steps', () => {
    expect(only('RUN apt-get update && \\\n    apt-get install -y curl')).toMatchObject({
      original: 'RUN apt-get update &&     apt-get install -y curl',
      command: { text: 'apt-get update &&     apt-get install -y curl' },
      range: at(2, 3),
    });
    expect(only('RUN echo hello\\\n  world\\\nning')).toMatchObject({ command: { text: 'echo hello  worldning' } });
    // Trailing blanks after the escape still continue the line.
    expect(only('RUN echo hello  \\  \t\nworld')).toMatchObject({ command: { text: 'echo hello  world' } });
    // A line that is only the escape continues without adding anything.
    expect(only('RUN echo hi \\\n \\\n world \\\n\\\n good\\\n\\\nnight')).toMatchObject({ command: { text: 'echo hi   world  goodnight' } });
  });

  it('does not continue after an escaped escape', () => {
    expect(body('RUN echo foo\\\\\nRUN echo bar').map((i) => i.original)).toEqual(['RUN echo foo\\\\', 'RUN echo bar']);
  });

  it('ends a continuation at the end of the file', () => {
    expect(only('RUN echo \\')).toMatchObject({ command: { text: 'echo' }, range: at(2) });
  });

  it('drops comment lines inside a continuation', () => {
    expect(only('RUN a \\\n# not a comment in sh, but dropped by Docker\n  # indented too\n  b')).toMatchObject({
      command: { text: 'a   b' },
      range: at(2, 5),
    });
  });

  it('warns about empty continuation lines, with the joined instruction and its last line', () => {
    const df = parseDockerfile('FROM scratch\nRUN something \\\n\n    following \\\n\n    more\nRUN another \\\n\n    thing\n');
    expect(df.warnings).toEqual([
      { line: 6, message: 'Empty continuation line found in: RUN something     following     more' },
      { line: 9, message: 'Empty continuation line found in: RUN another     thing' },
    ]);
    expect(df.stages[0]!.instructions.map((i) => i.range)).toEqual([at(2, 6), at(7, 9)]);
  });

  it('reads CRLF line endings', () => {
    expect(parseDockerfile('FROM scratch\r\nRUN a \\\r\n  b\r\nCMD ["x"]\r\n').stages[0]!.instructions).toEqual([
      { kind: 'RUN', range: at(2, 3), original: 'RUN a   b', flags: {}, command: { form: 'shell', text: 'a   b', heredocs: [] } },
      { kind: 'CMD', range: at(4), original: 'CMD ["x"]', flags: {}, command: { form: 'exec', argv: ['x'] } },
    ]);
  });

  it('rejects a line longer than BuildKit accepts', () => {
    expect(parseError(`FROM scratch\nLABEL a=${'x'.repeat(65536)}\n`)).toMatchObject({ detail: 'dockerfile line greater than max allowed size of 65535' });
    expect(() => parseDockerfile(`FROM scratch\nLABEL a=${'x'.repeat(65000)}\n`)).not.toThrow();
  });
});

describe('FROM', () => {
  it('takes an image, an optional stage name (lowercased) and --platform', () => {
    expect(parseDockerfile('FROM alpine').stages[0]!.from).toEqual({ kind: 'FROM', range: at(1), original: 'FROM alpine', flags: {}, image: 'alpine' });
    expect(parseDockerfile('from --platform=linux/amd64 alpine:3 As Builder').stages[0]!.from).toEqual({
      kind: 'FROM',
      range: at(1),
      original: 'from --platform=linux/amd64 alpine:3 As Builder',
      flags: { platform: 'linux/amd64' },
      image: 'alpine:3',
      stage: 'builder',
    });
  });

  it('starts a new stage each time', () => {
    const df = parseDockerfile('FROM a AS one\nRUN x\nFROM b\nRUN y\nRUN z');
    expect(df.stages.map((s) => [s.from.image, s.instructions.length])).toEqual([
      ['a', 1],
      ['b', 2],
    ]);
  });

  it('rejects the wrong number of arguments, bad stage names and unknown flags', () => {
    expect(parseError('FROM')).toMatchObject({ detail: 'FROM requires either one or three arguments', line: 1 });
    expect(parseError('FROM alpine AS')).toMatchObject({ detail: 'FROM requires either one or three arguments' });
    expect(parseError('FROM alpine base')).toMatchObject({ detail: 'FROM requires either one or three arguments' });
    expect(parseError('FROM alpine IS base')).toMatchObject({ detail: 'FROM requires either one or three arguments' });
    expect(parseError('FROM alpine AS 1st')).toMatchObject({
      detail: 'invalid name for build stage: "1st", name can\'t start with a number or contain symbols',
    });
    expect(parseError('FROM alpine AS My$Stage')).toMatchObject({
      detail: 'invalid name for build stage: "My$Stage", name can\'t start with a number or contain symbols',
    });
    expect(parseError('FROM --platfrom=linux/arm64 alpine')).toMatchObject({ detail: 'unknown flag: --platfrom (did you mean platform?)' });
    expect(parseError('FROM --platform alpine')).toMatchObject({ detail: 'missing a value on flag: --platform' });
  });

  it('accepts stage names with digits, dashes, underscores and dots', () => {
    expect(parseDockerfile('FROM a AS b-1_x.y').stages[0]!.from).toMatchObject({ stage: 'b-1_x.y' });
  });
});

describe('RUN, CMD and ENTRYPOINT', () => {
  it('uses exec form for a JSON array of strings and shell form otherwise', () => {
    expect(only('RUN ["apk", "add", "curl"]')).toMatchObject({ command: { form: 'exec', argv: ['apk', 'add', 'curl'] } });
    expect(only('CMD [ "a" ,	"b" ]   ')).toMatchObject({ command: { form: 'exec', argv: ['a', 'b'] } });
    expect(only('CMD ["abc 123", "♥", "\\" \\\\ \\/ \\n \\u0041"]')).toMatchObject({ command: { argv: ['abc 123', '♥', '" \\ / \n A'] } });
    expect(only("CMD ['single', 'quotes']")).toMatchObject({ command: { form: 'shell', text: "['single', 'quotes']" } });
    expect(only('CMD ["unterminated"')).toMatchObject({ command: { form: 'shell', text: '["unterminated"' } });
    expect(only('RUN ["a"] && echo b')).toMatchObject({ command: { form: 'shell', text: '["a"] && echo b' } });
    expect(only('ENTRYPOINT ["a", "b" ')).toMatchObject({ command: { form: 'shell' } });
  });

  it('keeps the whole shell text, quotes included', () => {
    expect(only('RUN echo "a  b" \'c\' $HOME > /out')).toEqual({
      kind: 'RUN',
      range: at(2),
      original: 'RUN echo "a  b" \'c\' $HOME > /out',
      flags: {},
      command: { form: 'shell', text: 'echo "a  b" \'c\' $HOME > /out', heredocs: [] },
    });
  });

  it('allows empty exec forms and empty commands', () => {
    expect(only('ENTRYPOINT []')).toMatchObject({ kind: 'ENTRYPOINT', command: { form: 'exec', argv: [] } });
    expect(only('CMD []')).toMatchObject({ kind: 'CMD', command: { form: 'exec', argv: [] } });
    expect(only('RUN')).toMatchObject({ kind: 'RUN', command: { form: 'shell', text: '', heredocs: [] } });
  });

  it('rejects JSON arrays that are not all strings', () => {
    const detail = 'when using JSON array syntax, arrays must be comprised of strings only';
    expect(bodyError('CMD ["echo", 1]')).toMatchObject({ detail, line: 2 });
    expect(bodyError('RUN ["a", ["nested"]]')).toMatchObject({ detail });
    expect(bodyError('ENTRYPOINT [null]')).toMatchObject({ detail });
  });

  it('takes RUN --mount (repeatable), --network and --security', () => {
    expect(only('RUN --mount=type=cache,target=/var/cache/apt --mount=type=secret,id=token --network=none --security=insecure make')).toEqual({
      kind: 'RUN',
      range: at(2),
      original: 'RUN --mount=type=cache,target=/var/cache/apt --mount=type=secret,id=token --network=none --security=insecure make',
      flags: { mount: 'type=secret,id=token', network: 'none', security: 'insecure' },
      flagLists: { mount: ['type=cache,target=/var/cache/apt', 'type=secret,id=token'] },
      command: { form: 'shell', text: 'make', heredocs: [] },
    });
    expect(only('RUN --network=host -- --not-a-flag')).toMatchObject({ flags: { network: 'host' }, command: { text: '--not-a-flag' } });
  });

  it('rejects unknown flags and bad RUN flag values', () => {
    expect(bodyError('RUN --mnt=type=cache,target=/x make')).toMatchObject({ detail: 'unknown flag: --mnt (did you mean mount?)', line: 2 });
    expect(bodyError('RUN --help')).toMatchObject({ detail: 'unknown flag: --help' });
    expect(bodyError('RUN --network=bridge make')).toMatchObject({ detail: 'invalid network mode "bridge"' });
    expect(bodyError('RUN --security=privileged make')).toMatchObject({ detail: 'security "privileged" is not valid' });
    expect(bodyError('RUN --network=none --network=host make')).toMatchObject({ detail: 'duplicate flag specified: --network' });
    expect(bodyError('CMD --doit ["a"]')).toMatchObject({ detail: 'unknown flag: --doit' });
    expect(bodyError('ENTRYPOINT --x=1 sh')).toMatchObject({ detail: 'unknown flag: --x' });
  });
});

describe('COPY and ADD', () => {
  it('splits sources and destination on blanks; quotes are not special there', () => {
    expect(only('COPY a.txt b/ "c d" /dest/')).toEqual({
      kind: 'COPY',
      range: at(2),
      original: 'COPY a.txt b/ "c d" /dest/',
      flags: {},
      sources: ['a.txt', 'b/', '"c', 'd"'],
      dest: '/dest/',
      heredocs: [],
    });
  });

  it('takes the JSON form for paths with spaces', () => {
    expect(only('COPY ["my file.txt", "other", "/app/dir with space/"]')).toMatchObject({
      sources: ['my file.txt', 'other'],
      dest: '/app/dir with space/',
    });
  });

  it('takes COPY flags, with quotes and escapes removed from flag values', () => {
    expect(only('COPY --from=build --chown="app:app" --chmod=0644 --link --parents --exclude=*.md --exclude=test/ . /app/')).toEqual({
      kind: 'COPY',
      range: at(2),
      original: 'COPY --from=build --chown="app:app" --chmod=0644 --link --parents --exclude=*.md --exclude=test/ . /app/',
      flags: { from: 'build', chown: 'app:app', chmod: '0644', link: 'true', parents: 'true', exclude: 'test/' },
      flagLists: { exclude: ['*.md', 'test/'] },
      sources: ['.'],
      dest: '/app/',
      heredocs: [],
    });
    expect(only('COPY --link=false --chown=a\\ b x /y')).toMatchObject({ flags: { link: 'false', chown: 'a b' } });
    expect(only('COPY --link=TRUE x /y')).toMatchObject({ flags: { link: 'true' } });
    expect(only('COPY -- --weird-name /y')).toMatchObject({ flags: {}, sources: ['--weird-name'] });
  });

  it('takes ADD flags', () => {
    expect(only('ADD --checksum=sha256:abc --keep-git-dir --unpack=false https://example.com/x.tar.gz /src/')).toMatchObject({
      kind: 'ADD',
      flags: { checksum: 'sha256:abc', 'keep-git-dir': 'true', unpack: 'false' },
      sources: ['https://example.com/x.tar.gz'],
      dest: '/src/',
    });
  });

  it('rejects a missing destination, bad flags and a heredoc as destination', () => {
    const noDest = 'requires at least two arguments, but only one was provided. Destination could not be determined';
    expect(bodyError('COPY file')).toMatchObject({ detail: `COPY ${noDest}`, line: 2 });
    expect(bodyError('ADD')).toMatchObject({ detail: `ADD ${noDest}` });
    expect(bodyError('COPY ["only-one"]')).toMatchObject({ detail: `COPY ${noDest}` });
    expect(bodyError('COPY --form=build a /b')).toMatchObject({ detail: 'unknown flag: --form (did you mean from?)' });
    expect(bodyError('ADD --from=build a /b')).toMatchObject({ detail: 'unknown flag: --from' });
    expect(bodyError('COPY --checksum=x a /b')).toMatchObject({ detail: 'unknown flag: --checksum' });
    expect(bodyError('COPY --from=a --from=b x /y')).toMatchObject({ detail: 'duplicate flag specified: --from' });
    expect(bodyError('COPY --from x /y')).toMatchObject({ detail: 'missing a value on flag: --from' });
    expect(bodyError('COPY --link= x /y')).toMatchObject({ detail: 'missing a value on flag: --link' });
    expect(bodyError('COPY --link=yes x /y')).toMatchObject({ detail: 'expecting boolean value for flag --link, not: yes' });
    expect(bodyError('COPY x <<EOF\nhi\nEOF')).toMatchObject({ detail: 'COPY cannot accept a heredoc as a destination', line: 2 });
  });
});

describe('ENV and LABEL', () => {
  it('reads key=value pairs, keeping quotes and escapes for expansion', () => {
    expect(only('ENV A=1 B="x y" C=\'q\' D=a\\ b E= F=="x"')).toMatchObject({
      pairs: [
        ['A', '1'],
        ['B', '"x y"'],
        ['C', "'q'"],
        ['D', 'a\\ b'],
        ['E', ''],
        ['F', '="x"'],
      ],
    });
    expect(only('LABEL "com.example.vendor"="ACME Inc" version=1.0')).toMatchObject({
      kind: 'LABEL',
      pairs: [
        ['"com.example.vendor"', '"ACME Inc"'],
        ['version', '1.0'],
      ],
    });
  });

  it('reads the legacy `key value with spaces` form', () => {
    expect(only('ENV MY_PATH   /usr/local/bin  and more')).toMatchObject({ pairs: [['MY_PATH', '/usr/local/bin  and more']] });
    expect(only('LABEL maintainer James "james@example.com"')).toMatchObject({ pairs: [['maintainer', 'James "james@example.com"']] });
  });

  it('reads pairs across continuation lines', () => {
    expect(only('ENV a=1 \\\n    b="two \\\n       lines"')).toMatchObject({ pairs: [['a', '1'], ['b', '"two        lines"']], range: at(2, 4) });
  });

  it('rejects malformed pairs with BuildKit\'s messages', () => {
    expect(bodyError('ENV')).toMatchObject({ detail: 'ENV requires at least one argument', line: 2 });
    expect(bodyError('ENV ONLYKEY')).toMatchObject({ detail: 'ENV must have two arguments' });
    expect(bodyError('LABEL ONLYKEY')).toMatchObject({ detail: 'LABEL must have two arguments' });
    expect(bodyError('ENV a=1 b')).toMatchObject({ detail: 'Syntax error - can\'t find = in "b". Must be of the form: name=value' });
    expect(bodyError('ENV =x')).toMatchObject({ detail: 'ENV names can not be blank' });
    expect(bodyError('LABEL =x')).toMatchObject({ detail: 'LABEL names can not be blank' });
    expect(bodyError('LABEL')).toMatchObject({ detail: 'LABEL requires at least one argument' });
    expect(bodyError('ENV --x a=b')).toMatchObject({ detail: 'unknown flag: --x' });
  });
});

describe('ARG', () => {
  it('declares one or more names with optional raw defaults', () => {
    expect(only('ARG A B=2 C= D="x y"')).toEqual({
      kind: 'ARG',
      range: at(2),
      original: 'ARG A B=2 C= D="x y"',
      flags: {},
      args: [{ name: 'A' }, { name: 'B', default: '2' }, { name: 'C', default: '' }, { name: 'D', default: '"x y"' }],
    });
  });

  it('collects ARGs before the first FROM as global args', () => {
    const df = parseDockerfile('ARG V=1\nARG W\nFROM alpine:$V\nARG V');
    expect(df.globalArgs.map((a) => a.args)).toEqual([[{ name: 'V', default: '1' }], [{ name: 'W' }]]);
    expect(df.stages[0]!.instructions).toMatchObject([{ kind: 'ARG', args: [{ name: 'V' }] }]);
  });

  it('rejects a missing or blank name', () => {
    expect(bodyError('ARG')).toMatchObject({ detail: 'ARG requires at least one argument' });
    expect(bodyError('ARG =1')).toMatchObject({ detail: 'ARG names can not be blank' });
  });
});

describe('WORKDIR, USER, STOPSIGNAL, MAINTAINER', () => {
  it('take the whole rest of the line as one argument', () => {
    expect(only('WORKDIR /path with spaces/')).toMatchObject({ kind: 'WORKDIR', path: '/path with spaces/' });
    expect(only('USER app:staff')).toMatchObject({ kind: 'USER', user: 'app:staff' });
    expect(only('STOPSIGNAL 9')).toMatchObject({ kind: 'STOPSIGNAL', signal: '9' });
    expect(only('MAINTAINER Jane Doe <jane@example.com>')).toMatchObject({ kind: 'MAINTAINER', name: 'Jane Doe <jane@example.com>' });
  });

  it('require exactly one argument', () => {
    for (const name of ['WORKDIR', 'USER', 'STOPSIGNAL', 'MAINTAINER']) {
      expect(bodyError(`${name}   `)).toMatchObject({ detail: `${name} requires exactly one argument`, line: 2 });
    }
  });

  it('check flags only where BuildKit does', () => {
    expect(bodyError('WORKDIR --x /a')).toMatchObject({ detail: 'unknown flag: --x' });
    expect(bodyError('USER --x a')).toMatchObject({ detail: 'unknown flag: --x' });
    expect(bodyError('MAINTAINER --boo joe@example.com')).toMatchObject({ detail: 'unknown flag: --boo' });
    // BuildKit never parses STOPSIGNAL's or ARG's flags, so they are silently ignored.
    expect(only('STOPSIGNAL --x SIGTERM')).toMatchObject({ flags: {}, signal: 'SIGTERM' });
    expect(only('ARG --x A')).toMatchObject({ flags: {}, args: [{ name: 'A' }] });
  });
});

describe('EXPOSE and VOLUME', () => {
  it('EXPOSE takes ports, sorted as BuildKit sorts them', () => {
    expect(only('EXPOSE 8080 80/tcp 53/udp ${PORT}')).toMatchObject({ ports: ['${PORT}', '53/udp', '80/tcp', '8080'] });
    expect(bodyError('EXPOSE')).toMatchObject({ detail: 'EXPOSE requires at least one argument' });
  });

  it('VOLUME takes a JSON array or a blank-separated list', () => {
    expect(only('VOLUME ["/data", " /logs "]')).toMatchObject({ paths: ['/data', '/logs'] });
    expect(only('VOLUME /data /var/log')).toMatchObject({ paths: ['/data', '/var/log'] });
    expect(bodyError('VOLUME')).toMatchObject({ detail: 'VOLUME requires at least one argument' });
    expect(bodyError('VOLUME []')).toMatchObject({ detail: 'VOLUME requires at least one argument' });
    expect(bodyError('VOLUME ["/a", "  "]')).toMatchObject({ detail: 'VOLUME specified can not be an empty string' });
  });
});

describe('SHELL', () => {
  it('requires a JSON array', () => {
    expect(only('SHELL ["/bin/bash", "-eo", "pipefail", "-c"]')).toMatchObject({ kind: 'SHELL', shell: ['/bin/bash', '-eo', 'pipefail', '-c'] });
    expect(bodyError('SHELL /bin/bash -c')).toMatchObject({ detail: 'SHELL requires the arguments to be in JSON form', line: 2 });
    expect(bodyError('SHELL []')).toMatchObject({ detail: 'SHELL requires at least one argument' });
    expect(bodyError('SHELL')).toMatchObject({ detail: 'SHELL requires at least one argument' });
  });
});

describe('HEALTHCHECK', () => {
  it('takes NONE, or flags then CMD in shell or exec form', () => {
    expect(only('HEALTHCHECK none')).toMatchObject({ check: null });
    expect(only('HEALTHCHECK --interval=5m --timeout=3s --start-period=1m30s --start-interval=500ms --retries=3 CMD curl -f http://localhost/ || exit 1')).toEqual({
      kind: 'HEALTHCHECK',
      range: at(2),
      original: 'HEALTHCHECK --interval=5m --timeout=3s --start-period=1m30s --start-interval=500ms --retries=3 CMD curl -f http://localhost/ || exit 1',
      flags: { interval: '5m', timeout: '3s', 'start-period': '1m30s', 'start-interval': '500ms', retries: '3' },
      check: {
        command: { form: 'shell', text: 'curl -f http://localhost/ || exit 1', heredocs: [] },
        interval: '5m',
        timeout: '3s',
        startPeriod: '1m30s',
        startInterval: '500ms',
        retries: 3,
      },
    });
    expect(only('HEALTHCHECK cmd ["/bin/check", "--quiet"]')).toMatchObject({ check: { command: { form: 'exec', argv: ['/bin/check', '--quiet'] } } });
    expect(only('HEALTHCHECK --interval=0s --retries=0 CMD true')).toMatchObject({ check: { interval: '0s', retries: 0 } });
  });

  it('rejects bad types, missing commands and bad durations with Docker\'s messages', () => {
    expect(bodyError('HEALTHCHECK')).toMatchObject({ detail: 'HEALTHCHECK requires at least one argument' });
    expect(bodyError('HEALTHCHECK NONE extra')).toMatchObject({ detail: 'HEALTHCHECK NONE takes no arguments' });
    expect(bodyError('HEALTHCHECK CONNECT TCP 7000')).toMatchObject({ detail: 'Unknown type "CONNECT" in HEALTHCHECK (try CMD)' });
    expect(bodyError('HEALTHCHECK CMD')).toMatchObject({ detail: 'Missing command after HEALTHCHECK CMD' });
    expect(bodyError('HEALTHCHECK CMD []')).toMatchObject({ detail: 'Missing command after HEALTHCHECK CMD' });
    expect(bodyError('HEALTHCHECK --interval=5 CMD true')).toMatchObject({ detail: 'time: missing unit in duration "5"' });
    expect(bodyError('HEALTHCHECK --timeout=3x CMD true')).toMatchObject({ detail: 'time: unknown unit "x" in duration "3x"' });
    expect(bodyError('HEALTHCHECK --timeout=soon CMD true')).toMatchObject({ detail: 'time: invalid duration "soon"' });
    expect(bodyError('HEALTHCHECK --interval=100us CMD true')).toMatchObject({ detail: 'Interval "interval" cannot be less than 1ms' });
    expect(bodyError('HEALTHCHECK --start-period=-1s CMD true')).toMatchObject({ detail: 'Interval "start-period" cannot be less than 1ms' });
    expect(bodyError('HEALTHCHECK --retries=-1 CMD true')).toMatchObject({ detail: '--retries cannot be negative (-1)' });
    expect(bodyError('HEALTHCHECK --retries=two CMD true')).toMatchObject({ detail: 'strconv.ParseInt: parsing "two": invalid syntax' });
    expect(bodyError('HEALTHCHECK --retries=9999999999 CMD true')).toMatchObject({ detail: 'strconv.ParseInt: parsing "9999999999": value out of range' });
    expect(bodyError('HEALTHCHECK --interal=5s CMD true')).toMatchObject({ detail: 'unknown flag: --interal (did you mean interval?)' });
  });
});

describe('ONBUILD', () => {
  it('parses the trigger as an instruction of its own', () => {
    expect(only('ONBUILD COPY --chown=app . /app/src')).toEqual({
      kind: 'ONBUILD',
      range: at(2),
      original: 'ONBUILD COPY --chown=app . /app/src',
      flags: {},
      expression: 'COPY --chown=app . /app/src',
      trigger: {
        kind: 'COPY',
        range: at(2),
        original: 'COPY --chown=app . /app/src',
        flags: { chown: 'app' },
        sources: ['.'],
        dest: '/app/src',
        heredocs: [],
      },
    });
    expect(only('onbuild   run ["npm", "install"]')).toMatchObject({ expression: 'run ["npm", "install"]', trigger: { kind: 'RUN', command: { form: 'exec', argv: ['npm', 'install'] } } });
  });

  it('attaches here-documents to the trigger and keeps them in the expression', () => {
    expect(only('ONBUILD RUN <<EOF\necho hi\nEOF')).toMatchObject({
      range: at(2, 4),
      expression: 'RUN <<EOF\necho hi\nEOF',
      trigger: { kind: 'RUN', range: at(2, 4), command: { text: '<<EOF', heredocs: [{ name: 'EOF', content: 'echo hi\n' }] } },
    });
  });

  it('rejects what Docker rejects', () => {
    expect(bodyError('ONBUILD')).toMatchObject({ detail: 'ONBUILD requires at least one argument', line: 2 });
    expect(bodyError('ONBUILD ONBUILD RUN touch foobar')).toMatchObject({ detail: 'Chaining ONBUILD via `ONBUILD ONBUILD` isn\'t allowed' });
    expect(bodyError('ONBUILD from scratch')).toMatchObject({ detail: "FROM isn't allowed as an ONBUILD trigger" });
    expect(bodyError('ONBUILD MAINTAINER me')).toMatchObject({ detail: "MAINTAINER isn't allowed as an ONBUILD trigger" });
    expect(bodyError('ONBUILD --x RUN a')).toMatchObject({ detail: 'unknown flag: --x' });
    expect(bodyError('ONBUILD RUNN make')).toMatchObject({ detail: 'unknown instruction: RUNN (did you mean RUN?)' });
    expect(bodyError('ONBUILD COPY onlyone')).toMatchObject({ detail: 'COPY requires at least two arguments, but only one was provided. Destination could not be determined' });
  });

  it('parses a trigger stored in an image config', () => {
    expect(parseOnbuildTrigger('COPY package.json /app/')).toMatchObject({ kind: 'COPY', sources: ['package.json'], dest: '/app/', range: at(1) });
    expect(parseOnbuildTrigger('RUN <<EOF\nnpm ci\nEOF')).toMatchObject({ kind: 'RUN', command: { heredocs: [{ name: 'EOF', content: 'npm ci\n' }] } });
    expect(() => parseOnbuildTrigger('RUN a\nRUN b')).toThrow('onbuild trigger should be a single expression');
  });
});

describe('here-documents', () => {
  it('recognises the delimiter forms BuildKit recognises', () => {
    const names = (line: string) => {
      const instruction = only(`${line}\nEOF\n`);
      return instruction.kind === 'RUN' && instruction.command.form === 'shell' ? instruction.command.heredocs.map((h) => [h.name, h.expand]) : [];
    };
    expect(names('RUN <<EOF')).toEqual([['EOF', true]]);
    expect(names('RUN << EOF')).toEqual([['EOF', true]]);
    expect(names('RUN <<"EOF"')).toEqual([['EOF', false]]);
    expect(names("RUN <<'EOF'")).toEqual([['EOF', false]]);
    expect(names('RUN <<E"O"F')).toEqual([['EOF', false]]);
    expect(names('RUN 3<<EOF')).toEqual([['EOF', true]]);
    expect(names('RUN cat <<EOF | sh')).toEqual([['EOF', true]]);
    expect(names('RUN --mount=type=cache,target=/x <<EOF')).toEqual([['EOF', true]]);
  });

  it('ignores `<<` that is quoted, glued to a word, or in exec form', () => {
    expect(body('RUN echo "<<EOF"\nRUN a<<EOF\nRUN ["<<EOF"]').map((i) => i.kind === 'RUN' && i.command)).toEqual([
      { form: 'shell', text: 'echo "<<EOF"', heredocs: [] },
      { form: 'shell', text: 'a<<EOF', heredocs: [] },
      { form: 'exec', argv: ['<<EOF'] },
    ]);
    // ...so the stray EOF line was read as an instruction.
    expect(bodyError('RUN ["<<EOF"]\nEOF')).toMatchObject({ detail: 'unknown instruction: EOF (did you mean ENV?)', line: 3 });
  });

  it('ends only at the exact delimiter; body lines are never comments or continuations', () => {
    expect(only('RUN <<EOF\n# kept\necho a \\\nEOF \n  EOF\nEOF')).toMatchObject({
      range: at(2, 7),
      command: { heredocs: [{ name: 'EOF', content: '# kept\necho a \\\nEOF \n  EOF\n' }] },
    });
  });

  it('with <<- strips leading tabs from the body and the delimiter line', () => {
    expect(only('RUN <<-EOF\n\tone\n\t\ttwo\n  three\n\tEOF')).toMatchObject({ command: { heredocs: [{ content: 'one\ntwo\n  three\n', chomp: true }] } });
  });

  it('keeps an empty body', () => {
    expect(only('COPY <<EOF /empty\nEOF')).toMatchObject({ sources: [], heredocs: [{ name: 'EOF', content: '' }] });
  });

  it('mixes heredoc and path sources in COPY', () => {
    expect(only('COPY a.txt <<inline.txt /dst/\nhello\ninline.txt')).toMatchObject({
      sources: ['a.txt'],
      dest: '/dst/',
      heredocs: [{ name: 'inline.txt', content: 'hello\n', expand: true }],
    });
  });

  it('reports an unterminated heredoc at its instruction', () => {
    expect(bodyError('RUN <<EOF\necho hi\nEOf')).toMatchObject({ detail: 'unterminated heredoc', line: 2 });
  });
});

describe('stages and errors', () => {
  it('suggests the nearest instruction, matching the case typed', () => {
    expect(bodyError('RUNN make')).toMatchObject({ detail: 'unknown instruction: RUNN (did you mean RUN?)', line: 2 });
    expect(bodyError('runn make')).toMatchObject({ detail: 'unknown instruction: runn (did you mean run?)' });
    expect(bodyError('Runn make')).toMatchObject({ detail: 'unknown instruction: Runn (did you mean run?)' });
    expect(bodyError('CPY a b')).toMatchObject({ detail: 'unknown instruction: CPY (did you mean COPY?)' });
    expect(bodyError('EXPOSED 80')).toMatchObject({ detail: 'unknown instruction: EXPOSED (did you mean EXPOSE?)' });
    expect(bodyError('FOO bar')).toMatchObject({ detail: 'unknown instruction: FOO (did you mean FROM?)' });
    expect(bodyError('BOGUS bar')).toMatchObject({ detail: 'unknown instruction: BOGUS' });
    expect(bodyError('apt-get install')).toMatchObject({ detail: 'unknown instruction: apt-get' });
  });

  it('says where: the message is BuildKit\'s "dockerfile parse error on line N"', () => {
    const err = parseError('FROM scratch\nRUN a \\\n  b\nWORKDIR');
    expect(err).toEqual({ detail: 'WORKDIR requires exactly one argument', line: 4, message: 'dockerfile parse error on line 4: WORKDIR requires exactly one argument' });
    // A multi-line instruction is reported at its first line.
    expect(parseError('FROM scratch\nCOPY \\\n  onlyone')).toMatchObject({ line: 2 });
  });

  it('reports line-syntax errors anywhere before instruction errors, as BuildKit\'s two passes do', () => {
    expect(parseError('FROM scratch\nRUNN x\nENV a')).toMatchObject({ detail: 'ENV must have two arguments', line: 3 });
    expect(parseError('FROM scratch\nRUNN x\nUSER')).toMatchObject({ detail: 'unknown instruction: RUNN (did you mean RUN?)', line: 2 });
  });

  it('requires FROM before anything but ARG', () => {
    expect(parseError('ARG A\nRUN make\nFROM scratch')).toMatchObject({ detail: 'no build stage in current context', line: 2 });
    expect(parseError('# comment\n\nLABEL a=b')).toMatchObject({ detail: 'no build stage in current context', line: 3 });
  });

  it('rejects files with nothing to build', () => {
    expect(parseError('')).toMatchObject({ detail: 'the Dockerfile cannot be empty' });
    expect(parseError('\n  \n\n')).toMatchObject({ detail: 'file with no instructions', line: 3 });
    expect(parseError('# only\n# comments\n')).toMatchObject({ detail: 'file with no instructions', line: 2 });
    expect(parseError('ARG A=1\nARG B')).toMatchObject({ detail: 'dockerfile contains no stages to build' });
  });

  it('throws DockerfileParseError instances', () => {
    expect(() => parseDockerfile('BOGUS')).toThrow(DockerfileParseError);
    expect(() => parseDockerfile('BOGUS')).toThrow('dockerfile parse error on line 1: unknown instruction: BOGUS');
  });
});
