// Authors' lessons, demos and course manifests loaded from URLs (web/src/app/lessons/lesson-source.ts)
// with a fake fetch: what is fetched (starting files beside the lesson), the limits, and the
// errors an author sees — each naming the URL and what is wrong, a format error its line.
import { describe, expect, it } from 'vitest';
import { loadCourse, loadDemo, loadLesson, LessonSourceError, type FetchLike } from '../../web/src/app/lessons/lesson-source';
import { parseLesson } from '../../web/src/app/lessons/lesson-format';

type Served = string | Uint8Array | { body: string | Uint8Array; type?: string; status?: number; length?: number };

/** A fetch over a table of URLs; records what was asked. Unknown URLs answer 404. */
function fakeFetch(table: Record<string, Served>) {
  const asked: string[] = [];
  const fetch: FetchLike = async (url, init) => {
    asked.push(url);
    expect(init.credentials).toBe('omit');
    const served = table[url];
    if (served === undefined) return new Response('not here', { status: 404, statusText: 'Not Found' });
    const { body, type = 'text/markdown; charset=utf-8', status = 200, length } = typeof served === 'object' && 'body' in served ? served : { body: served };
    const headers: Record<string, string> = { 'content-type': type };
    if (length !== undefined) headers['content-length'] = String(length);
    return new Response(body as BodyInit, { status, headers });
  };
  return { fetch, asked };
}

const LESSON = `---
title: My first author lesson
reset:
  - docker rm -f hello 2>/dev/null
  - true
files:
  /root/site/index.html: index.html
  /root/site/conf/app.conf: conf/app.conf
---
An introduction with a [link](https://docs.docker.com/).

## Run it

\`\`\`sh run
docker run --name hello hello-world
\`\`\`

\`\`\`check
container:
  name: hello
  exitCode: 0
\`\`\`
`;

async function failure(promise: Promise<unknown>): Promise<LessonSourceError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(LessonSourceError);
  return error as LessonSourceError;
}

