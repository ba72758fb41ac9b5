/** Finding the stacks of a repository revision, and which ones a change touches. */
export type { Stack, StackKind } from './types.js';
export {
  discoverStacks,
  type DiscoverOptions,
  type Discovery,
  type SkippedProject,
} from './discover-stacks.js';
export {
  touchedStacks,
  type TouchedStack,
  type TouchedStacksResult,
  type RevisionStacks,
} from './touched-stacks.js';
export { directoryTree, type RepoTree } from './repo-tree.js';
export { gitRevisionTree, type GitRevisionTree } from './git-tree.js';
export { compilePathGlobs, PathGlobError, type PathMatcher } from './path-glob.js';
