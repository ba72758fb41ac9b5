export {
  type ConditionBlock,
  type ConditionScalar,
  type ConditionValue,
  principalOrgId,
  requestedRegion,
  resourceTag,
  secureTransport,
  sourceAccount,
  sourceArn,
  viaService,
} from './conditions.js';
export type { Input, OutputLike } from './inputs.js';
export {
  type PolicyDocumentBuilder,
  type PolicyJson,
  type RenderableStatement,
  type StatementJson,
  policyDocument,
} from './policy-document.js';
export { type BuiltStatement, type StatementInput, statement } from './statement.js';
export {
  type AccountPrincipalOptions,
  type GithubOidcOptions,
  type ServicePrincipalOptions,
  type TrustGrant,
  type TrustPolicyOptions,
  accountPrincipal,
  githubOidc,
  rolePrincipal,
  servicePrincipal,
  trustPolicy,
} from './trust-policy.js';
