/**
 * `iam-gate check <file...>`: lint every policy found in the named files (policy documents,
 * CloudFormation templates, Terraform JSON, `pulumi preview --json` output) and exit 1 when a
 * finding blocks. I/O lives here; extraction, lint and rendering are pure.
 */
import { readFileSync } from 'node:fs';
import { applyConfig, isBlocking, ruleSettings } from '../config/apply-config.js';
import { loadConfig } from '../config/load-config.js';
import { kindOfValue } from '../extract/detect-input.js';
import { extractPolicies } from '../extract/extract-file.js';
import { parseInputText } from '../extract/input-document.js';
import type { PolicySource } from '../extract/types.js';
import { renderReport } from '../report/index.js';
import { lintSources, ruleIds, rules } from '../rules/index.js';
import { packageVersion } from '../version.js';
import { type ExpandedIo, EXIT_BLOCKING, EXIT_OK, EXIT_USAGE } from './io.js';
import { expandInputs } from './input-files.js';

export const REPORT_FORMATS = ['text', 'json', 'sarif', 'markdown'] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];

export interface CheckOptions {
  format: ReportFormat;
  config?: string;
  cwd: string;
  /** For tests: the day against which exception expiry is judged. */
  today?: Date;
}

export async function runCheck(
  paths: readonly string[],
  options: CheckOptions,
  io: ExpandedIo,
): Promise<number> {
  const loaded = await loadConfig({ cwd: options.cwd, configPath: options.config, knownRuleIds: ruleIds });
  if (!loaded.ok) {
    io.stderr(`iam-gate: invalid configuration:\n${loaded.errors.map((e) => `  ${e}`).join('\n')}\n`);
    return EXIT_USAGE;
  }
  const config = loaded.config;

  const { files, errors: inputErrors } = await expandInputs(paths);

  const sources: PolicySource[] = [];
  const checked: string[] = [];
  for (const { path: file, fromDirectory } of files) {
    // Synchronous reads: a check reads thousands of small files, where a promise per file costs more than the read.
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (error) {
      inputErrors.push(`cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
      continue;
    }
    const extracted = extractPolicies(text, file);
    if (extracted.ok) {
      sources.push(...extracted.sources);
      checked.push(file);
    } else if (!(fromDirectory && isOtherData(text, file))) {
      inputErrors.push(extracted.error);
    }
  }
  // Every unreadable input is listed, not just the first, and nothing is half-reported.
  if (inputErrors.length > 0) {
    io.stderr(inputErrors.map((e) => `iam-gate: ${e}\n`).join(''));
    return EXIT_USAGE;
  }
  if (checked.length === 0) {
    io.stderr(`iam-gate: no policy files found in ${paths.join(', ')}\n`);
    return EXIT_USAGE;
  }

  const linted = lintSources(sources, { rules, settings: ruleSettings(config) });
  const { findings, notes } = applyConfig(linted, config, options.today ?? new Date());
  const blocking = (finding: (typeof findings)[number]) => isBlocking(finding, config);
  const output = renderReport(
    {
      tool: { name: 'iam-gate', version: packageVersion },
      findings,
      rules: rules.map(({ id, defaultSeverity, description }) => ({ id, defaultSeverity, description })),
      files: checked,
      notes: notes.map((note) => note.message),
      blocking,
    },
    options.format,
    // Relative SARIF URIs: GitHub code scanning rejects an upload whose locations are absolute.
    { color: io.color, srcRoot: options.cwd },
  );
  io.stdout(output.endsWith('\n') ? output : `${output}\n`);
  return findings.some(blocking) ? EXIT_BLOCKING : EXIT_OK;
}

/**
 * A directory holds more than policies (package.json, cdk.json, workflows): a file found there that
 * parses but is none of the input kinds is skipped, while one that does not parse is still an error,
 * since it may be a broken policy that would otherwise pass unchecked.
 */
function isOtherData(text: string, file: string): boolean {
  const parsed = parseInputText(text, file);
  return parsed.ok && kindOfValue(parsed.input.value) === undefined;
}
