// The lab's Docker objects as the page shows them (pictures) and lessons check them: read from
// the daemon's records (its LabView) and, for files, from the guest itself. Never parsed from command output.
import type { LabState, LessonCheck } from '../api';
import type { LabView } from '../daemon/lab-view';
import type { ApiLogEntry } from '../daemon/endpoints';
import { imageSize } from '../models/image';
import { readTar } from '../formats/tar';
import { concatBytes } from '../protocol/frame';
import { parseReference, familiarString } from '../formats/reference';

/** `terminalsInside`: IDs of the containers a client's terminal is connected to (the engine knows). */
export function labState(lab: LabView, terminalsInside: readonly string[] = []): LabState {
  const containers = lab.containers();
  return {
    images: lab.images().map((i) => ({
      id: i.id,
      tags: [...i.repoTags],
      layers: i.layers.map((l) => ({ diffId: l.diffId, size: l.size })),
      size: imageSize(i),
    })),
    containers: containers.map((c) => ({
      id: c.id,
      name: c.name,
      image: c.imageName,
      imageId: c.imageId,
      status: c.state.status,
      exitCode: c.state.exitCode,
      ports: Object.entries(c.ports).flatMap(([containerPort, bindings]) => (bindings ?? []).map((b) => ({ containerPort, hostPort: Number(b.HostPort) }))),
      mounts: c.mounts.map((m) => ({ type: m.Type, ...(m.Name ? { name: m.Name } : {}), source: m.Source, destination: m.Destination, readOnly: !m.RW })),
      networks: Object.keys(c.networks),
    })),
    volumes: lab.volumes().map((v) => ({ name: v.Name, usedBy: containers.filter((c) => c.mounts.some((m) => m.Name === v.Name)).map((c) => c.name) })),
    networks: lab.networks().map((n) => ({ name: n.Name, driver: n.Driver, containers: containers.filter((c) => n.Name in c.networks).map((c) => c.name) })),
    terminalsInside: [...new Set(terminalsInside)].map((id) => containers.find((c) => c.id === id)?.name).filter((n): n is string => !!n),
  };
}

/** "nginx" and "nginx:latest" name the same tag. */
function sameTag(tag: string, wanted: string): boolean {
  try {
    return familiarString(parseReference(tag)) === familiarString(parseReference(wanted));
  } catch {
    return tag === wanted;
  }
}

type ContainerState = LabState['containers'][number];

function containerMatches(c: ContainerState, want: NonNullable<LessonCheck['container']>): boolean {
  if (want.name !== undefined && c.name !== want.name) return false;
  if (want.image !== undefined && !sameTag(c.image, want.image)) return false;
  if (want.status !== undefined && c.status !== want.status) return false;
  if (want.exitCode !== undefined && (c.status !== 'exited' || c.exitCode !== want.exitCode)) return false;
  if (want.publishes !== undefined && !c.ports.some((p) => p.hostPort === want.publishes)) return false;
  if (want.volume !== undefined && !c.mounts.some((m) => m.type === 'volume' && m.name === want.volume && (want.readOnly === undefined || m.readOnly === want.readOnly))) return false;
  if (want.bind !== undefined && !c.mounts.some((m) => m.type === 'bind' && m.source === want.bind && (want.readOnly === undefined || m.readOnly === want.readOnly))) return false;
  if (want.network !== undefined && !c.networks.includes(want.network)) return false;
  return true;
}

function findImage(lab: LabView, tag: string) {
  return lab.images().find((i) => i.repoTags.some((t) => sameTag(t, tag)));
}

/** A text file's content on the guest, or null if it is not there. */
async function guestFile(lab: LabView, path: string): Promise<string | null> {
  const found = await lab.hostPath(path).catch(() => null);
  if (!found || found.directory) return null;
  const entry = readTar(found.tar).find((e) => e.type === 'file');
  return entry?.type === 'file' ? new TextDecoder().decode(entry.data) : null;
}

