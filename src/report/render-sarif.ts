/**
 * SARIF 2.1.0 in the subset GitHub code scanning ingests. Two things decide whether alerts behave:
 * every result needs a physical location with a relative URI (GitHub rejects the whole upload
 * otherwise), and `partialFingerprints` must stay the same while the finding does, so that an
 * alert survives unrelated edits that move lines around.
 */
import { createHash } from 'node:crypto';
import { posix } from 'node:path';
import type { Finding, Severity } from '../rules/types.js';
import { escapeMarkdown } from './render-markdown.js';
import {
  REPOSITORY_URL,
  type ReportEntry,
  findingLocation,
  policyLabel,
  ruleDocsUrl,
  summarize,
} from './summarize.js';
import type { CheckReport, RuleDescriptor } from './types.js';

export const SARIF_SCHEMA = 'https://json.schemastore.org/sarif-2.1.0.json';
/** v2: numbers in the message no longer count (see fingerprint). */
export const FINGERPRINT_KEY = 'iamGate/v2';
const SRCROOT = '%SRCROOT%';

/** GitHub maps these to its critical/high/medium/low alert severities (>= 9, >= 7, >= 4, > 0). */
const SECURITY_SEVERITY: Record<Severity, string> = { error: '8.0', warning: '5.0', note: '2.0' };

export interface SarifRenderOptions {
  /**
   * Absolute directory that relative input paths are relative to (the CLI's working directory,
   * the repository root in CI). Recorded as `%SRCROOT%` and used to make absolute paths relative.
   */
  srcRoot?: string;
}

interface SarifMessage {
  text: string;
}

interface SarifArtifactLocation {
  uri?: string;
  uriBaseId?: string;
  description?: SarifMessage;
}

export interface SarifRule {
  id: string;
  name: string;
  shortDescription: SarifMessage;
  fullDescription: SarifMessage;
  helpUri: string;
  help: { text: string; markdown: string };
  defaultConfiguration: { level: Severity };
  properties: { tags: string[]; 'security-severity': string; precision: 'high' };
}

export interface SarifResult {
  ruleId: string;
  ruleIndex: number;
  level: Severity;
  message: SarifMessage;
  locations: {
    physicalLocation?: {
      artifactLocation: SarifArtifactLocation;
      region: { startLine: number; startColumn?: number };
    };
    logicalLocations: { fullyQualifiedName: string; kind: 'resource' }[];
  }[];
  partialFingerprints: Record<string, string>;
  suppressions?: { kind: 'external'; justification: string; properties?: { expires: string } }[];
}

export interface SarifLog {
  $schema: string;
  version: '2.1.0';
  runs: [
    {
      tool: {
        driver: {
          name: string;
          version: string;
          semanticVersion: string;
          informationUri: string;
          rules: SarifRule[];
        };
      };
      invocations?: {
        executionSuccessful: boolean;
        toolConfigurationNotifications: { level: 'warning'; message: SarifMessage }[];
      }[];
      originalUriBaseIds: Record<string, SarifArtifactLocation>;
      results: SarifResult[];
      columnKind: 'utf16CodeUnits';
    },
  ];
}

export function toSarifLog(report: CheckReport, options: SarifRenderOptions = {}): SarifLog {
  const { entries } = summarize(report);
  const rules = ruleDescriptors(report.rules, entries);
  const ruleIndex = new Map(rules.map((rule, index) => [rule.id, index]));
  // One input file means every finding came from it, even one whose extractor lost the location.
  const onlyFile = report.files.length === 1 ? report.files[0] : undefined;

  const results = entries.map(({ finding }): SarifResult => {
    const location = findingLocation(finding);
    const file = location?.file ?? onlyFile;
    const line = location?.line;
    const column = location?.column;
    const label = policyLabel(finding.source);
    return {
      ruleId: finding.ruleId,
      ruleIndex: ruleIndex.get(finding.ruleId) ?? -1,
      level: finding.severity,
      message: {
        text: finding.detail === undefined ? finding.message : `${finding.message}; ${finding.detail}`,
      },
      locations: [
        {
          ...(file === undefined
            ? {}
            : {
                physicalLocation: {
                  artifactLocation: artifactLocation(file, options.srcRoot),
                  region: {
                    startLine: line !== undefined && line >= 1 ? line : 1,
                    ...(column !== undefined && column >= 1 ? { startColumn: column } : {}),
                  },
                },
              }),
          logicalLocations: [
            {
              fullyQualifiedName: finding.path === '' ? label : `${label}#${finding.path}`,
              kind: 'resource',
            },
          ],
        },
      ],
      partialFingerprints: { [FINGERPRINT_KEY]: fingerprint(finding) },
      ...(finding.suppressed === undefined
        ? {}
        : {
            suppressions: [
              {
                kind: 'external' as const,
                justification: finding.suppressed.reason,
                ...(finding.suppressed.expires === undefined
                  ? {}
                  : { properties: { expires: finding.suppressed.expires } }),
              },
            ],
          }),
    };
  });

  return {
    $schema: SARIF_SCHEMA,
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: report.tool.name,
            version: report.tool.version,
            semanticVersion: report.tool.version,
            informationUri: REPOSITORY_URL,
            rules: rules.map(sarifRule),
          },
        },
        ...(report.notes.length === 0
          ? {}
          : {
              invocations: [
                {
                  executionSuccessful: true,
                  toolConfigurationNotifications: report.notes.map((text) => ({
                    level: 'warning' as const,
                    message: { text },
                  })),
                },
              ],
            }),
        originalUriBaseIds: {
          [SRCROOT]:
            options.srcRoot === undefined
              ? { description: { text: 'The directory the checked file paths are relative to.' } }
              : { uri: directoryUri(options.srcRoot) },
        },
        results,
        columnKind: 'utf16CodeUnits',
      },
    ],
  };
}

