import { describe, expect, it } from 'vitest';
import { addressScope, firstPublicIpv4, isLocalChain } from './addresses';

describe('firstPublicIpv4', () => {
  it('returns undefined or a dotted IPv4 address that is not loopback', () => {
    const ip = firstPublicIpv4();
    if (ip === undefined) return;
    expect(ip).toMatch(/^\d{1,3}(\.\d{1,3}){3}$/);
    for (const part of ip.split('.')) expect(Number(part)).toBeLessThanOrEqual(255);
    expect(ip.startsWith('127.')).toBe(false);
  });
});

describe('addressScope', () => {
  it('tells public, private and unusable addresses apart', () => {
    for (const ip of ['8.8.8.8', '203.0.113.9', '2001:4860:4860::8888', '172.32.0.1'])
      expect(addressScope(ip), ip).toBe('public');
    for (const ip of [
      '127.0.0.1',
      '10.1.2.3',
      '172.16.5.4',
      '192.168.1.1',
      '100.64.0.1',
      '169.254.169.254',
      '::1',
      'fe80::1',
      'fd12:3456::1',
      '::ffff:10.0.0.1',
    ])
      expect(addressScope(ip), ip).toBe('private');
    for (const ip of ['0.0.0.0', '::', '224.0.0.1', '255.255.255.255', 'ff02::1', 'not-an-ip'])
      expect(addressScope(ip), ip).toBe('unusable');
  });

  it('calls a chain local when every endpoint is on this machine or a private network', () => {
    expect(isLocalChain(['ws://127.0.0.1:9944'])).toBe(true);
    expect(isLocalChain(['ws://localhost:9944', 'ws://[::1]:9944', 'ws://10.0.0.5:9944'])).toBe(
      true,
    );
    expect(isLocalChain(['wss://entrypoint-finney.opentensor.ai:443'])).toBe(false);
    expect(isLocalChain(['ws://127.0.0.1:9944', 'wss://test.finney.opentensor.ai:443'])).toBe(
      false,
    );
  });
});
