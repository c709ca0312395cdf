// A package the batch goes through that the project does not list (the official client an AI SDK call's
// batch is sent with, the AI SDK provider that takes a gateway id's place): the fix adds it to the nearest
// package.json, beside the package the call already imports, as `npm install <pkg>` would write it, and
// says so. The lockfile and node_modules are the package manager's: the fix is unsafe until it has run.
import { applyEdits as applyJsonEdits, modify, parse as parseJsonc, type ParseError } from 'jsonc-parser';
import type { FileEdit } from '../model';
import { nearestPackageJson } from '../project';
import { jsonObject, type RewriteProvider } from './sdkVersion';

/**
 * The range a fix adds for a provider's official client: the release Batchwise's helpers are tested
 * against (this repository's devDependencies; a unit test holds the two together), which the newest
 * helper variant fits.
 */
export const ADDED_SDK_RANGE: Record<RewriteProvider, string> = { openai: '^7.57.0', anthropic: '^1.13.0', google: '^2.30.0', mistral: '^2.7.0' };

/**
 * The major of `@ai-sdk/openai` and `@ai-sdk/anthropic` that speaks the provider interface of each major
 * of `ai` (read in the registry: ai 4, 5, 6 and 7 depend on @ai-sdk/provider 1, 2, 3 and 4, as do the
 * provider packages' majors 1, 2, 3 and 4).
 */
const AI_SDK_PROVIDER_MAJOR: Readonly<Record<number, number>> = { 4: 1, 5: 2, 6: 3, 7: 4 };

/** The range of an AI SDK provider package (`@ai-sdk/openai`) that fits the project's `ai` major, if Batchwise knows one. */
export function aiSdkProviderRange(aiMajor: number): string | undefined {
  const major = AI_SDK_PROVIDER_MAJOR[aiMajor];
  return major === undefined ? undefined : `^${major}.0.0`;
}

export interface PackageAddition {
  pkg: string;
  range: string;
}

const FIELDS = ['dependencies', 'devDependencies', 'optionalDependencies'] as const;

/**
 * The edit that adds `adds` to the package.json nearest `file` (root-relative, '/' separators): in the
 * field that lists `beside` (the package the call imports), else `dependencies`, in name order, in the
 * file's own indentation and line ending. Or why not: no package.json, one that is not JSON, or one that
 * already names a package (with a version Batchwise could not read, which adding would overwrite).
 */
export function addDependencies(file: string, adds: readonly PackageAddition[], beside: string, read: (path: string) => string | undefined): { edit: FileEdit; changes: string } | string {
  const names = adds.map((a) => a.pkg).join(' and ');
  const found = nearestPackageJson(file, read);
  if (!found) return `the batch goes through ${names}, which the project does not list, and no package.json above ${file} could take it: add it (npm install ${adds.map((a) => a.pkg).join(' ')}) to get a fix`;
  const { path, text } = found;
  const errors: ParseError[] = [];
  const json: unknown = parseJsonc(text, errors, { allowTrailingComma: false, disallowComments: true });
  if (errors.length > 0 || json === null || typeof json !== 'object' || Array.isArray(json)) return `the batch goes through ${names}, which the project does not list, and ${path} is not a JSON object Batchwise can add it to: add it (npm install ${adds.map((a) => a.pkg).join(' ')}) to get a fix`;
  const manifest = json as Record<string, unknown>;
  for (const { pkg } of adds) {
    for (const field of [...FIELDS, 'peerDependencies']) {
      const listed = jsonObject(manifest[field])?.[pkg];
      if (listed !== undefined) return `${path} lists ${pkg} as ${JSON.stringify(listed)} in ${field}, a version Batchwise cannot read; install the project's packages (node_modules) or give it a version range to get a fix`;
    }
  }
  const besideIn = FIELDS.find((f) => jsonObject(manifest[f])?.[beside] !== undefined);
  const field = besideIn ?? 'dependencies';
  const indent = /\n([ \t]+)"/.exec(text)?.[1] ?? '  ';
  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  let after = text;
  for (const { pkg, range } of adds) {
    const edits = modify(after, [field, pkg], range, {
      formattingOptions: { insertSpaces: !indent.startsWith('\t'), tabSize: indent.startsWith('\t') ? 1 : indent.length, eol },
      // Where npm puts it: in name order among names in order (after the last of them otherwise).
      getInsertionIndex: (properties) => {
        const at = properties.findIndex((p) => p.localeCompare(pkg, 'en') > 0);
        return at < 0 ? properties.length : at;
      },
    });
    after = applyJsonEdits(after, edits);
  }
  // One edit against the text as read: the span between the common start and the common end.
  let start = 0;
  while (start < text.length && start < after.length && text[start] === after[start]) start++;
  let end = 0;
  while (end < text.length - start && end < after.length - start && text[text.length - 1 - end] === after[after.length - 1 - end]) end++;
  const listed = adds.map((a) => `"${a.pkg}": "${a.range}"`).join(' and ');
  const where = `the ${field} of ${path}`;
  return {
    edit: { path, before: text, edits: [{ range: [start, text.length - end], newText: after.slice(start, after.length - end) }], why: `${listed} added to ${where}` },
    changes: `the project does not list ${names}, which the batch goes through: the fix adds ${listed} to ${where}${besideIn ? `, beside ${beside}` : ''}; install it (npm install, or the project's package manager) before the rewritten code runs, since the lockfile and node_modules are left as they are`,
  };
}

