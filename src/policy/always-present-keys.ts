/**
 * Global condition keys AWS documents as "always included in the request context". A condition on
 * one of them never meets a request without it, since there is none: a set operator on them behaves
 * as the plain one, and an example request must carry them to say anything about real requests.
 * (aws:SourceIp is not among them: a call through a VPC endpoint has none.)
 */
const ALWAYS_PRESENT = new Set(
  [
    'aws:CurrentTime',
    'aws:EpochTime',
    'aws:PrincipalAccount',
    'aws:PrincipalArn',
    'aws:PrincipalIsAWSService',
    'aws:PrincipalType',
    'aws:RequestedRegion',
    'aws:SecureTransport',
    'aws:userid',
    'aws:ViaAWSService',
  ].map((key) => key.toLowerCase()),
);

/** Case-insensitive, as condition keys are. */
export function isAlwaysPresentKey(key: string): boolean {
  return ALWAYS_PRESENT.has(key.toLowerCase());
}