describe('loading a lesson from a URL', () => {
  it('fetches lesson.md and its starting files from the files/ folder beside it', async () => {
    const { fetch, asked } = fakeFetch({
      'https://author.example/course/lesson-1/lesson.md': LESSON,
      'https://author.example/course/lesson-1/files/index.html': { body: '<h1>hi</h1>\n', type: 'text/html' },
      'https://author.example/course/lesson-1/files/conf/app.conf': 'port=80\n',
    });
    const loaded = await loadLesson('lesson-1/', { fetch, base: 'https://author.example/course/' });
    expect(loaded.url).toBe('https://author.example/course/lesson-1/lesson.md');
    expect(loaded.lesson.title).toBe('My first author lesson');
    expect(loaded.lesson.slug).toBe(loaded.url);
    expect(loaded.lesson.steps.map((s) => s.check)).toEqual([{ container: { name: 'hello', exitCode: 0 } }]);
    expect(loaded.files).toEqual({ '/root/site/index.html': '<h1>hi</h1>\n', '/root/site/conf/app.conf': 'port=80\n' });
    expect(asked.sort()).toEqual([
      'https://author.example/course/lesson-1/files/conf/app.conf',
      'https://author.example/course/lesson-1/files/index.html',
      'https://author.example/course/lesson-1/lesson.md',
    ]);
  });

  it('loads only http(s) URLs', async () => {
    const { fetch, asked } = fakeFetch({});
    for (const url of ['file:///etc/passwd', 'data:text/plain,hi', 'javascript:alert(1)', 'ftp://author.example/l.md']) {
      expect((await failure(loadLesson(url, { fetch }))).message).toMatch(/only http and https URLs can be loaded/);
    }
    expect(asked).toEqual([]);
    expect((await failure(loadLesson('lesson.md', { fetch }))).message).toBe('lesson.md: is not a URL');
  });

  it('names the URL and the status when the server says no, and the missing starting file', async () => {
    const { fetch } = fakeFetch({
      'https://a.example/gone.md': { body: 'no', status: 403 },
      'https://a.example/l/lesson.md': LESSON,
      'https://a.example/l/files/index.html': 'x',
    });
    expect((await failure(loadLesson('https://a.example/gone.md', { fetch }))).message).toBe('https://a.example/gone.md: the server answered 403');
    expect((await failure(loadLesson('https://a.example/nothing.md', { fetch }))).message).toBe('https://a.example/nothing.md: the server answered 404 Not Found');
    expect((await failure(loadLesson('https://a.example/l/lesson.md', { fetch }))).message).toBe('https://a.example/l/files/conf/app.conf: the server answered 404 Not Found');
  });

  it('says a refused fetch may be CORS, and a fetch that does not answer timed out', async () => {
    const refused: FetchLike = () => Promise.reject(new TypeError('Failed to fetch'));
    const error = await failure(loadLesson('https://a.example/l.md', { fetch: refused }));
    expect(error.message).toMatch(/^https:\/\/a\.example\/l\.md: could not be fetched \(Failed to fetch\).*Access-Control-Allow-Origin/);
    const silent: FetchLike = (_url, init) => new Promise((_, reject) => init.signal.addEventListener('abort', () => reject(new DOMException('aborted', 'AbortError'))));
    const late = await failure(loadLesson('https://a.example/l.md', { fetch: silent, limits: { timeoutMs: 5 } }));
    expect(late.message).toBe('https://a.example/l.md: no answer within 0.005 s');
  });

  it('refuses a lesson or a starting file over its size limit, declared or not', async () => {
    const big = `${LESSON}\n${'x'.repeat(300 * 1024)}\n`;
    const { fetch } = fakeFetch({
      'https://a.example/big.md': big,
      'https://a.example/says-big.md': { body: LESSON, length: 10 * 1024 * 1024 },
      'https://a.example/l/lesson.md': LESSON,
      'https://a.example/l/files/index.html': new Uint8Array(1024 * 1024 + 1).fill(65),
      'https://a.example/l/files/conf/app.conf': 'ok',
    });
    expect((await failure(loadLesson('https://a.example/big.md', { fetch }))).message).toBe('https://a.example/big.md: is larger than the 256 KiB a lesson may be');
    expect((await failure(loadLesson('https://a.example/says-big.md', { fetch }))).message).toBe('https://a.example/says-big.md: is 10 MiB, more than the 256 KiB allowed');
    expect((await failure(loadLesson('https://a.example/l/lesson.md', { fetch }))).message).toBe('https://a.example/l/files/index.html: is larger than the 1 MiB a starting file may be');
    // Exactly at the limit is fine.
    const { fetch: fits } = fakeFetch({ 'https://a.example/l/lesson.md': LESSON, 'https://a.example/l/files/index.html': new Uint8Array(1024 * 1024).fill(65), 'https://a.example/l/files/conf/app.conf': 'ok' });
    expect((await loadLesson('https://a.example/l/lesson.md', { fetch: fits })).files['/root/site/index.html']).toHaveLength(1024 * 1024);
  });

  it('refuses more starting files than a lesson may have', async () => {
    const many = Object.fromEntries(Array.from({ length: 51 }, (_, i) => [`/root/f${i}`, `f${i}`]));
    const source = LESSON.replace(/files:\n(  .*\n)+/, `files:\n${Object.entries(many).map(([p, n]) => `  ${p}: ${n}\n`).join('')}`);
    const { fetch, asked } = fakeFetch({ 'https://a.example/many.md': source });
    expect((await failure(loadLesson('https://a.example/many.md', { fetch }))).message).toBe('https://a.example/many.md: names 51 starting files, more than the 50 a lesson may have');
    expect(asked).toHaveLength(1);
  });

  it('refuses an HTML page, an image or binary bytes where a lesson should be', async () => {
    const { fetch } = fakeFetch({
      'https://a.example/login.md': { body: '<!doctype html><p>Sign in</p>', type: 'text/html; charset=utf-8' },
      'https://a.example/pic.md': { body: 'GIF89a', type: 'image/gif' },
      'https://a.example/latin1.md': { body: new Uint8Array([0x2d, 0x2d, 0x2d, 0xe9, 0x0a]), type: 'text/plain' },
      'https://a.example/nul.md': { body: '---\ntitle: x\0\n---\n', type: 'application/octet-stream' },
    });
    expect((await failure(loadLesson('https://a.example/login.md', { fetch }))).message).toBe('https://a.example/login.md: is an HTML page (text/html), not a lesson: is the URL right?');
    expect((await failure(loadLesson('https://a.example/pic.md', { fetch }))).message).toBe('https://a.example/pic.md: is image/gif, not a lesson (text)');
    expect((await failure(loadLesson('https://a.example/latin1.md', { fetch }))).message).toBe('https://a.example/latin1.md: is not UTF-8 text: a lesson must be');
    expect((await failure(loadLesson('https://a.example/nul.md', { fetch }))).message).toBe('https://a.example/nul.md: is binary, not a lesson (text)');
  });

  it('shows the author the line of a malformed lesson and what is wrong', async () => {
    const cases: [string, number, RegExp][] = [
      [LESSON.replace('  name: hello\n', '  nme: hello\n'), 20, /container has no field nme/],
      [LESSON.replace('container:', 'containr:'), 19, /unknown check containr/],
      [LESSON.replace('exitCode: 0', 'exitCode: zero'), 21, /container\.exitCode takes a number/],
      [LESSON.replace('reset:\n', 'reset: a: b\n'), 3, /front matter: Nested mappings are not allowed/],
      [LESSON.replace('with a [link]', 'with <img src=x onerror=alert(1)> and a [link]'), 10, /HTML is not allowed in a lesson \("<img src=x onerror=alert\(1\)>"\)/],
      [LESSON.replace('(https://docs.docker.com/)', '(javascript:alert(1))'), 10, /links must be http\(s\) URLs/],
      [LESSON.replace('conf/app.conf\n', '../../secret\n'), 8, /a file's name is a path inside the lesson's files\/ folder/],
      [LESSON.replace('docker run --name hello hello-world\n```', '```\n\n```keys\nAlt-F4\n```'), 18, /keys are written like/],
    ];
    for (const [source, line, problem] of cases) {
      const { fetch } = fakeFetch({ 'https://a.example/bad.md': source, 'https://a.example/files/index.html': 'x', 'https://a.example/files/conf/app.conf': 'x' });
      const error = await failure(loadLesson('https://a.example/bad.md', { fetch }));
      expect(error.message, source).toMatch(problem);
      expect(error.message.startsWith(`https://a.example/bad.md: line ${line}`), error.message).toBe(true);
      expect(error.line).toBe(line);
    }
  });
});

