import { describe, expect, it } from 'vitest';
import { lintSources } from '../../src/rules/lint.js';
import { malformedPolicy } from '../../src/rules/malformed-policy.js';
import { unresolvedPolicy } from '../../src/rules/unresolved-policy.js';
import { noSettings, source } from './harness.js';

describe('unresolved-policy', () => {
  const settings = noSettings;

  it('reports a source whose content is unknown, and does not also call it malformed', () => {
    const unknown = {
      ...source('04da6b54-80e4-46f7-96ec-b56ff0331ba9'),
      unresolved: 'the bucket ARN is known only after deployment',
    };
    const findings = lintSources([unknown], { rules: [malformedPolicy, unresolvedPolicy], settings });
    expect(findings.map((f) => [f.ruleId, f.severity, f.path, f.message])).toEqual([
      ['unresolved-policy', 'warning', '', 'not checked: the bucket ARN is known only after deployment'],
    ]);
  });

  it('is quiet on a resolved source', () => {
    const known = source({
      Version: '2012-10-17',
      Statement: { Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::b/*' },
    });
    expect(lintSources([known], { rules: [unresolvedPolicy], settings })).toEqual([]);
  });
});
