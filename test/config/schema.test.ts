import { describe, expect, it } from 'vitest';
import { closestMatch } from '../../src/util/closest-match.js';
import {
  defaultConfig,
  formatConfigPath,
  iamGateConfigSchema,
  validateConfig,
  validateRuleIds,
} from '../../src/config/schema.js';

const RULE_IDS = ['wildcard-action', 'action-prefix-wildcard', 'wildcard-resource', 'pass-role-unscoped'];

describe('defaultConfig', () => {
  it('has empty lists and blocks on errors', () => {
    expect(defaultConfig).toEqual({
      rules: {},
      accounts: { own: [], trusted: [] },
      oidc: { allowedSubjects: [] },
      failOn: 'error',
      exceptions: [],
      policies: [],
      expect: [],
    });
  });

  it('is frozen all the way down, because it is shared', () => {
    expect(Object.isFrozen(defaultConfig)).toBe(true);
    expect(Object.isFrozen(defaultConfig.accounts.own)).toBe(true);
    expect(Object.isFrozen(defaultConfig.rules)).toBe(true);
  });
});

describe('validateConfig', () => {
  it('accepts a config built in code', () => {
    const result = validateConfig(
      { rules: { 'pass-role-unscoped': 'note' }, exceptions: [{ rule: '*', reason: 'sandbox' }] },
      RULE_IDS,
    );
    expect(result).toEqual({
      ok: true,
      config: {
        ...defaultConfig,
        rules: { 'pass-role-unscoped': 'note' },
        exceptions: [{ rule: '*', reason: 'sandbox' }],
      },
    });
  });

  it('treats null (an empty YAML file) as the defaults', () => {
    expect(validateConfig(null, RULE_IDS)).toEqual({ ok: true, config: defaultConfig });
  });

  it('reports each unknown key of one object separately', () => {
    const result = validateConfig({ oidc: { allowedSubjects: [], subjects: [], audience: 'x' } }, RULE_IDS);
    expect(result).toEqual({
      ok: false,
      problems: [
        { path: ['oidc', 'subjects'], message: 'unknown key; expected one of allowedSubjects' },
        { path: ['oidc', 'audience'], message: 'unknown key; expected one of allowedSubjects' },
      ],
    });
  });

  it('still checks rule ids when the schema fails elsewhere', () => {
    const result = validateConfig({ failOn: 'fatal', rules: { 'pass-role-unscopd': 'off' } }, RULE_IDS);
    expect(result.ok).toBe(false);
    expect(!result.ok && result.problems).toEqual([
      { path: ['failOn'], message: 'expected error, warning or note, got "fatal"' },
      {
        path: ['rules', 'pass-role-unscopd'],
        message: 'unknown rule id; did you mean "pass-role-unscoped"?',
      },
    ]);
  });

  it('rejects empty globs, which would match nothing', () => {
    const result = validateConfig({ exceptions: [{ rule: '*', target: '', reason: 'r' }] }, RULE_IDS);
    expect(!result.ok && result.problems).toEqual([
      { path: ['exceptions', 0, 'target'], message: 'must not be empty' },
    ]);
  });
});

describe('validateRuleIds', () => {
  it('names unknown ids in rules and exceptions, with a suggestion', () => {
    const config = iamGateConfigSchema.parse({
      rules: { 'wildcard-resorce': 'warning', 'wildcard-action': 'off' },
      exceptions: [
        { rule: 'wildcard-resource', reason: 'known' },
        { rule: '*', reason: 'any rule is fine' },
        { rule: 'Action-Prefix-Wildcard', reason: 'wrong case' },
      ],
    });
    expect(validateRuleIds(config, RULE_IDS)).toEqual([
      'rules.wildcard-resorce: unknown rule id; did you mean "wildcard-resource"?',
      'exceptions[2].rule: unknown rule id "Action-Prefix-Wildcard"; did you mean "action-prefix-wildcard"?',
    ]);
  });

  it('lists the known ids when nothing is close', () => {
    expect(validateRuleIds({ rules: { 'least-privilege': 'off' } }, RULE_IDS)).toEqual([
      'rules.least-privilege: unknown rule id; known ids: ' +
        'action-prefix-wildcard, pass-role-unscoped, wildcard-action, wildcard-resource',
    ]);
  });

  it('is empty for a config that names only known ids', () => {
    expect(validateRuleIds(defaultConfig, RULE_IDS)).toEqual([]);
  });
});

describe('helpers', () => {
  it('formats paths the way the YAML reads', () => {
    expect(formatConfigPath(['exceptions', 0, 'reason'])).toBe('exceptions[0].reason');
    expect(formatConfigPath(['rules', 'wildcard-resorce'])).toBe('rules.wildcard-resorce');
    expect(formatConfigPath(['rules', 'a b'])).toBe('rules["a b"]');
    expect(formatConfigPath([])).toBe('');
  });

  it('suggests only close matches', () => {
    expect(closestMatch('resaon', ['rule', 'target', 'path', 'reason', 'expires'])).toBe('reason');
    expect(closestMatch('warn', ['error', 'warning', 'note'])).toBe('warning');
    expect(closestMatch('wildcard', RULE_IDS)).toBeUndefined();
    expect(closestMatch('foo', ['rule', 'path'])).toBeUndefined();
  });
});

describe('defaultConfig', () => {
  it('is what the schema makes of an empty config file', () => {
    expect(defaultConfig).toEqual(iamGateConfigSchema.parse({}));
  });
});
