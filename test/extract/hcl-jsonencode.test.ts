import { describe, expect, it } from 'vitest';
import {
  parseHclExpression,
  parseJsonencode,
  soleInterpolation,
  unescapeTemplate,
} from '../../src/extract/hcl-jsonencode.js';

describe('parseJsonencode: the HCL CDKTF writes for Fn.jsonencode', () => {
  it('reads quoted keys with "=", strings, lists and nested objects', () => {
    const expression =
      'jsonencode({"Version" = "2012-10-17", "Statement" = [{"Action" = ["s3:GetObject"], "Effect" = "Allow", "Resource" = "${aws_s3_bucket.data.arn}/*"}]})';
    expect(parseJsonencode(expression)).toEqual({
      ok: true,
      value: {
        Version: '2012-10-17',
        Statement: [{ Action: ['s3:GetObject'], Effect: 'Allow', Resource: '${aws_s3_bucket.data.arn}/*' }],
      },
    });
  });

  it('keeps bare references and function calls symbolic', () => {
    const expression =
      'jsonencode({"Resource" = aws_sns_topic.events.arn, "Condition" = {"ArnLike" = {"aws:SourceArn" = aws_s3_bucket.b[0].arn}}, "Sid" = lower(var.name)})';
    expect(parseJsonencode(expression)).toEqual({
      ok: true,
      value: {
        Resource: '${aws_sns_topic.events.arn}',
        Condition: { ArnLike: { 'aws:SourceArn': '${aws_s3_bucket.b[0].arn}' } },
        Sid: '${lower(var.name)}',
      },
    });
  });

  it('reads identifier keys, ":" separators, newlines instead of commas, comments, numbers and booleans', () => {
    const expression = `jsonencode({
      Version: "2012-10-17" # the current grammar
      Statement = [
        { Effect = "Allow", Action = "s3:GetObject", Resource = "*", Condition = { NumericLessThan = { "s3:max-keys" = 10 }, Bool = { "aws:SecureTransport" = true } } },
      ]
    })`;
    expect(parseJsonencode(expression)).toEqual({
      ok: true,
      value: {
        Version: '2012-10-17',
        Statement: [
          {
            Effect: 'Allow',
            Action: 's3:GetObject',
            Resource: '*',
            Condition: { NumericLessThan: { 's3:max-keys': 10 }, Bool: { 'aws:SecureTransport': true } },
          },
        ],
      },
    });
  });

  it('turns the template escape $${aws:username} into the policy variable ${aws:username}', () => {
    expect(parseJsonencode('jsonencode({"Resource" = "arn:aws:s3:::b/$${aws:username}/*"})')).toEqual({
      ok: true,
      value: { Resource: 'arn:aws:s3:::b/${aws:username}/*' },
    });
  });

  it('decodes string escapes', () => {
    expect(parseHclExpression('"a\\"b\\\\c\\u00e9"')).toEqual({ ok: true, value: 'a"b\\cé' });
  });

  it('keeps interpolations containing quotes and braces whole', () => {
    expect(parseHclExpression('"${lookup(var.m, "k", {})}/x"')).toEqual({
      ok: true,
      value: '${lookup(var.m, "k", {})}/x',
    });
  });

  it('is not jsonencode: undefined', () => {
    expect(parseJsonencode('data.aws_iam_policy_document.x.json')).toBeUndefined();
  });

  it.each([
    ['a conditional', 'jsonencode({"Effect" = var.allow ? "Allow" : "Deny"})', 'operators and conditionals'],
    ['a for expression', 'jsonencode({"Action" = [for a in var.actions : a]})', 'for expressions'],
    ['a template directive', 'jsonencode({"Sid" = "%{if var.x}a%{endif}"})', 'template directives'],
    ['an unterminated string', 'jsonencode({"Sid" = "abc})', 'unterminated'],
    ['a missing parenthesis', 'jsonencode({"Sid" = "a"}', 'expected ")"'],
  ])('reports %s instead of guessing', (_name, expression, message) => {
    const result = parseJsonencode(expression);
    expect(result?.ok).toBe(false);
    if (result && !result.ok) expect(result.message).toContain(message);
  });
});

describe('Terraform template helpers', () => {
  it.each([
    ['${data.aws_iam_policy_document.x.json}', 'data.aws_iam_policy_document.x.json'],
    ['${jsonencode({"a" = "${b}"})}', 'jsonencode({"a" = "${b}"})'],
    ['${aws_s3_bucket.b.arn}/*', undefined],
    ['arn:aws:s3:::b', undefined],
    ['${a}${b}', undefined],
  ])('soleInterpolation(%s)', (text, expected) => {
    expect(soleInterpolation(text)).toBe(expected);
  });

  it('unescapeTemplate turns $${ and %%{ into literal text', () => {
    expect(unescapeTemplate('$${aws:username} %%{x} ${keep}')).toBe('${aws:username} %{x} ${keep}');
  });
});
