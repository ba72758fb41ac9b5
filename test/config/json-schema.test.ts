// Named and `.default`: under NodeNext a default import of these CommonJS modules is typed as the
// whole module, while at run time both shapes exist.
import { Ajv2020 } from 'ajv/dist/2020.js';
import ajvFormats from 'ajv-formats';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import {
  CONFIG_SCHEMA_ID,
  CONFIG_SCHEMA_URL,
  renderConfigJsonSchema,
} from '../../scripts/build-config-schema.js';

const committedText = await readFile(fileURLToPath(CONFIG_SCHEMA_URL), 'utf8');
const committed = JSON.parse(committedText) as Record<string, unknown>;

function validator() {
  const ajv = new Ajv2020({ allErrors: true, strict: true });
  ajvFormats.default(ajv);
  return ajv.compile(committed);
}

const FULL = `
rules:
  wildcard-resource: warning
  action-prefix-wildcard: off
accounts:
  own: ['111111111111']
  trusted: ['222222222222']
oidc:
  allowedSubjects: ['repo:acme/infra:ref:refs/heads/main', 'repo:acme/*:environment:production']
failOn: error
exceptions:
  - rule: wildcard-resource
    target: 'aws_iam_role_policy.legacy'
    path: 'Statement[0]*'
    reason: 'legacy role, removal tracked in SEC-123'
    expires: 2027-01-31
policies:
  - path: policies/*.json
    kind: identity
`;

describe('schema/iam-gate.schema.json', () => {
  it('is what `npm run build:schema` generates (run it after changing src/config/schema.ts)', async () => {
    expect(committedText).toBe(await renderConfigJsonSchema());
  });

  it('identifies itself', () => {
    expect(committed).toMatchObject({
      $schema: 'https://json-schema.org/draft/2020-12/schema',
      $id: CONFIG_SCHEMA_ID,
      title: 'iam-gate configuration',
    });
    expect(committed.description).toEqual(expect.any(String));
  });

  it('accepts a full example config and an empty one', () => {
    const validate = validator();
    expect(validate(parse(FULL)), JSON.stringify(validate.errors)).toBe(true);
    expect(validate({})).toBe(true);
  });

  it.each([
    ['an unknown key', { failon: 'error' }, '', 'additionalProperties'],
    ['a bad severity', { rules: { 'wildcard-resource': 'critical' } }, '/rules/wildcard-resource', 'enum'],
    ['an 11-digit account', { accounts: { own: ['11111111111'] } }, '/accounts/own/0', 'pattern'],
    ['a missing reason', { exceptions: [{ rule: '*' }] }, '/exceptions/0', 'required'],
    [
      'a bad date',
      { exceptions: [{ rule: '*', reason: 'r', expires: '2027-02-30' }] },
      '/exceptions/0/expires',
      'format',
    ],
    ['a bad failOn', { failOn: 'off' }, '/failOn', 'enum'],
  ])('rejects %s', (_name, config, instancePath, keyword) => {
    const validate = validator();
    expect(validate(config)).toBe(false);
    expect(validate.errors).toEqual(
      expect.arrayContaining([expect.objectContaining({ instancePath, keyword })]),
    );
  });
});
