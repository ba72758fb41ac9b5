/**
 * The configuration that applies without a config file, written out rather than computed by the
 * zod schema so that a run with no file never loads zod (~110 ms of start-up). A test holds it
 * equal to what the schema makes of an empty file.
 */
import type { IamGateConfig } from './schema.js';

export const defaultConfig: IamGateConfig = Object.freeze({
  rules: Object.freeze({}),
  accounts: Object.freeze({
    own: Object.freeze([]) as unknown as string[],
    trusted: Object.freeze([]) as unknown as string[],
  }),
  oidc: Object.freeze({ allowedSubjects: Object.freeze([]) as unknown as string[] }),
  failOn: 'error',
  exceptions: Object.freeze([]) as unknown as IamGateConfig['exceptions'],
  policies: Object.freeze([]) as unknown as IamGateConfig['policies'],
  expect: Object.freeze([]) as unknown as IamGateConfig['expect'],
});
