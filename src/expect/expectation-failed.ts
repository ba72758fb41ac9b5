/**
 * The finding a failed permission expectation raises. Not a lint rule (it needs the config's
 * requests and the simulator, not one policy), but it has an id, a severity and docs like one, so
 * that `rules:` can change its severity, exceptions can name it, and SARIF lists it.
 */
import type { Severity } from '../rules/types.js';

export const EXPECTATION_FAILED: {
  id: 'expectation-failed';
  defaultSeverity: Severity;
  description: string;
} = {
  id: 'expectation-failed',
  defaultSeverity: 'error',
  description: 'A permission expectation from the config (`expect:`) does not hold.',
};
