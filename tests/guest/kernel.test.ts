// What containers need from the guest kernel, tried for real through the agent.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GuestMachine } from '../../web/src/engine/guest/guest-machine';
import { bootGuest } from '../../tools/node-host';

let guest: GuestMachine;
const run = async (script: string) => {
  const r = await guest.agent.exec(['sh', '-euc', script], { timeoutMs: 60_000 });
  const out = new TextDecoder().decode(r.stdout);
  const err = new TextDecoder().decode(r.stderr);
  if (r.exitCode !== 0) throw new Error(`exit ${r.exitCode}\n${out}\n${err}`);
  return out;
};

beforeAll(async () => {
  guest = await bootGuest();
});
afterAll(async () => {
  await guest?.destroy();
});

describe('guest kernel features for containers', () => {
  it('gives a new PID, mount, UTS, IPC and network namespace', async () => {
    const out = await run(`unshare -p -f -m -u -i -n sh -c 'echo pid=$$; hostname box; echo host=$(hostname); ls /sys/class/net'`);
    expect(out).toContain('pid=1\n');
    expect(out).toContain('host=box\n');
    expect(out.trim().split('\n').at(-1)).toBe('lo');
    expect((await run('hostname')).trim()).toBe('drydock');
  });

  it('mounts an overlay whose writes land in the upper layer only', async () => {
    const out = await run(`
      d=$(mktemp -d); mkdir $d/lower $d/upper $d/work $d/merged
      echo base > $d/lower/file
      mount -t overlay overlay -o lowerdir=$d/lower,upperdir=$d/upper,workdir=$d/work $d/merged
      echo changed > $d/merged/file; echo new > $d/merged/added; rm $d/merged/file
      echo "lower=$(cat $d/lower/file) upper=$(ls $d/upper | tr '\\n' ,)"
      umount $d/merged`);
    expect(out.trim()).toBe('lower=base upper=added,file,');
  });

  it('freezes and thaws a cgroup v2 group, and limits its pids', async () => {
    const out = await run(`
      cd /sys/fs/cgroup
      echo "+cpu +memory +pids" > cgroup.subtree_control
      mkdir -p t1; echo 5 > t1/pids.max; echo 16777216 > t1/memory.max
      sh -c 'echo $$ > /sys/fs/cgroup/t1/cgroup.procs; exec sleep 300' &
      sleep 0.3
      echo 1 > t1/cgroup.freeze; sleep 0.3; grep frozen t1/cgroup.events
      echo 0 > t1/cgroup.freeze; sleep 0.3; grep frozen t1/cgroup.events
      echo "pids.max=$(cat t1/pids.max) memory.max=$(cat t1/memory.max)"
      echo 1 > t1/cgroup.kill; wait || true; sleep 0.2; rmdir t1`);
    expect(out).toContain('frozen 1\nfrozen 0\n');
    expect(out).toContain('pids.max=5 memory.max=16777216');
  });

  it('connects two network namespaces through veth pairs on a bridge', async () => {
    const out = await run(`
      ip link add br-test type bridge; ip addr add 10.99.0.1/24 dev br-test; ip link set br-test up
      for n in 1 2; do
        unshare -n sleep 300 & eval pid$n=$!
      done
      sleep 0.3
      for n in 1 2; do
        eval pid=\\$pid$n
        ip link add vh$n type veth
        # busybox ip ignores "peer name": find the peer by the index its twin points at.
        peer=$(grep -lx "$(cat /sys/class/net/vh$n/iflink)" /sys/class/net/*/ifindex | cut -d/ -f5)
        ip link set vh$n master br-test; ip link set vh$n up
        ip link set $peer netns $pid
        nsenter -t $pid -n sh -c "ip link set $peer name eth0; ip addr add 10.99.0.1$n/24 dev eth0; ip link set eth0 up; ip link set lo up"
      done
      nsenter -t $pid1 -n ping -c 1 -W 5 10.99.0.12 | grep -o '1 packets received'
      kill $pid1 $pid2; ip link del br-test`);
    expect(out).toContain('1 packets received');
  });
});
