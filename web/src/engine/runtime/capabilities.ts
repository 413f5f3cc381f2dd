// Linux capabilities as Docker grants them: a container's root gets Docker's default set, with
// --cap-add/--cap-drop applied (names with or without CAP_, any case, or ALL); --privileged
// gets them all. drydock-run takes the result as a bit mask.

/** Capability names in the kernel's numbering (include/uapi/linux/capability.h). */
const NAMES = [
  'CHOWN', 'DAC_OVERRIDE', 'DAC_READ_SEARCH', 'FOWNER', 'FSETID', 'KILL', 'SETGID', 'SETUID', 'SETPCAP',
  'LINUX_IMMUTABLE', 'NET_BIND_SERVICE', 'NET_BROADCAST', 'NET_ADMIN', 'NET_RAW', 'IPC_LOCK', 'IPC_OWNER',
  'SYS_MODULE', 'SYS_RAWIO', 'SYS_CHROOT', 'SYS_PTRACE', 'SYS_PACCT', 'SYS_ADMIN', 'SYS_BOOT', 'SYS_NICE',
  'SYS_RESOURCE', 'SYS_TIME', 'SYS_TTY_CONFIG', 'MKNOD', 'LEASE', 'AUDIT_WRITE', 'AUDIT_CONTROL', 'SETFCAP',
  'MAC_OVERRIDE', 'MAC_ADMIN', 'SYSLOG', 'WAKE_ALARM', 'BLOCK_SUSPEND', 'AUDIT_READ', 'PERFMON', 'BPF',
  'CHECKPOINT_RESTORE',
];

/** Docker's default capabilities (moby's oci/caps/defaults.go). */
export const DEFAULT_CAPABILITIES = [
  'CHOWN', 'DAC_OVERRIDE', 'FSETID', 'FOWNER', 'MKNOD', 'NET_RAW', 'SETGID', 'SETUID', 'SETFCAP', 'SETPCAP',
  'NET_BIND_SERVICE', 'SYS_CHROOT', 'KILL', 'AUDIT_WRITE',
];

export class CapabilityError extends Error {}

function normalize(name: string, flag: 'CapAdd' | 'CapDrop'): string {
  const bare = name.toUpperCase().replace(/^CAP_/, '');
  if (bare !== 'ALL' && !NAMES.includes(bare)) throw new CapabilityError(`invalid ${flag}: unknown capability: "CAP_${bare}"`);
  return bare;
}

/** Checks --cap-add/--cap-drop values (Docker's messages for unknown names). */
export function checkCapabilities(add: string[] = [], drop: string[] = []): void {
  add.forEach((n) => normalize(n, 'CapAdd'));
  drop.forEach((n) => normalize(n, 'CapDrop'));
}

/** The capabilities a container's processes keep, as drydock-run's hex mask. */
export function capabilityMask(options: { add?: string[] | undefined; drop?: string[] | undefined; privileged?: boolean | undefined }): string {
  const add = (options.add ?? []).map((n) => normalize(n, 'CapAdd'));
  const drop = (options.drop ?? []).map((n) => normalize(n, 'CapDrop'));
  let keep = new Set(options.privileged || add.includes('ALL') ? NAMES : DEFAULT_CAPABILITIES);
  if (drop.includes('ALL')) keep = new Set(add.filter((n) => n !== 'ALL'));
  else {
    add.forEach((n) => n !== 'ALL' && keep.add(n));
    if (!options.privileged) drop.forEach((n) => keep.delete(n));
  }
  let mask = 0n;
  for (const name of keep) mask |= 1n << BigInt(NAMES.indexOf(name));
  return mask.toString(16);
}
