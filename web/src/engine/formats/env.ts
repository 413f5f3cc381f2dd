// Environment lists as Docker merges them (image, then container, then exec; ENV in a build or
// a `--change`): a later KEY wins, in its first position.

/** Image env first, then the container's: a later KEY wins, in its first position. */
export function mergeEnv(base: string[], extra: string[]): string[] {
  const out = new Map<string, string>();
  for (const entry of [...base, ...extra]) {
    const eq = entry.indexOf('=');
    out.set(eq < 0 ? entry : entry.slice(0, eq), entry);
  }
  return [...out.values()];
}
