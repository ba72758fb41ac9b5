/**
 * Syntactic ARN handling. This reads what is written in a policy, so it accepts what AWS would
 * reject at request time but a policy may still contain: wildcards in any part (`arn:*:*:*:*:*`),
 * unknown partitions, and `${...}` placeholders (policy variables, CloudFormation `Fn::Sub`
 * pseudo-parameters). Which resource types a service really has is the catalog's business.
 */

export interface Arn {
  partition: string;
  service: string;
  region: string;
  account: string;
  /** Everything after the fifth `:`, e.g. `role/ci` or `function:app:live`. */
  resource: string;
  /** `role` for `role/ci`, `function` for `function:app:live`; see {@link parseArn} for when it is absent. */
  resourceType?: string;
  /** What follows the type and its separator (`ci`, `app:live`); set exactly when `resourceType` is. */
  resourceId?: string;
}

/**
 * A 12-digit AWS account id. No `g` or `y` flag, so sharing it cannot leak `lastIndex` state
 * between callers.
 */
export const ACCOUNT_ID: RegExp = /^\d{12}$/;

/**
 * Splits `text` at the first `limit` separators (any character of `separators`) that are not inside
 * a `${...}`. A placeholder such as `${aws:PrincipalAccount}` or `${AWS::Partition}` contains
 * colons of its own, and splitting there would shift every later field.
 */
function splitOutsidePlaceholders(text: string, separators: string, limit: number): string[] {
  const parts: string[] = [];
  let start = 0;
  let i = 0;
  while (i < text.length && parts.length < limit) {
    if (text.startsWith('${', i)) {
      const close = text.indexOf('}', i + 2);
      if (close !== -1) {
        i = close + 1;
        continue;
      }
      // An unterminated `${` is plain text, so the separators after it still count.
    }
    if (separators.includes(text.charAt(i))) {
      parts.push(text.slice(start, i));
      start = i + 1;
    }
    i += 1;
  }
  parts.push(text.slice(start));
  return parts;
}

/**
 * Resources whose first `/`- or `:`-separated segment is a name, not a type, so reading it as a
 * type would be wrong:
 * - S3 bucket and object ARNs (`arn:aws:s3:::bucket/key`) start with the bucket name. They are the
 *   S3 ARNs with no account; S3 resources that do carry an account (`accesspoint/...`, `job/...`,
 *   `storage-lens/...`) are typed like any other service.
 * - API Gateway's `execute-api` ARNs start with the API id (`a1b2c3/prod/GET/pets`).
 * - SNS ARNs are a topic name, optionally followed by `:<subscription-id>`.
 */
function hasUntypedResource(service: string, account: string): boolean {
  return (service === 's3' && account === '') || service === 'execute-api' || service === 'sns';
}

/**
 * Parses `arn:partition:service:region:account:resource`. Returns undefined unless the text starts
 * with `arn:`, has all six parts, and partition, service and resource are non-empty; region and
 * account are legitimately empty for global services (`arn:aws:iam::...`, `arn:aws:s3:::...`).
 * The resource keeps any further `:` and `/`.
 *
 * `resourceType` is the resource's leading segment up to the first `/` or `:` when that segment is
 * non-empty and the service uses typed resources (see `hasUntypedResource`); otherwise both
 * `resourceType` and `resourceId` are absent (`root`, an SQS queue name, `*`, an S3 object).
 */
export function parseArn(text: string): Arn | undefined {
  if (!text.startsWith('arn:')) return undefined;
  const fields = splitOutsidePlaceholders(text, ':', 5);
  if (fields.length !== 6) return undefined;
  const [, partition = '', service = '', region = '', account = '', resource = ''] = fields;
  if (partition === '' || service === '' || resource === '') return undefined;

  const arn: Arn = { partition, service, region, account, resource };
  if (!hasUntypedResource(service, account)) {
    const [head = '', ...rest] = splitOutsidePlaceholders(resource, '/:', 1);
    if (rest.length > 0 && head !== '') {
      arn.resourceType = head;
      arn.resourceId = resource.slice(head.length + 1);
    }
  }
  return arn;
}

export function isArn(text: string): boolean {
  return parseArn(text) !== undefined;
}

/** `resource` is authoritative: `resourceType` and `resourceId` are derived from it and ignored here. */
export function formatArn(arn: Arn): string {
  return `arn:${arn.partition}:${arn.service}:${arn.region}:${arn.account}:${arn.resource}`;
}

/**
 * The ARN that a bare account id stands for as a principal. The id is not validated: callers may
 * pass a symbolic value that is resolved later, and `ACCOUNT_ID` is there for those who need to.
 */
export function accountRootArn(accountId: string, partition = 'aws'): string {
  return `arn:${partition}:iam::${accountId}:root`;
}
