// httpd:2.4 as the official image's page tells learners to use it: the site bind-mounted at
// /usr/local/apache2/htdocs, a Dockerfile that COPYs into it, the default configuration copied
// out with `cat`, requests in `docker logs`, and a graceful stop on SIGWINCH.
import { describe, expect, it } from 'vitest';
import { labForFile } from '../support/guest-fixture';

const sh = labForFile({ cwd: '/root/site', timeoutMs: 300_000 });
const page = (port: number, path = '/') => sh(`wget -qO- http://localhost:${port}${path}`);

describe('httpd:2.4', () => {
  it('serves a bind-mounted site, logs each request to the container\'s stdout, and stops gracefully', async () => {
    await sh('mkdir -p /root/site && echo "<h1>my site</h1>" > /root/site/index.html', '/root');
    const run = await sh('docker run -dit --name my-apache-app -p 8080:80 -v "$PWD":/usr/local/apache2/htdocs/ httpd:2.4');
    expect(run.code, run.err).toBe(0);
    await expect.poll(async () => (await page(8080)).out, { timeout: 60_000, interval: 500 }).toBe('<h1>my site</h1>\n');
    expect((await page(8080, '/missing')).code).not.toBe(0);
    const logs = (await sh('docker logs my-apache-app 2>&1')).out;
    expect(logs).toMatch(/AH00489: Apache\/2\.4\.\d+ \(Debian\) configured -- resuming normal operations/);
    // (-t: a terminal's line ends)
    expect(logs).toMatch(/"GET \/ HTTP\/1\.1" 200 17\r\n/);
    expect(logs).toMatch(/"GET \/missing HTTP\/1\.1" 404 \d+\r\n/);
    // STOPSIGNAL SIGWINCH: Apache finishes its requests and exits 0, before the stop's SIGKILL.
    expect((await sh('docker inspect -f "{{.Config.StopSignal}} {{.Config.WorkingDir}}" my-apache-app')).out).toBe('SIGWINCH /usr/local/apache2\n');
    expect((await sh('docker stop my-apache-app')).code).toBe(0);
    expect((await sh('docker inspect -f "{{.State.ExitCode}}" my-apache-app')).out).toBe('0\n');
  }, 300_000);

  it('builds FROM httpd:2.4 with the site COPYed in, and shows its default page and configuration', async () => {
    await sh('mkdir -p public-html && echo "<p>built in</p>" > public-html/index.html && printf "FROM httpd:2.4\\nCOPY ./public-html/ /usr/local/apache2/htdocs/\\n" > Dockerfile');
    const build = await sh('docker build -t my-apache2 .');
    expect(build.code, build.err).toBe(0);
    expect((await sh('docker run -d --name built -p 8081:80 my-apache2')).code).toBe(0);
    await expect.poll(async () => (await page(8081)).out, { timeout: 60_000, interval: 500 }).toBe('<p>built in</p>\n');
    // Upstream's own page and configuration, as its documentation has learners copy it out.
    expect((await sh('docker run -d --name plain -p 8082:80 httpd:2.4')).code).toBe(0);
    await expect.poll(async () => (await page(8082)).out, { timeout: 60_000, interval: 500 }).toBe('<html><body><h1>It works!</h1></body></html>\n');
    const conf = await sh('docker run --rm httpd:2.4 cat /usr/local/apache2/conf/httpd.conf > my-httpd.conf && grep -E "^(ServerRoot|DocumentRoot|Listen)" my-httpd.conf');
    expect(conf.out).toBe('ServerRoot "/usr/local/apache2"\nListen 80\nDocumentRoot "/usr/local/apache2/htdocs"\n');
    const check = await sh('docker run --rm httpd:2.4 httpd -t');
    expect(check).toMatchObject({ code: 0 });
    expect(check.err).toContain('Syntax OK');
    expect((await sh('docker run --rm httpd:2.4 httpd -v')).out).toMatch(/^Server version: Apache\/2\.4\.\d+ \(Debian\)\n/);
  }, 300_000);
});
