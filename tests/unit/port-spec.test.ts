// `-p` specs against go-connections' ParsePortSpec: the order of its checks and its messages.
import { describe, expect, it } from 'vitest';
import { parsePortSpec, splitProto } from '../../web/src/engine/formats/port-spec';

describe('port specs', () => {
  it('cuts the protocol at the first slash, so anything after it is part of the protocol', () => {
    expect(() => parsePortSpec('80/tcp/extra')).toThrow('invalid proto: tcp/extra');
    expect(() => parsePortSpec('8080:80/http')).toThrow('invalid proto: http');
    expect(parsePortSpec('53/UDP')[0]!.proto).toBe('udp');
    expect(parsePortSpec('80/')[0]!.proto).toBe('tcp');
    expect(splitProto('9000-9001/sctp')).toEqual(['9000-9001', 'sctp']);
  });

  it('reports a missing container port before anything else', () => {
    expect(() => parsePortSpec('')).toThrow('no port specified: <empty>');
    expect(() => parsePortSpec('8080:')).toThrow('no port specified: 8080:<empty>');
    expect(() => parsePortSpec('/udp')).toThrow('no port specified: /udp<empty>');
    // …even when the protocol is wrong too.
    expect(() => parsePortSpec('1.2.3.4:80:/bogus')).toThrow('no port specified');
  });

  it('takes everything before the last two colons as the address', () => {
    expect(parsePortSpec('[127.0.0.1]:8080:80')[0]).toMatchObject({ hostIp: '127.0.0.1', hostPort: '8080' });
    expect(() => parsePortSpec('a:b:8080:80')).toThrow('invalid IP address: a:b');
    expect(() => parsePortSpec(':::80')).toThrow('invalid IP address: :');
    expect(() => parsePortSpec('[::1]:80')).toThrow("invalid IP address [:: address [::: missing ']' in address");
    expect(() => parsePortSpec('::1:8080:80')).toThrow("Drydock's guest has no IPv6");
  });

  it('checks the protocol before the address, and ports after both', () => {
    expect(() => parsePortSpec('300.1.1.1:80:80/bogus')).toThrow('invalid proto: bogus');
    expect(() => parsePortSpec('300.1.1.1:x:80')).toThrow('invalid IP address: 300.1.1.1');
    expect(() => parsePortSpec('1.2.3.4:x:80')).toThrow('invalid hostPort: x');
    expect(() => parsePortSpec('65536')).toThrow('invalid containerPort: 65536');
    expect(() => parsePortSpec('8000-8001:80-82')).toThrow('invalid ranges specified for container and host Ports: 80-82 and 8000-8001');
  });
});
