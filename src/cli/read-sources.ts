/**
 * Reads the paths a user names (files or directories) and extracts every policy in them: the input
 * step shared by `check` and `diff`. Every unreadable input is collected, not just the first.
 */
import { readFileSync } from 'node:fs';
import { kindOfValue } from '../extract/detect-input.js';
import { extractPolicies } from '../extract/extract-file.js';
import { type InputDocument, parseInputText } from '../extract/input-document.js';
import type { PolicySource } from '../extract/types.js';
import { expandInputs } from './input-files.js';

export interface ReadSources {
  sources: PolicySource[];
  /** The files that held policies. */
  files: string[];
  /** Each of those files as parsed, by the name its sources' locations give. */
  inputs: Map<string, InputDocument>;
  /** One message per input that could not be read or recognised. */
  errors: string[];
}

export async function readSources(paths: readonly string[]): Promise<ReadSources> {
  const { files, errors } = await expandInputs(paths);
  const sources: PolicySource[] = [];
  const read: string[] = [];
  const inputs = new Map<string, InputDocument>();
  for (const { path: file, fromDirectory } of files) {
    // Synchronous reads: a check reads thousands of small files, where a promise per file costs more than the read.
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (error) {
      errors.push(`cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
      continue;
    }
    const extracted = extractPolicies(text, file);
    if (extracted.ok) {
      sources.push(...extracted.sources);
      read.push(file);
      inputs.set(file, extracted.input);
    } else if (!(fromDirectory && isOtherData(text, file))) {
      errors.push(extracted.error);
    }
  }
  if (errors.length === 0 && read.length === 0) errors.push(`no policy files found in ${paths.join(', ')}`);
  return { sources, files: read, inputs, errors };
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
