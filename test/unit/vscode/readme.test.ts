// The README as a new user reads it: the two set-up commands first, then where to go next (the editor,
// the CLI, the settings, the rule pages), and every setting the extension contributes documented.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from '../helpers';

const README = readFileSync(join(REPO_ROOT, 'README.md'), 'utf8');
const PACKAGE = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as {
  contributes: { configuration: { properties: Record<string, { default?: unknown }> } };
};

/** The text of the section under `heading` (up to the next heading of the same or a higher level). */
function section(heading: string): string {
  const lines = README.split('\n');
  const start = lines.findIndex((l) => l === heading);
  assert.ok(start >= 0, `no heading ${heading}`);
  const level = /^#+/.exec(heading)![0].length;
  const end = lines.findIndex((l, i) => i > start && /^#+ /.test(l) && /^#+/.exec(l)![0].length <= level);
  return lines.slice(start + 1, end < 0 ? undefined : end).join('\n');
}

/** GitHub's anchor for a heading: lower case, punctuation dropped, spaces to hyphens. */
const anchor = (heading: string) => `#${heading.replace(/^#+ /, '').toLowerCase().replace(/[^\w\- ]/g, '').replace(/ /g, '-')}`;

test('the README starts with the two set-up commands, then the editor (F5, .vsix), the CLI, the settings and the rule pages', () => {
  const lines = README.split('\n');
  assert.equal(lines[0], '# Batchwise');
  assert.equal(lines[1], '');
  assert.equal(lines[2], '```sh');
  assert.match(lines[3], /^npm ci && npm run audit\s+#/);
  assert.match(lines[4], /^npm ci && npm test\s+#/);
  assert.equal(lines[5], '```');
  // The first paragraph after the commands: a list that points on, in this order.
  const next = lines.slice(6).join('\n').trim().split('\n\n')[0];
  const order = [/\*\*F5\*\*/, /\.vsix/, /node dist\/cli\.js audit/, /\[Settings\]\(#settings\)/, /\[`docs\/rules\/`\]\(docs\/rules\/README\.md\)/];
  let at = -1;
  for (const pattern of order) {
    const found = next.slice(at + 1).search(pattern);
    assert.ok(found >= 0, `${pattern} missing after ${next.slice(0, at + 1)}`);
    at += 1 + found;
  }
  assert.ok(existsSync(join(REPO_ROOT, 'docs', 'rules', 'README.md')));
  // Its section links lead to headings that exist.
  const headings = new Set(lines.filter((l) => /^#+ /.test(l)).map(anchor));
  for (const [, target] of next.matchAll(/\]\((#[^)]+)\)/g)) assert.ok(headings.has(target), `no heading for ${target}`);
});

test('every setting in package.json contributes.configuration is in the README settings table, with its default', () => {
  const table = section('### Settings');
  const rows = new Map(
    [...table.matchAll(/^\| `(batchwise\.[\w.]+)` \| ([^|]+) \|/gm)].map((m) => [m[1], m[2].trim()] as const),
  );
  const settings = Object.entries(PACKAGE.contributes.configuration.properties);
  assert.ok(settings.length >= 10);
  for (const [key, schema] of settings) {
    assert.ok(rows.has(key), `${key} is not in the README's settings table`);
    assert.equal(rows.get(key), `\`${JSON.stringify(schema.default).replace(/^"(.*)"$/, '$1')}\``, `${key}'s default`);
  }
  assert.deepEqual([...rows.keys()].filter((k) => !(k in PACKAGE.contributes.configuration.properties)), [], 'rows for settings that do not exist');
});

test('the README documents npm run test:electron and its offline behaviour', () => {
  const dev = section('## Development');
  assert.match(dev, /`npm run test:electron`/);
  assert.match(dev, /@vscode\/test-electron/);
  assert.match(dev, /exit code 2/);
  assert.equal((JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts['test:electron'].includes('runElectron.js'), true);
});