export async function evaluateCheck(lab: LabView, check: LessonCheck, state = labState(lab)): Promise<boolean> {
  if (check.image !== undefined && !state.images.some((i) => i.tags.some((t) => sameTag(t, check.image!)))) return false;
  if (check.noImage !== undefined && state.images.some((i) => i.tags.some((t) => sameTag(t, check.noImage!)))) return false;
  if (check.container && state.containers.filter((c) => containerMatches(c, check.container!)).length < (check.count ?? 1)) return false;
  if (check.noContainer && state.containers.some((c) => containerMatches(c, check.noContainer!))) return false;
  if (check.volume !== undefined && !state.volumes.some((v) => v.name === check.volume)) return false;
  if (check.noVolume !== undefined && state.volumes.some((v) => v.name === check.noVolume)) return false;
  if (check.network !== undefined && !state.networks.some((n) => n.name === check.network)) return false;
  if (check.terminal?.inside !== undefined && !state.terminalsInside.includes(check.terminal.inside)) return false;
  if (check.terminal?.machine && state.terminalsInside.length) return false;
  if (check.imageAdds) {
    const image = findImage(lab, check.imageAdds.image);
    const path = check.imageAdds.path.replace(/^\/+|\/+$/g, '');
    // Layers made here are kept as tars: look for the path in them.
    const adds = image?.layers.some((l) => {
      const tar = lab.layerTar(l.diffId);
      return tar ? readTar(tar).some((e) => e.path.replace(/^\.\//, '').replace(/\/$/, '') === path || e.path.replace(/^\.\//, '').startsWith(`${path}/`)) : false;
    });
    if (!adds) return false;
  }
  if (check.imageConfig) {
    const want = check.imageConfig;
    const config = findImage(lab, want.image)?.config.config;
    if (!config) return false;
    if (want.exposes !== undefined && !Object.keys(config.ExposedPorts ?? {}).includes(want.exposes.includes('/') ? want.exposes : `${want.exposes}/tcp`)) return false;
    if (want.env !== undefined && !(config.Env ?? []).some((e) => e === want.env || e.startsWith(`${want.env}=`))) return false;
    if (want.cmd !== undefined && JSON.stringify(config.Cmd ?? []) !== JSON.stringify(want.cmd)) return false;
    if (want.entrypoint !== undefined && JSON.stringify(config.Entrypoint ?? []) !== JSON.stringify(want.entrypoint)) return false;
    if (want.workdir !== undefined && config.WorkingDir !== want.workdir) return false;
  }
  if (check.imageCompare) {
    const want = check.imageCompare;
    const image = findImage(lab, want.image);
    if (!image) return false;
    if (want.smallerThan !== undefined) {
      const other = findImage(lab, want.smallerThan);
      if (!other || imageSize(image) >= imageSize(other)) return false;
    }
    if (want.sharesLayersWith !== undefined) {
      const other = findImage(lab, want.sharesLayersWith);
      if (!other || !image.layers.some((l) => other.layers.some((o) => o.diffId === l.diffId))) return false;
    }
  }
  if (check.pushed !== undefined) {
    const colon = check.pushed.lastIndexOf(':');
    const [name, tag] = colon > check.pushed.lastIndexOf('/') ? [check.pushed.slice(0, colon), check.pushed.slice(colon + 1)] : [check.pushed, 'latest'];
    if (!(await lab.pushedRepositories()).some((r) => r.name === name && tag in r.tags)) return false;
  }
  if (check.logs) {
    const container = lab.containers().find((c) => c.name === check.logs!.container);
    const text = container ? new TextDecoder().decode(concatBytes(container.logs.map((e) => e.data))) : null;
    if (text === null || !text.includes(check.logs.contains)) return false;
  }
  if (check.apiCall) {
    const want = check.apiCall;
    // A socket client's path may carry the API version (/v1.43/_ping, answered by the server itself).
    const bare = (path: string) => path.split('?')[0]!.replace(/^\/v[0-9.]+(?=\/)/, '');
    const matches = (e: ApiLogEntry) =>
      (want.method === undefined || e.method === want.method.toUpperCase()) &&
      bare(e.path) === bare(want.path) &&
      (want.status === undefined || e.status === want.status) &&
      (want.client === undefined || (e.client ?? '').toLowerCase().startsWith(want.client.toLowerCase()));
    if (!lab.apiLog().some(matches)) return false;
  }
  if (check.file) {
    const text = await guestFile(lab, check.file.path);
    if (text === null || (check.file.contains !== undefined && !text.includes(check.file.contains))) return false;
  }
  if (check.volumeFile) {
    const volume = lab.volumes().find((v) => v.Name === check.volumeFile!.volume);
    const text = volume ? await guestFile(lab, `${volume.Mountpoint}/${check.volumeFile.path.replace(/^\/+/, '')}`) : null;
    if (text === null || (check.volumeFile.contains !== undefined && !text.includes(check.volumeFile.contains))) return false;
  }
  return true;
}
