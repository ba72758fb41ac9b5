/**
 * `iam-gate check <file...>`: lint every policy found in the named files (policy documents,
 * CloudFormation templates, Terraform JSON, `pulumi preview --json` output) and exit 1 when a
 * finding blocks. I/O lives here; extraction, lint and rendering are pure.
 */
import { join, relative } from 'node:path';
import { applyConfig, enabledRules, isBlocking, ruleSettings } from '../config/apply-config.js';
import { loadConfig } from '../config/load-config.js';
import { renderReport } from '../report/index.js';
import { lintSources, ruleIds, rules } from '../rules/index.js';
import { packageVersion } from '../version.js';
import { elementLine } from '../extract/element-lines.js';
import type { PolicySource } from '../extract/types.js';
import type { Finding } from '../rules/types.js';
import type { LoadConfigResult } from '../config/load-config.js';
import { EXPECTATION_FAILED } from '../expect/expectation-failed.js';
import { type ExpandedIo, EXIT_BLOCKING, EXIT_OK, EXIT_USAGE } from './io.js';
import { readSources } from './read-sources.js';

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
  const loaded = await loadConfig({
    cwd: options.cwd,
    configPath: options.config,
    knownRuleIds: [...ruleIds, EXPECTATION_FAILED.id],
  });
  if (!loaded.ok) {
    io.stderr(`iam-gate: invalid configuration:\n${loaded.errors.map((e) => `  ${e}`).join('\n')}\n`);
    return EXIT_USAGE;
  }
  const config = loaded.config;

  let inputs = paths;
  if (inputs.length === 0) {
    const listed = await configuredPolicyFiles(
      config.policies,
      options.cwd,
      loaded.path === undefined ? undefined : relative(options.cwd, loaded.path),
    );
    if (!listed.ok) {
      io.stderr(`iam-gate: ${listed.error}\n`);
      return EXIT_USAGE;
    }
    inputs = listed.files;
  }
  const { sources, files: checked, inputs: parsedInputs, errors } = await readSources(inputs);
  // Every unreadable input is listed, not just the first, and nothing is half-reported.
  if (errors.length > 0) {
    io.stderr(errors.map((e) => `iam-gate: ${e}\n`).join(''));
    return EXIT_USAGE;
  }

  const linted = lintSources(sources, { rules: enabledRules(rules, config), settings: ruleSettings(config) });
  linted.push(...(await expectationFindings(sources, loaded, options.cwd)));
  const { findings, notes } = applyConfig(linted, config, options.today ?? new Date());
  // JSON output names the element by its path alone; the formats a person or code scanning reads
  // point at its line, which costs a second (location-keeping) parse of each file with findings.
  if (options.format !== 'json') {
    for (const finding of findings) {
      const input = parsedInputs.get(finding.source.location?.file ?? '');
      const line = input && elementLine(input, finding.source, finding.path);
      if (line !== undefined && line !== finding.source.location?.line) finding.line = line;
    }
  }
  const blocking = (finding: (typeof findings)[number]) => isBlocking(finding, config);
  const output = renderReport(
    {
      tool: { name: 'iam-gate', version: packageVersion },
      findings,
      rules: [...rules, EXPECTATION_FAILED].map(({ id, defaultSeverity, description }) => ({
        id,
        defaultSeverity,
        description,
      })),
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

/** The config's `expect:` entries, evaluated with the simulator (loaded only when there are some). */
async function expectationFindings(
  sources: readonly PolicySource[],
  loaded: LoadConfigResult & { ok: true },
  cwd: string,
): Promise<Finding[]> {
  if (loaded.config.expect.length === 0) return [];
  const { evaluateExpectations } = await import('../expect/evaluate-expectations.js');
  const configFile = loaded.path === undefined ? '.github/iam-gate.yml' : relative(cwd, loaded.path);
  const results = evaluateExpectations(loaded.config.expect, sources, {
    configFile,
    ...(loaded.expectLines === undefined ? {} : { lines: loaded.expectLines }),
  });
  return results.flatMap((result) => (result.finding === undefined ? [] : [result.finding]));
}

/**
 * `iam-gate check` with no files: the ones the config lists under `policies:` (globs relative to the
 * folder the command runs in, the repository root), as `review` reads them at both revisions.
 */
async function configuredPolicyFiles(
  policies: readonly { path: string }[],
  cwd: string,
  configFile: string | undefined,
): Promise<{ ok: true; files: string[] } | { ok: false; error: string }> {
  if (policies.length === 0) {
    return {
      ok: false,
      error: `nothing to check: name files or directories, or list them under policies: in ${configFile ?? '.github/iam-gate.yml'}`,
    };
  }
  const { directoryTree } = await import('../stacks/repo-tree.js');
  const { compilePathGlobs, PathGlobError } = await import('../stacks/path-glob.js');
  const globs = policies.map((entry) => entry.path);
  let matches: (path: string) => boolean;
  try {
    matches = compilePathGlobs(globs);
  } catch (error) {
    if (error instanceof PathGlobError) return { ok: false, error: `policies: ${error.message}` };
    throw error;
  }
  const files = (await directoryTree(cwd)).files.filter(matches);
  if (files.length === 0) return { ok: false, error: `no file matches policies: ${globs.join(', ')}` };
  return { ok: true, files: files.map((file) => relative(process.cwd(), join(cwd, file)) || file) };
}
