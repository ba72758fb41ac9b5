/** The local policy simulator; the AWS adapter is `./aws-simulator.js`, loaded on demand. */
export { simulate } from './simulate.js';
export { describeStatement } from './explain.js';
export type {
  Decision,
  MatchedStatement,
  PrincipalMatch,
  SimulationPolicies,
  SimulationPolicyKind,
  SimulationRequest,
  SimulationResult,
} from './types.js';
