/**
 * IPv4 and IPv6 addresses and CIDR blocks as bigints, for `IpAddress` / `NotIpAddress`. Kept here
 * rather than in a dependency because the whole job is a parser and a mask.
 *
 * An IPv4 block never contains an IPv6 address, IPv4-mapped ones (`::ffff:10.0.0.1`) included:
 * AWS reports such a caller in the form it connected with, and a policy names both families when
 * it means both.
 */

export interface IpAddress {
  version: 4 | 6;
  value: bigint;
}

export interface CidrBlock {
  version: 4 | 6;
  /** The address with its host bits cleared. */
  network: bigint;
  prefix: number;
}

const IPV4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;
const HEX_GROUP = /^[0-9A-Fa-f]{1,4}$/;

function parseIpv4(text: string): bigint | undefined {
  const match = IPV4.exec(text);
  if (!match) return undefined;
  let value = 0n;
  for (const part of match.slice(1)) {
    // Leading zeros are rejected: some parsers read `010` as octal, and AWS rejects them too.
    if (part.length > 1 && part.startsWith('0')) return undefined;
    const octet = Number(part);
    if (octet > 255) return undefined;
    value = (value << 8n) | BigInt(octet);
  }
  return value;
}

/** The 16-bit groups of an IPv6 address written without `::`; a trailing dotted quad counts as two. */
function parseGroups(text: string): number[] | undefined {
  if (text === '') return [];
  const parts = text.split(':');
  const groups: number[] = [];
  for (const [i, part] of parts.entries()) {
    if (i === parts.length - 1 && part.includes('.')) {
      const v4 = parseIpv4(part);
      if (v4 === undefined) return undefined;
      groups.push(Number(v4 >> 16n), Number(v4 & 0xffffn));
    } else if (HEX_GROUP.test(part)) {
      groups.push(Number.parseInt(part, 16));
    } else {
      return undefined;
    }
  }
  return groups;
}

function parseIpv6(text: string): bigint | undefined {
  const halves = text.split('::');
  if (halves.length > 2) return undefined;
  const head = parseGroups(halves[0] ?? '');
  const tail = halves.length === 2 ? parseGroups(halves[1] ?? '') : [];
  if (!head || !tail) return undefined;
  const missing = 8 - head.length - tail.length;
  // `::` stands for at least one group; without it there must be exactly eight.
  if (halves.length === 2 ? missing < 1 : missing !== 0) return undefined;
  let value = 0n;
  for (const group of [...head, ...Array<number>(missing).fill(0), ...tail]) {
    value = (value << 16n) | BigInt(group);
  }
  return value;
}

export function parseIpAddress(text: string): IpAddress | undefined {
  const trimmed = text.trim();
  if (trimmed.includes(':')) {
    const value = parseIpv6(trimmed);
    return value === undefined ? undefined : { version: 6, value };
  }
  const value = parseIpv4(trimmed);
  return value === undefined ? undefined : { version: 4, value };
}

function bits(version: 4 | 6): number {
  return version === 4 ? 32 : 128;
}

/** `10.0.0.0/8`, `2001:db8::/32`, or a bare address (a block of one). Host bits may be set. */
export function parseCidr(text: string): CidrBlock | undefined {
  const trimmed = text.trim();
  const slash = trimmed.indexOf('/');
  const address = parseIpAddress(slash === -1 ? trimmed : trimmed.slice(0, slash));
  if (!address) return undefined;
  const width = bits(address.version);
  let prefix = width;
  if (slash !== -1) {
    const written = trimmed.slice(slash + 1);
    if (!/^\d{1,3}$/.test(written)) return undefined;
    prefix = Number(written);
    if (prefix > width) return undefined;
  }
  return { version: address.version, network: address.value & mask(width, prefix), prefix };
}

function mask(width: number, prefix: number): bigint {
  const all = (1n << BigInt(width)) - 1n;
  return all ^ ((1n << BigInt(width - prefix)) - 1n);
}

export function cidrContains(block: CidrBlock, address: IpAddress): boolean {
  if (block.version !== address.version) return false;
  return (address.value & mask(bits(block.version), block.prefix)) === block.network;
}
