// Debian's own docker CLI (docker.io:i386, 20.10), for the tests and benchmarks that drive the
// Engine API with a real, unmodified client: fetched once with apt into .build/docker-cli.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from './guest-manifest';

export function debianDockerCli(): Uint8Array {
  const dir = join(repoRoot, '.build', 'docker-cli');
  mkdirSync(dir, { recursive: true });
  if (!readdirSync(dir).some((f) => f.endsWith('_i386.deb'))) execFileSync('apt-get', ['download', '-q', 'docker.io:i386'], { cwd: dir, stdio: 'ignore' });
  const deb = readdirSync(dir).find((f) => f.endsWith('_i386.deb'))!;
  const binary = join(dir, 'usr', 'bin', 'docker');
  if (!existsSync(binary)) execFileSync('dpkg-deb', ['-x', deb, '.'], { cwd: dir });
  return readFileSync(binary);
}
