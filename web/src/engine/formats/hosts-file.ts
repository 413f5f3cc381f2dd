// A container's /etc/hosts, as Docker writes it (pure).

/** A container's /etc/hosts, as Docker writes it, plus its user-network peers by name. */
export function hostsFile(self: { hostname: string; address: string }, peers: Array<{ address: string; names: string[] }>, extra: Array<{ host: string; address: string }>): string {
  const lines = [
    '127.0.0.1\tlocalhost',
    '::1\tlocalhost ip6-localhost ip6-loopback',
    'fe00::0\tip6-localnet',
    'ff00::0\tip6-mcastprefix',
    'ff02::1\tip6-allnodes',
    'ff02::2\tip6-allrouters',
    ...extra.map((e) => `${e.address}\t${e.host}`),
  ];
  if (self.address) lines.push(`${self.address}\t${self.hostname}`);
  // Docker answers these from its embedded DNS server (127.0.0.11); Drydock's containers find
  // them here, kept up to date as peers start, stop, connect and disconnect.
  for (const p of peers) lines.push(`${p.address}\t${p.names.join(' ')}`);
  return `${lines.join('\n')}\n`;
}