describe('checks hold only the declared kinds, in their shapes', () => {
  const withCheck = (check: string) => `---\ntitle: X\n---\n## One\n\`\`\`check\n${check}\n\`\`\`\n`;
  it.each([
    ['image: 3', /image takes a text/],
    ['container: web', /container takes fields: name, image/],
    ['imageConfig:\n  image: x\n  cmd: echo hi', /imageConfig\.cmd takes a list of texts/],
    ['logs:\n  container: web', /logs needs contains/],
    ['count: 2', /count goes with container/],
    ['{}', /a check needs at least one kind/],
    ['- image: nginx', /a check is a mapping/],
  ])('%s is refused', (check, problem) => {
    expect(() => parseLesson('99-x', withCheck(check))).toThrow(problem);
  });

  it('takes every kind the engine evaluates', () => {
    const lesson = parseLesson('99-x', withCheck('container:\n  name: web\n  publishes: 8080\n  readOnly: true\ncount: 2\nimageConfig:\n  image: app\n  cmd: [python, app.py]\napiCall:\n  method: post\n  path: /containers/create\n  status: 201'));
    expect(lesson.steps[0]!.check).toEqual({ container: { name: 'web', publishes: 8080, readOnly: true }, count: 2, imageConfig: { image: 'app', cmd: ['python', 'app.py'] }, apiCall: { method: 'post', path: '/containers/create', status: 201 } });
  });
});

describe('demos and course manifests from URLs', () => {
  it('loads a demo, and names the URL and step of a malformed one', async () => {
    const { fetch } = fakeFetch({
      'https://a.example/d.yaml': { body: 'title: Hi\nsteps:\n  - say: Hello\n  - run: docker ps\n', type: 'application/yaml' },
      'https://a.example/bad.yaml': { body: 'steps:\n  - say: Hello\n  - type: docker ps\n', type: 'application/yaml' },
    });
    expect((await loadDemo('https://a.example/d.yaml', { fetch })).demo).toEqual({ title: 'Hi', steps: [{ say: 'Hello' }, { run: 'docker ps' }] });
    expect((await failure(loadDemo('https://a.example/bad.yaml', { fetch }))).message).toBe('https://a.example/bad.yaml: step 2: each step is one of say: text, run: command, pause: milliseconds');
  });

  it('reads a course: a title and its lessons in order, relative to the manifest', async () => {
    const { fetch } = fakeFetch({
      'https://a.example/course/course.yaml': {
        body: 'title: Docker for data people\nlessons:\n  - lesson-1/\n  - ../shared/lesson-2.md\n  - url: https://b.example/intro.md\n    title: An intro elsewhere\n',
        type: 'text/yaml',
      },
      'https://a.example/course/course.json': { body: JSON.stringify({ title: 'J', lessons: ['one/lesson.md'] }), type: 'application/json' },
    });
    expect(await loadCourse('https://a.example/course/course.yaml', { fetch })).toEqual({
      url: 'https://a.example/course/course.yaml',
      title: 'Docker for data people',
      summary: '',
      lessons: [
        { url: 'https://a.example/course/lesson-1/lesson.md', title: '' },
        { url: 'https://a.example/shared/lesson-2.md', title: '' },
        { url: 'https://b.example/intro.md', title: 'An intro elsewhere' },
      ],
    });
    expect((await loadCourse('course.json', { fetch, base: 'https://a.example/course/' })).lessons).toEqual([{ url: 'https://a.example/course/one/lesson.md', title: '' }]);
  });

  it('says what is wrong with a course manifest', async () => {
    const manifests: [string, RegExp][] = [
      ['lessons: [a.md]\n', /needs a title/],
      ['title: C\n', /needs lessons: a list of lesson URLs/],
      ['title: C\nlessons:\n  - a.md\n  - title: no url\n', /lessons, item 2: a lesson is its URL, or url: and title:/],
      ['title: C\nlessons:\n  - javascript:alert(1)\n', /lessons, item 1: javascript:alert\(1\) is not an http\(s\) URL/],
      ['title: [C\n', /^https:\/\/a\.example\/c\.yaml: line \d+: /],
      [`title: C\nlessons:\n${'  - a.md\n'.repeat(101)}`, /lists 101 lessons, more than the 100 a course may have/],
    ];
    for (const [body, problem] of manifests) {
      const { fetch } = fakeFetch({ 'https://a.example/c.yaml': { body, type: 'text/yaml' } });
      expect((await failure(loadCourse('https://a.example/c.yaml', { fetch }))).message).toMatch(problem);
    }
  });
});
