// Boot trace: boots the guest once in Node and prints when each stage was reached.
//   npx tsx tools/boot-trace.ts
// Environment: VERBOSE=1 prints the console; CMDLINE=... replaces the kernel command line
// (add printk.time=1 and drop quiet for kernel timestamps); INITRD=/KERNEL= use other files;
// MEM=MiB sets the memory size.
import { readFileSync } from 'node:fs';
import { GuestMachine } from '../web/src/engine/guest/guest-machine';
import { loadGuestAssets } from './node-host';
const t0 = performance.now();
const assets = await loadGuestAssets();
if (process.env.INITRD) { const b = readFileSync(process.env.INITRD); assets.initrd = b.buffer.slice(b.byteOffset, b.byteOffset + b.length); }
if (process.env.KERNEL) { const b = readFileSync(process.env.KERNEL); assets.bzimage = b.buffer.slice(b.byteOffset, b.byteOffset + b.length); }
const quiet = !process.env.VERBOSE;
const m = new GuestMachine(assets, {
  memoryMiB: Number(process.env.MEM ?? 128),
  ...(process.env.CMDLINE ? { cmdline: process.env.CMDLINE } : {}),
  onConsoleOutput: (b) => { if (!quiet) process.stdout.write(new TextDecoder().decode(b)); },
  onStage: (s, at) => console.log(`[stage ${s} @${at.toFixed(0)}ms]`),
  onCrash: (r) => console.log('[crash]', r),
});
m.agent.ready.then((v) => console.log(`[hello ${v} @${(performance.now()-t0).toFixed(0)}]`));
m.ready.then(async () => {
  console.log(`[ready @${(performance.now()-t0).toFixed(0)}]`);
  const r = await m.agent.exec(['cat', '/proc/uptime']);
  console.log('uptime', new TextDecoder().decode(r.stdout).trim());
  await m.destroy(); process.exit(0);
}, () => {});
setTimeout(() => { m.destroy().then(() => process.exit(1)); }, 20000);
