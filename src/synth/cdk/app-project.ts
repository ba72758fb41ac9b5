/** What both construct-app synthesizers (CDKTF and CDK) read from the project around the app. */
import { readFile, realpath } from 'node:fs/promises';
import path from 'node:path';
import type { SourceLocation } from '../../extract/types.js';
import { parseJsonText } from '../../policy/json-text.js';
import type { Stack } from '../../stacks/types.js';
import { isRecord } from '../../util/is-record.js';
import type { AppLaunch } from './app-command.js';

/**
 * The `context` object of a JSON file (`cdktf.json`, `cdk.json`, `cdk.context.json` is all context),
 * or an empty one when the file is missing or unreadable: the CLIs pass it to the app, and the app
 * can synthesize without it.
 */
export async function readContextFile(file: string, whole = false): Promise<Record<string, unknown>> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch {
    return {};
  }
  const parsed = parseJsonText(text);
  if (!parsed.ok || !isRecord(parsed.value)) return {};
  if (whole) return parsed.value;
  return isRecord(parsed.value.context) ? parsed.value.context : {};
}

/** The repository root as given and as the file system resolves it: node reports real paths in traces. */
export async function repositoryRoots(root: string): Promise<string[]> {
  const absolute = path.resolve(root);
  const real = await realpath(absolute).catch(() => absolute);
  return real === absolute ? [absolute] : [absolute, real];
}

/** Where a policy without a construct trace is said to come from: the app's entry file, else the project file. */
export function entryLocation(stack: Stack, launch: AppLaunch | undefined): SourceLocation {
  const entry = launch?.entry;
  if (entry === undefined || path.isAbsolute(entry)) return { file: stack.projectFile };
  return { file: path.posix.join(stack.dir, entry.split(path.sep).join('/')) };
}

/** `infra/app` + `cdk.out/App.template.json` -> `infra/app/cdk.out/App.template.json`; the folder `.` adds nothing. */
export function underStack(stack: Stack, file: string): string {
  return path.posix.join(stack.dir === '' ? '.' : stack.dir, file);
}
