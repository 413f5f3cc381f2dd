// The lab's offline Debian mirror, as apt reads one (Debian's repository format): a pool of
// .deb files, dists/bookworm/main/binary-i386/Packages (each package's control fields, then
// where its file is and its checksums) and dists/bookworm/Release (the index's checksums).
// Pure formatting: build-packages.ts gathers the control fields and bytes.
import { createHash } from 'node:crypto';

export interface DebFile {
  /** The .deb's control paragraph, as `dpkg-deb -f` prints it. */
  control: string;
  data: Uint8Array;
}

const field = (control: string, name: string) => new RegExp(`^${name}: (.*)$`, 'm').exec(control)?.[1]?.trim() ?? '';

/** The file's place in the pool, as Debian's archive names it: pool/main/libc/libcurl…/name_version_arch.deb. */
export function poolPath(control: string): string {
  const source = (field(control, 'Source') || field(control, 'Package')).split(' ')[0]!;
  const prefix = source.startsWith('lib') ? source.slice(0, 4) : source[0]!;
  const version = field(control, 'Version').replace(/^\d+:/, '');
  return `pool/main/${prefix}/${source}/${field(control, 'Package')}_${version}_${field(control, 'Architecture')}.deb`;
}

/** One stanza of the Packages index. */
export function packagesStanza(deb: DebFile): string {
  const digest = (algorithm: string) => createHash(algorithm).update(deb.data).digest('hex');
  return [deb.control.trimEnd(), `Filename: ${poolPath(deb.control)}`, `Size: ${deb.data.length}`, `MD5sum: ${digest('md5')}`, `SHA256: ${digest('sha256')}`].join('\n');
}

/** The Packages index: stanzas by package name, a blank line after each. */
export function packagesIndex(debs: DebFile[]): string {
  const name = (d: DebFile) => field(d.control, 'Package');
  return [...debs].sort((a, b) => (name(a) < name(b) ? -1 : 1)).map((d) => `${packagesStanza(d)}\n\n`).join('');
}

/**
 * The Release file for one index (build-packages.ts signs it); the date is the recipe's, so
 * that the build is reproducible.
 */
export function releaseFile(packages: string): string {
  const bytes = Buffer.from(packages);
  return [
    'Origin: Drydock',
    'Label: Debian 12 packages built into the lab',
    'Suite: stable',
    'Codename: bookworm',
    'Date: Thu, 01 Jan 2026 00:00:00 UTC',
    'Architectures: i386',
    'Components: main',
    "Description: Drydock's offline mirror of Debian 12 (i386): Debian's own .deb files, indexed by the lab",
    'MD5Sum:',
    ` ${createHash('md5').update(bytes).digest('hex')} ${bytes.length} main/binary-i386/Packages`,
    'SHA256:',
    ` ${createHash('sha256').update(bytes).digest('hex')} ${bytes.length} main/binary-i386/Packages`,
    '',
  ].join('\n');
}

export const packageName = (control: string) => field(control, 'Package');
export const packageVersion = (control: string) => field(control, 'Version');