export function renderSarif(report: CheckReport, options: SarifRenderOptions = {}): string {
  return `${JSON.stringify(toSarifLog(report, options), null, 2)}\n`;
}

/**
 * Stable while the finding is: no line numbers (an edit above the policy must not reopen the
 * alert) and no file (GitHub already scopes fingerprints by file). The property tells apart two
 * inline policies of one resource that trip the same rule at the same path; the message tells
 * apart findings of one rule at one path (two escalation methods of one statement), with its
 * numbers left out: "covers 63 actions today" becomes 64 when AWS adds one, and a catalog update
 * must not close every alert and open it again.
 */
export function fingerprint(finding: Finding): string {
  const { address, property } = finding.source;
  const message = finding.message.replace(/\d+(?:[.,]\d+)*/g, '#');
  const identity = JSON.stringify([finding.ruleId, address, property ?? '', finding.path, message]);
  return createHash('sha256').update(identity).digest('hex');
}

/** Every rule that ran, in the order given, then any rule a finding names that was not listed. */
function ruleDescriptors(
  rules: readonly RuleDescriptor[],
  entries: readonly ReportEntry[],
): RuleDescriptor[] {
  const byId = new Map<string, RuleDescriptor>();
  for (const rule of rules) if (!byId.has(rule.id)) byId.set(rule.id, rule);
  for (const { finding } of entries) {
    if (!byId.has(finding.ruleId)) {
      byId.set(finding.ruleId, {
        id: finding.ruleId,
        defaultSeverity: finding.severity,
        description: finding.ruleId,
      });
    }
  }
  return [...byId.values()];
}

function sarifRule(rule: RuleDescriptor): SarifRule {
  const helpUri = ruleDocsUrl(rule.id);
  return {
    id: rule.id,
    name: pascalCase(rule.id),
    shortDescription: { text: rule.description },
    fullDescription: { text: rule.description },
    helpUri,
    help: {
      text: `${rule.description}\n\nDocumentation: ${helpUri}`,
      markdown: `${escapeMarkdown(rule.description)}\n\n[Documentation for ${escapeMarkdown(rule.id)}](${helpUri})`,
    },
    defaultConfiguration: { level: rule.defaultSeverity },
    properties: {
      tags: ['security', 'iam'],
      'security-severity': SECURITY_SEVERITY[rule.defaultSeverity],
      precision: 'high',
    },
  };
}

/** `wildcard-action` → `WildcardAction`: SARIF's `name` is an identifier-like label. */
export function pascalCase(id: string): string {
  return id
    .split(/[^A-Za-z0-9]+/)
    .filter((word) => word !== '')
    .map((word) => `${word.charAt(0).toUpperCase()}${word.slice(1)}`)
    .join('');
}

/**
 * A relative URI with forward slashes against `%SRCROOT%`, which is what GitHub resolves against
 * the repository root. Absolute paths become relative to `srcRoot` when inside it; otherwise they
 * stay absolute `file:` URIs, the only honest choice.
 */
export function artifactLocation(file: string, srcRoot?: string): SarifArtifactLocation {
  const slashed = file.replace(/\\/g, '/');
  if (isAbsolute(slashed)) {
    const root = srcRoot?.replace(/\\/g, '/');
    const relative = root === undefined ? undefined : posix.relative(root, slashed);
    if (relative === undefined || relative === '' || relative.startsWith('../') || isAbsolute(relative)) {
      return { uri: fileUri(slashed) };
    }
    return { uri: encodePath(relative), uriBaseId: SRCROOT };
  }
  const normalized = posix.normalize(slashed).replace(/^(\.\/)+/, '');
  return { uri: encodePath(normalized), uriBaseId: SRCROOT };
}

function isAbsolute(path: string): boolean {
  return path.startsWith('/') || /^[A-Za-z]:\//.test(path);
}

function fileUri(absolute: string): string {
  return `file://${absolute.startsWith('/') ? '' : '/'}${encodePath(absolute)}`;
}

/** SARIF requires the URI of a base id to end with a slash. */
function directoryUri(directory: string): string {
  const uri = fileUri(directory.replace(/\\/g, '/'));
  return uri.endsWith('/') ? uri : `${uri}/`;
}

/** Percent-encodes each segment (spaces, `#`, `?`, `%`), keeping `/` and a Windows drive letter. */
function encodePath(path: string): string {
  return path
    .split('/')
    .map((segment, index) =>
      index === 0 && /^[A-Za-z]:$/.test(segment) ? segment : encodeURIComponent(segment),
    )
    .join('/');
}
