import { describe, expect, it } from 'vitest';
import {
  isLoopbackHostname,
  isWildcardAddress,
  parseHostHeader,
  parseHttpOrigin,
  sourceKey,
} from './loopback';

describe('parseHostHeader', () => {
  it('reads names, IPv4 and bracketed IPv6, with or without a port', () => {
    expect(parseHostHeader('localhost:7878')).toEqual({ hostname: 'localhost', port: 7878 });
    expect(parseHostHeader('LocalHost')).toEqual({ hostname: 'localhost', port: undefined });
    expect(parseHostHeader('127.0.0.1:1')).toEqual({ hostname: '127.0.0.1', port: 1 });
    expect(parseHostHeader('[::1]:7878')).toEqual({ hostname: '::1', port: 7878 });
    // IPv6 comes out in its short form, so one address has one spelling.
    expect(parseHostHeader('[0:0:0:0:0:0:0:1]')).toEqual({ hostname: '::1', port: undefined });
  });

  it('refuses anything else', () => {
    for (const bad of [
      undefined,
      '',
      'localhost:',
      'localhost:0',
      'localhost:65536',
      'localhost:7878/path',
      'user@localhost',
      'local host',
      '[::1',
      '[nothex]:80',
      '::1',
      'x'.repeat(301),
    ])
      expect(parseHostHeader(bad), String(bad)).toBeNull();
  });
});

describe('isLoopbackHostname', () => {
  it('is localhost, 127.0.0.0/8 and ::1 only', () => {
    for (const ok of ['localhost', '127.0.0.1', '127.255.3.4', '::1'])
      expect(isLoopbackHostname(ok), ok).toBe(true);
    for (const no of [
      'attacker.example',
      'localhost.attacker.example',
      'evil.localhost',
      '127.0.0.1.nip.io',
      '128.0.0.1',
      '0.0.0.0',
      '10.0.0.1',
      '::',
      '::2',
      '127.1',
      'localhost.',
    ])
      expect(isLoopbackHostname(no), no).toBe(false);
  });

  it('knows the wildcard addresses', () => {
    expect(isWildcardAddress('0.0.0.0')).toBe(true);
    expect(isWildcardAddress('::')).toBe(true);
    expect(isWildcardAddress('127.0.0.1')).toBe(false);
  });
});

describe('parseHttpOrigin', () => {
  it('reads plain-HTTP origins, port 80 by default, and nothing else', () => {
    expect(parseHttpOrigin('http://127.0.0.1:7878')).toEqual({ hostname: '127.0.0.1', port: 7878 });
    expect(parseHttpOrigin('http://localhost')).toEqual({ hostname: 'localhost', port: 80 });
    expect(parseHttpOrigin('http://[::1]:9')).toEqual({ hostname: '::1', port: 9 });
    for (const bad of ['null', 'https://localhost:7878', 'http://localhost:7878/', 'file://'])
      expect(parseHttpOrigin(bad), bad).toBeNull();
  });
});

describe('sourceKey', () => {
  it('counts IPv4 by address, mapped or not, and IPv6 by its /64', () => {
    expect(sourceKey('127.0.0.2')).toBe('127.0.0.2');
    expect(sourceKey('::ffff:127.0.0.2')).toBe('127.0.0.2');
    expect(sourceKey('::1')).toBe('::1');
    expect(sourceKey('2001:db8:0:1::5')).toBe('2001:db8:0:1::/64');
    expect(sourceKey('2001:DB8:0:1:aaaa:bbbb:cccc:dddd')).toBe('2001:db8:0:1::/64');
    expect(sourceKey('fe80::1%eth0')).toBe('fe80:0:0:0::/64');
    expect(sourceKey('64:ff9b::1.2.3.4')).toBe('64:ff9b:0:0::/64');
    expect(sourceKey(undefined)).toBe('unknown');
  });
});
