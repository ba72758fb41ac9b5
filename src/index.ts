/**
 * iam-gate's library face. The builder is what IaC authors import; the policy model and the catalog
 * are what tools built on iam-gate use.
 */
export * from './builder/index.js';
export { PolicyError, type PolicyErrorDetails } from './policy/policy-error.js';
export { type ParseOptions, parsePolicy } from './policy/parse-policy.js';
export { formatProblem } from './policy/json-path.js';
export type * from './policy/types.js';
export { type Arn, isArn, parseArn } from './policy/arn.js';
export { matchesAction, matchesGlob, matchesResource } from './policy/glob.js';
export { findPolicyVariables, substitutePolicyVariables } from './policy/policy-variables.js';
export {
  type AccessLevel,
  type ActionInfo,
  type Catalog,
  type ResourceTypeInfo,
  loadCatalog,
} from './catalog/index.js';
export {
  diff,
  globContains,
  globsIntersect,
  NOT_COMPARED_WHY,
  withWitnesses,
  type AddedGroup,
  type ConditionAtom,
  type DiffOptions,
  type Grant,
  type PolicyDiff,
  type PolicySetEntry,
  type TrustChange,
  type Witness,
  type WitnessOptions,
} from './diff/index.js';
export { simulate } from './simulate/simulate.js';
export type { Decision, SimulationPolicies, SimulationRequest, SimulationResult } from './simulate/types.js';
export { packageVersion } from './version.js';
