// Pure networking code: -p specs as Docker reads them, the PORTS column, IP address management
// and the hosts file, and HTTP messages for the page's preview.
import { describe, expect, it } from 'vitest';
import { formatPorts, parsePortSpec } from '../../web/src/engine/formats/port-spec';
import { hostsFile } from '../../web/src/engine/formats/hosts-file';
import { macFor, NetworkStore } from '../../web/src/engine/daemon/networks/network-store';
import { decodeResponse, encodeRequest } from '../../web/src/engine/formats/http';

const text = (b: Uint8Array) => new TextDecoder().decode(b);

describe('-p specs', () => {
  it('reads the forms Docker accepts', () => {
    expect(parsePortSpec('80')).toEqual([{ containerPort: 80, proto: 'tcp', hostIp: '', hostPort: '' }]);
    expect(parsePortSpec('8080:80')).toEqual([{ containerPort: 80, proto: 'tcp', hostIp: '', hostPort: '8080' }]);
    expect(parsePortSpec('127.0.0.1:8080:80/tcp')).toEqual([{ containerPort: 80, proto: 'tcp', hostIp: '127.0.0.1', hostPort: '8080' }]);
    expect(parsePortSpec('127.0.0.1::80')).toEqual([{ containerPort: 80, proto: 'tcp', hostIp: '127.0.0.1', hostPort: '' }]);
    expect(parsePortSpec('53:53/udp')[0]!.proto).toBe('udp');
    expect(parsePortSpec('8000-8001:80-81').map((m) => `${m.hostPort}->${m.containerPort}`)).toEqual(['8000->80', '8001->81']);
    expect(parsePortSpec('8000-8010:80')[0]!.hostPort).toBe('8000-8010');
  });

  it('rejects bad ones with Docker\'s messages', () => {
    expect(() => parsePortSpec('abc')).toThrow('invalid containerPort: abc');
    expect(() => parsePortSpec('99999:80')).toThrow('invalid hostPort: 99999');
    expect(() => parsePortSpec('80/xyz')).toThrow('invalid proto: xyz');
    expect(() => parsePortSpec('300.1.1.1:80:80')).toThrow('invalid IP address: 300.1.1.1');
    expect(() => parsePortSpec('8000-8002:80-81')).toThrow('invalid ranges specified for container and host Ports: 80-81 and 8000-8002');
  });

  it('shows published and exposed ports as docker ps does', () => {
    expect(formatPorts({ '443/tcp': null, '80/tcp': [{ HostIp: '0.0.0.0', HostPort: '8080' }] })).toBe('0.0.0.0:8080->80/tcp, 443/tcp');
    expect(formatPorts({})).toBe('');
  });
});

describe('IP address management', () => {
  it('hands out addresses in order from .2, never the gateway, and takes back released ones', () => {
    const store = new NetworkStore();
    const bridge = store.find('bridge')!;
    expect(store.allocate(bridge).address).toBe('172.17.0.2');
    const second = store.allocate(bridge);
    expect(second).toEqual({ address: '172.17.0.3', prefixLen: 16, gateway: '172.17.0.1' });
    store.release(bridge, '172.17.0.2');
    expect(store.allocate(bridge).address).toBe('172.17.0.4');
    expect(macFor('172.17.0.2')).toBe('02:42:ac:11:00:02');
  });

  it('gives user networks the next free subnet, refuses overlaps and duplicate names', () => {
    const store = new NetworkStore();
    expect(store.create({ name: 'one' }).IPAM.Config).toEqual([{ Subnet: '172.18.0.0/16', Gateway: '172.18.0.1' }]);
    expect(store.create({ name: 'two' }).IPAM.Config[0]!.Subnet).toBe('172.19.0.0/16');
    expect(() => store.create({ name: 'one' })).toThrow('network with name one already exists');
    expect(() => store.create({ name: 'three', subnet: '172.18.5.0/24' })).toThrow('Pool overlaps with other one on this address space');
    const custom = store.create({ name: 'custom', subnet: '10.5.0.0/24', gateway: '10.5.0.254' });
    expect(store.allocate(custom, '10.5.0.10').address).toBe('10.5.0.10');
    expect(() => store.allocate(custom, '10.5.0.10')).toThrow('Address already in use');
    expect(() => store.allocate(custom, '10.6.0.1')).toThrow('no configured subnet or ip-range contain the IP address 10.6.0.1');
    expect(() => store.create({ name: 'bad', subnet: '10.7.0.0/24', gateway: '10.8.0.1' })).toThrow('it is not in subnet 10.7.0.0/24');
  });

  it('finds networks by name, full ID and unique ID prefix', () => {
    const store = new NetworkStore();
    const net = store.create({ name: 'mynet' });
    expect(store.find('mynet')).toBe(net);
    expect(store.find(net.Id)).toBe(net);
    expect(store.find(net.Id.slice(0, 6))).toBe(net);
    expect(store.find('nope')).toBeUndefined();
  });

  it('writes Docker\'s hosts file with the peers a user network gives', () => {
    const hosts = hostsFile({ hostname: 'abc123', address: '172.18.0.2' }, [{ address: '172.18.0.3', names: ['web', 'www', 'def456'] }], [{ host: 'db.local', address: '10.0.0.5' }]);
    expect(hosts.split('\n')).toEqual([
      '127.0.0.1\tlocalhost',
      '::1\tlocalhost ip6-localhost ip6-loopback',
      'fe00::0\tip6-localnet',
      'ff00::0\tip6-mcastprefix',
      'ff02::1\tip6-allnodes',
      'ff02::2\tip6-allrouters',
      '10.0.0.5\tdb.local',
      '172.18.0.2\tabc123',
      '172.18.0.3\tweb www def456',
      '',
    ]);
  });
});

describe('HTTP messages for the preview', () => {
  it('writes a request with one connection per request and the body\'s length', () => {
    const bytes = encodeRequest({ method: 'POST', path: '/form?x=1', headers: [['Accept', 'text/html'], ['Connection', 'keep-alive'], ['Host', 'evil']], body: new TextEncoder().encode('a=b') }, 'localhost:8080');
    expect(text(bytes)).toBe('POST /form?x=1 HTTP/1.1\r\nHost: localhost:8080\r\nConnection: close\r\nAccept: text/html\r\nContent-Length: 3\r\n\r\na=b');
    expect(() => encodeRequest({ method: 'GET', path: '/ HTTP/1.1\r\nX: y', headers: [] }, 'h')).toThrow('bad path');
  });

  it('reads a response, with Content-Length or chunked, and drops hop-by-hop headers', () => {
    const plain = decodeResponse(new TextEncoder().encode('HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 5\r\nConnection: close\r\n\r\nhello'));
    expect(plain.status).toBe(200);
    expect(plain.statusText).toBe('OK');
    expect(plain.headers).toEqual([['Content-Type', 'text/html']]);
    expect(text(plain.body)).toBe('hello');
    const chunked = decodeResponse(new TextEncoder().encode('HTTP/1.1 404 Not Found\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n2;x=y\r\nde\r\n0\r\n\r\n'));
    expect(chunked.status).toBe(404);
    expect(text(chunked.body)).toBe('abcde');
    expect(() => decodeResponse(new Uint8Array(0))).toThrow('closed the connection without answering');
    expect(() => decodeResponse(new TextEncoder().encode('SSH-2.0-OpenSSH\r\n\r\n'))).toThrow('not an HTTP response');
  });
});
