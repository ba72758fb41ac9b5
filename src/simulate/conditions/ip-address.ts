/** `IpAddress`: the request value is an address, the policy value a CIDR block or a single address. */
import { cidrContains, parseCidr, parseIpAddress } from './cidr.js';
import type { ValueMatcher } from './matcher.js';
import { policyValue } from './matcher.js';

export const ipAddressMatchers = {
  IpAddress: (requestValue, written, env) => {
    const substituted = policyValue(written, env);
    const block = substituted === undefined ? undefined : parseCidr(substituted);
    const address = parseIpAddress(requestValue);
    return block !== undefined && address !== undefined && cidrContains(block, address);
  },
} satisfies Record<string, ValueMatcher>;
