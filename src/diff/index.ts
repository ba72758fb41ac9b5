export { diff, NOT_COMPARED_WHY, type DiffOptions } from './diff.js';
export { globContains, globsIntersect, type GlobSetOptions } from './glob-sets.js';
export { groupGrants } from './group-grants.js';
export type {
  AddedGroup,
  ConditionAtom,
  Grant,
  PolicyDiff,
  PolicySetEntry,
  TrustChange,
  Witness,
} from './types.js';
export { withWitnesses, witnessOf, MAX_WITNESSED_ROWS, type WitnessOptions } from './witness.js';
