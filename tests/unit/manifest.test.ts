import { describe, expect, it } from 'vitest';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { GUEST_OUTPUTS, describeOutput, guestDir, readManifest, recipeHash } from '../../tools/guest-manifest';

describe('guest image manifest', () => {
  const manifest = readManifest();

  it('was written from the recipes as they are now (run `npm run images` after changing them)', () => {
    expect(manifest.recipeHash).toBe(recipeHash());
  });

  it('matches the committed outputs byte for byte', () => {
    expect(manifest.files.map((f) => f.name).sort()).toEqual([...GUEST_OUTPUTS].sort());
    for (const file of manifest.files) {
      expect(existsSync(join(guestDir, file.name)), file.name).toBe(true);
      expect(describeOutput(file.name), file.name).toEqual(file);
    }
  });

  it('records the Debian package versions it was built from', () => {
    expect(manifest.debian.some((p) => p.startsWith('linux-source-6.1:'))).toBe(true);
    expect(manifest.debian.some((p) => p.startsWith('busybox-static:i386='))).toBe(true);
  });
});
