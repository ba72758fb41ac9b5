import { describe, expect, it } from 'vitest';
import { cidrContains, parseCidr, parseIpAddress } from '../../src/simulate/conditions/cidr.js';

describe('parseIpAddress', () => {
  it.each<[string, { version: 4 | 6; value: bigint } | undefined]>([
    ['0.0.0.0', { version: 4, value: 0n }],
    ['10.0.0.1', { version: 4, value: 0x0a000001n }],
    ['255.255.255.255', { version: 4, value: 0xffffffffn }],
    [' 192.0.2.1 ', { version: 4, value: 0xc0000201n }],
    ['256.0.0.1', undefined],
    ['10.0.0', undefined],
    ['10.0.0.01', undefined],
    ['10.0.0.1.2', undefined],
    ['::', { version: 6, value: 0n }],
    ['::1', { version: 6, value: 1n }],
    ['2001:db8::1', { version: 6, value: 0x20010db8000000000000000000000001n }],
    ['2001:DB8:0:0:0:0:0:1', { version: 6, value: 0x20010db8000000000000000000000001n }],
    ['fe80::', { version: 6, value: 0xfe800000000000000000000000000000n }],
    ['::ffff:10.0.0.1', { version: 6, value: 0xffff0a000001n }],
    ['1:2:3:4:5:6:7:8', { version: 6, value: 0x00010002000300040005000600070008n }],
    ['1:2:3:4:5:6:7:8:9', undefined],
    ['1:2:3:4:5:6:7', undefined],
    ['1::2::3', undefined],
    ['1:2:3:4:5:6:7::8', undefined],
    ['12345::', undefined],
    ['fe80::1%eth0', undefined],
    ['', undefined],
    ['localhost', undefined],
  ])('%j', (text, expected) => {
    expect(parseIpAddress(text)).toEqual(expected);
  });
});

describe('parseCidr', () => {
  it.each<[string, { version: 4 | 6; network: bigint; prefix: number } | undefined]>([
    ['10.0.0.0/8', { version: 4, network: 0x0a000000n, prefix: 8 }],
    ['10.1.2.3/8', { version: 4, network: 0x0a000000n, prefix: 8 }],
    ['10.1.2.3', { version: 4, network: 0x0a010203n, prefix: 32 }],
    ['0.0.0.0/0', { version: 4, network: 0n, prefix: 0 }],
    ['10.0.0.0/33', undefined],
    ['10.0.0.0/', undefined],
    ['10.0.0.0/x', undefined],
    ['2001:db8::/32', { version: 6, network: 0x20010db8000000000000000000000000n, prefix: 32 }],
    ['2001:db8::1/128', { version: 6, network: 0x20010db8000000000000000000000001n, prefix: 128 }],
    ['::/129', undefined],
  ])('%j', (text, expected) => {
    expect(parseCidr(text)).toEqual(expected);
  });
});

describe('cidrContains', () => {
  it.each([
    ['10.0.0.0/8', '10.200.3.4', true],
    ['10.0.0.0/8', '11.0.0.0', false],
    ['192.168.0.0/23', '192.168.1.255', true],
    ['192.168.0.0/23', '192.168.2.0', false],
    ['0.0.0.0/0', '8.8.8.8', true],
    ['2001:db8::/32', '2001:db8:ffff::1', true],
    ['2001:db8::/33', '2001:db8:8000::1', false],
    ['::/0', '2001:db8::1', true],
    ['0.0.0.0/0', '::1', false],
    ['::/0', '127.0.0.1', false],
  ])('%s contains %s: %s', (block, address, expected) => {
    const cidr = parseCidr(block);
    const ip = parseIpAddress(address);
    if (!cidr || !ip) throw new Error('test data does not parse');
    expect(cidrContains(cidr, ip)).toBe(expected);
  });
});
