// Keys and types as the Compose Specification defines them: env_file's long syntax,
// extra_hosts' three forms, command/entrypoint as a string or a list, wrong types reported with
// the key path (and, from Drydock, the line), and the consistency rules Compose checks.
import { describe, expect, it } from 'vitest';
import { loadCompose, type ComposeInput } from '../../web/src/engine/formats/compose-file';

const FILE = '/root/app/compose.yaml';
const load = (text: string, extra: Partial<ComposeInput> = {}) => loadCompose({ fileName: FILE, text, env: {}, projectDirectory: '/root/app', ...extra }, { readFile: async () => null });
const web = (body: string) => `services:\n  web:\n    image: busybox\n${body}`;
const first = async (text: string) => (await load(text)).services[0]!;

describe('Compose keys and types', () => {
  it('reads extra_hosts as host:ip, host=ip, or a mapping (with several addresses)', async () => {
    expect((await first(web('    extra_hosts: ["db:10.0.0.2", "cache=10.0.0.3", "v6=[::1]"]\n'))).extraHosts).toEqual(['db:10.0.0.2', 'cache:10.0.0.3', 'v6:::1']);
    expect((await first(web('    extra_hosts:\n      db: 10.0.0.2\n      multi: [10.0.0.4, 10.0.0.5]\n'))).extraHosts).toEqual(['db:10.0.0.2', 'multi:10.0.0.4', 'multi:10.0.0.5']);
    await expect(load(web('    extra_hosts: [nohost]\n'))).rejects.toThrow('invalid additional host, missing IP: nohost');
  });

  it('takes command and entrypoint as a string (split like a shell) or a list, and refuses a mapping', async () => {
    const s = await first(web('    command: sh -c "echo hi"\n    entrypoint: [/bin/tini, --]\n'));
    expect(s.command).toEqual(['sh', '-c', 'echo hi']);
    expect(s.entrypoint).toEqual(['/bin/tini', '--']);
    await expect(load(web('    command: {run: x}\n'))).rejects.toThrow(`validating ${FILE}: services.web.command must be a null (line 4)`);
    await expect(load(web('    entrypoint: [1, 2]\n'))).rejects.toThrow(`validating ${FILE}: services.web.entrypoint.0 must be a string`);
  });

  it('reports a wrong type with the key path, the most specific one first', async () => {
    await expect(load(web('    environment: {FOO: ["1"]}\n'))).rejects.toThrow(`validating ${FILE}: services.web.environment.FOO must be a boolean, null, number or string (line 4)`);
    await expect(load('services:\n  web:\n    image: [nginx]\n')).rejects.toThrow(`validating ${FILE}: services.web.image must be a string (line 3)`);
    await expect(load('name: 123\nservices:\n  web: {image: x}\n')).rejects.toThrow(`validating ${FILE}: name must be a string (line 1)`);
    // Compose resolves `extends` before it checks types, and says so there.
    await expect(load('services:\n  web: nginx\n')).rejects.toThrow(/^services.web must be a mapping$/);
    await expect(load(web('    ports: [{target: 80, bogus: 1}]\n'))).rejects.toThrow(`validating ${FILE}: services.web.ports.0 additional properties 'bogus' not allowed`);
    await expect(load('services:\n  "bad name":\n    image: x\n')).rejects.toThrow(`validating ${FILE}: services additional properties 'bad name' not allowed`);
    await expect(load(web('    depends_on:\n      db: {condition: started}\n'))).rejects.toThrow(
      `validating ${FILE}: services.web.depends_on.db.condition value must be one of 'service_started', 'service_healthy', 'service_completed_successfully' (line 5)`,
    );
    await expect(load(web('    depends_on:\n      db: {required: false}\n'))).rejects.toThrow(`validating ${FILE}: services.web.depends_on.db missing property 'condition' (line 5)`);
    // Both forms of a volume fail at the same key: Compose reports the first form's problem.
    await expect(load(web('    volumes: [{source: ./a, target: /a}]\n'))).rejects.toThrow(`validating ${FILE}: services.web.volumes.0 must be a string (line 4)`);
    await expect(load(web('    volumes: [{type: nfs, target: /a}]\n'))).rejects.toThrow(`validating ${FILE}: services.web.volumes.0.type value must be one of 'bind', 'volume', 'tmpfs', 'cluster', 'npipe', 'image' (line 4)`);
  });

  it('refuses network_mode with networks, and network_mode naming a missing service', async () => {
    await expect(load(web('    network_mode: host\n    networks: [default]\n'))).rejects.toThrow('service web declares mutually exclusive `network_mode` and `networks`: invalid compose project');
    await expect(load(web('    network_mode: service:db\n'))).rejects.toThrow('service "db" not found for network_mode \'service:db\'');
    expect((await load(`${web('    network_mode: service:db\n')}  db:\n    image: x\n`)).services.find((s) => s.name === 'web')!.networkMode).toBe('service:db');
  });

  it('refuses a negative scale, scale against deploy.replicas, and container_name with replicas', async () => {
    await expect(load(web('    scale: -1\n'))).rejects.toThrow('services.web.scale: must be greater than or equal to 0');
    await expect(load(web('    deploy: {replicas: -2}\n'))).rejects.toThrow('services.web.deploy.replicas: must be greater than or equal to 0');
    await expect(load(web('    scale: 2\n    deploy: {replicas: 3}\n'))).rejects.toThrow("services.web: can't set distinct values on 'scale' and 'deploy.replicas': invalid compose project");
    expect((await first(web('    deploy: {replicas: 3}\n'))).scale).toBe(3);
    await expect(load(web('    container_name: one\n    scale: 2\n'))).rejects.toThrow("services.scale: can't set container_name and web as container name must be unique: invalid compose project");
  });

  it('refuses two services with one container_name', async () => {
    await expect(load('services:\n  a: {image: x, container_name: same}\n  b: {image: x, container_name: same}\n')).rejects.toThrow('services.b: container name "same" is already in use by service a"');
  });

  it('refuses two mounts on one target, a bind without source, and a volume without target', async () => {
    await expect(load(web('    tmpfs: /data\n    volumes: ["./d:/data"]\n'))).rejects.toThrow('services.web.volumes[0]: target /data already mounted as services.web.tmpfs[0]');
    await expect(load(web('    volumes: [{type: bind, target: /x}]\n'))).rejects.toThrow('invalid mount config for type "bind": field Source must not be empty');
    await expect(load(web('    volumes: [{type: volume, source: v}]\nvolumes: {v: {}}\n'))).rejects.toThrow('service volume services.web.volumes.[0] is missing a mount target');
    // Two entries for one target: Compose keeps the later one.
    expect((await first(web('    volumes: ["./a:/data", "./b:/data"]\n'))).volumes).toEqual([{ type: 'bind', source: '/root/app/b', target: '/data', readOnly: false }]);
  });

  it('refuses a healthcheck test that is not CMD, CMD-SHELL or NONE, and NONE disables it', async () => {
    await expect(load(web('    healthcheck: {test: [curl, localhost]}\n'))).rejects.toThrow('healthcheck.test must start either by "CMD", "CMD-SHELL" or "NONE"');
    expect((await first(web('    healthcheck: {test: [NONE]}\n'))).healthcheck).toEqual({ disable: true });
    expect((await first(web('    healthcheck: {test: [CMD, "true"], retries: 2}\n'))).healthcheck).toEqual({ test: ['CMD', 'true'], retries: 2 });
  });

  it('refuses an external volume with other settings', async () => {
    await expect(load(web('    volumes: [data:/d]\nvolumes:\n  data:\n    external: true\n    driver: local\n'))).rejects.toThrow('volumes.data: conflicting parameters "external" and "driver" specified');
    const project = await load(web('    volumes: [data:/d]\nvolumes:\n  data:\n    external: true\n    name: shared\n'));
    expect(project.volumes.data).toEqual({ name: 'shared', external: true, labels: {} });
  });

  it('leaves out an environment entry with no value when the variable is not set', async () => {
    const s = await first(web('    environment: [SET, UNSET, EMPTY=]\n'));
    expect(s.environment).toEqual({ EMPTY: '' });
    const withEnv = (await load(web('    environment: [SET]\n'), { env: { SET: 'yes' } })).services[0]!;
    expect(withEnv.environment).toEqual({ SET: 'yes' });
  });

  it("refuses what Drydock cannot do yet with the messages the README lists", async () => {
    await expect(load(web('    logging: {driver: syslog}\n'))).rejects.toThrow(`validating ${FILE}: services.web.logging is not supported by Drydock yet (line 4)`);
    await expect(load(`${web('')}secrets:\n  s: {file: ./s}\n`)).rejects.toThrow(`validating ${FILE}: top-level secrets are not supported by Drydock yet (line 4)`);
    await expect(load(web('    deploy: {resources: {}}\n'))).rejects.toThrow('services.web.deploy.resources is not supported by Drydock yet (only replicas)');
    await expect(load(`${web('')}networks:\n  front: {driver: overlay}\n`)).rejects.toThrow('networks.front: driver "overlay" is not supported by Drydock (bridge only)');
    await expect(load(web('    platform: linux/amd64\n'))).rejects.toThrow('services.web.platform: Drydock runs linux/386 only');
    await expect(load(web('    volumes: ["~/x:/x"]\n'))).rejects.toThrow('services.web.volumes.0: paths starting with ~ are not supported');
    await expect(load(web('    volumes: [{type: npipe, source: a, target: /b}]\n'))).rejects.toThrow('services.web.volumes.0: type "npipe" is not supported');
    await expect(load(web('    env_file: [{path: a.env, format: raw}]\n'))).rejects.toThrow('unsupported env_file format "raw"');
  });
});
