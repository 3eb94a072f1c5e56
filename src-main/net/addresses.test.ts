import { describe, expect, it } from 'vitest';
import { firstPublicIpv4 } from './addresses';

describe('firstPublicIpv4', () => {
  it('returns undefined or a dotted IPv4 address that is not loopback', () => {
    const ip = firstPublicIpv4();
    if (ip === undefined) return;
    expect(ip).toMatch(/^\d{1,3}(\.\d{1,3}){3}$/);
    for (const part of ip.split('.')) expect(Number(part)).toBeLessThanOrEqual(255);
    expect(ip.startsWith('127.')).toBe(false);
  });
});
