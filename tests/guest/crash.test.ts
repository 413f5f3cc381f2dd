// A guest that dies is noticed, commands in flight fail cleanly, and a new machine boots.
import { describe, expect, it } from 'vitest';
import { GuestUnavailableError } from '../../web/src/engine/guest/agent-client';
import { bootGuest } from '../../tools/node-host';

describe('guest crash and restart (real guest)', () => {
  it('reports a kernel panic, fails the commands in flight, and a new guest boots', async () => {
    const crashes: string[] = [];
    const guest = await bootGuest({ onCrash: (reason) => crashes.push(reason) });
    const inFlight = guest.agent.exec(['sleep', '600']);
    // The sysrq write itself never returns: the kernel panics under it.
    const trigger = guest.agent.exec(['sh', '-c', 'echo c > /proc/sysrq-trigger']);
    await expect(inFlight).rejects.toBeInstanceOf(GuestUnavailableError);
    await expect(trigger).rejects.toBeInstanceOf(GuestUnavailableError);
    expect(crashes).toHaveLength(1);
    expect(crashes[0]).toContain('Kernel panic');
    expect(guest.crashReason).toContain('Kernel panic');
    await guest.destroy();

    const fresh = await bootGuest();
    const r = await fresh.agent.exec(['echo', 'alive']);
    expect(new TextDecoder().decode(r.stdout)).toBe('alive\n');
    await fresh.destroy();
  });

  it('notices a guest whose agent stops answering', async () => {
    const crashes: string[] = [];
    const guest = await bootGuest({ heartbeatMs: 200, heartbeatTimeoutMs: 1500, onCrash: (r) => crashes.push(r) });
    // Hang the guest's userland: move its PID 1 (the agent) into a cgroup and freeze it.
    void guest.agent.exec(['sh', '-c', 'mkdir -p /sys/fs/cgroup/hang && echo 1 > /sys/fs/cgroup/hang/cgroup.procs && echo 1 > /sys/fs/cgroup/hang/cgroup.freeze']).catch(() => {});
    await expect.poll(() => crashes.length, { timeout: 20_000 }).toBe(1);
    expect(crashes[0]).toContain('stopped responding');
    await guest.destroy();
  });
});
