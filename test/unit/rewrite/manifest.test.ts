// The package.json edit a fix makes when the batch goes through a package the project does not list:
// where it goes, in which field and order, in the file's own formatting, and when it is refused.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { applyEdits } from '../../../src/core/rewrite';
import { ADDED_SDK_RANGE, addDependencies, aiSdkProviderRange } from '../../../src/core/rewrite/manifest';
import { SDK_PACKAGE } from '../../../src/core/rewrite/sdkVersion';

const ROOT = join(__dirname, '..', '..', '..', '..');
const OPENAI = [{ pkg: 'openai', range: '^7.57.0' }];

function added(files: Record<string, string>, file = 'src/main.ts', adds = OPENAI, beside = 'ai') {
  const got = addDependencies(file, adds, beside, (p) => files[p]);
  if (typeof got === 'string') return { refused: got };
  return { path: got.edit.path, after: applyEdits(got.edit.before, got.edit.edits), edits: got.edit.edits.length, changes: got.changes, why: got.edit.why };
}

test('the nearest package.json takes it, in the field that lists the package the call imports, in name order', () => {
  const files = {
    'package.json': '{ "private": true, "workspaces": ["packages/*"] }\n',
    'packages/app/package.json': '{\n  "name": "app",\n  "devDependencies": {\n    "ai": "^5.0.0",\n    "zod": "^3.25.0"\n  },\n  "dependencies": {\n    "next": "^15.0.0"\n  }\n}\n',
  };
  const got = added(files, 'packages/app/src/jobs/run.ts');
  assert.equal(got.path, 'packages/app/package.json');
  assert.equal(got.after, files['packages/app/package.json'].replace('    "zod"', '    "openai": "^7.57.0",\n    "zod"'));
  assert.equal(got.edits, 1);
  assert.equal(got.why, '"openai": "^7.57.0" added to the devDependencies of packages/app/package.json');
  assert.match(got.changes ?? '', /, beside ai; install it \(npm install, or the project's package manager\) before the rewritten code runs/);
});

test('the file keeps its indentation (tabs, four spaces) and its CRLF line endings; a package.json without dependencies gets the field', () => {
  const tabs = '{\n\t"name": "app",\n\t"dependencies": {\n\t\t"ai": "^4.3.0"\n\t}\n}\n';
  assert.equal(added({ 'package.json': tabs }).after, '{\n\t"name": "app",\n\t"dependencies": {\n\t\t"ai": "^4.3.0",\n\t\t"openai": "^7.57.0"\n\t}\n}\n');
  const crlf = '{\r\n    "name": "app",\r\n    "dependencies": {\r\n        "zod": "^3.0.0"\r\n    }\r\n}\r\n';
  assert.equal(added({ 'package.json': crlf }).after, '{\r\n    "name": "app",\r\n    "dependencies": {\r\n        "openai": "^7.57.0",\r\n        "zod": "^3.0.0"\r\n    }\r\n}\r\n');
  const none = added({ 'package.json': '{\n  "name": "app"\n}\n' });
  assert.deepEqual(JSON.parse(none.after!), { name: 'app', dependencies: { openai: '^7.57.0' } });
  assert.doesNotMatch(none.changes ?? '', /beside/);
});

test('two packages at once are one edit of the file, each in its place', () => {
  const text = '{\n  "dependencies": {\n    "ai": "^6.0.0",\n    "zod": "^3.25.0"\n  }\n}\n';
  const got = added({ 'package.json': text }, 'main.ts', [{ pkg: 'openai', range: '^7.57.0' }, { pkg: '@ai-sdk/openai', range: '^3.0.0' }]);
  assert.equal(got.edits, 1);
  assert.equal(got.after, '{\n  "dependencies": {\n    "@ai-sdk/openai": "^3.0.0",\n    "ai": "^6.0.0",\n    "openai": "^7.57.0",\n    "zod": "^3.25.0"\n  }\n}\n');
  assert.equal(got.why, '"openai": "^7.57.0" and "@ai-sdk/openai": "^3.0.0" added to the dependencies of package.json');
});

test('refused, with the reason: no package.json, one that is not a JSON object, one that names the package with a version Batchwise could not read', () => {
  assert.equal(added({}).refused, 'the batch goes through openai, which the project does not list, and no package.json above src/main.ts could take it: add it (npm install openai) to get a fix');
  assert.match(added({ 'package.json': '{ "dependencies": { "ai": "^5.0.0", } }' }).refused ?? '', /package\.json is not a JSON object Batchwise can add it to/);
  assert.match(added({ 'package.json': '// comment\n{}' }).refused ?? '', /not a JSON object/);
  assert.match(added({ 'package.json': '[]' }).refused ?? '', /not a JSON object/);
  assert.equal(
    added({ 'package.json': '{ "dependencies": { "openai": "catalog:" } }' }).refused,
    'package.json lists openai as "catalog:" in dependencies, a version Batchwise cannot read; install the project\'s packages (node_modules) or give it a version range to get a fix',
  );
});

test("the ranges added are the releases Batchwise's own helpers are tested against (its devDependencies), and each ai major maps to its provider packages' major", () => {
  const ours = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).devDependencies as Record<string, string>;
  for (const [provider, range] of Object.entries(ADDED_SDK_RANGE)) assert.equal(range, `^${ours[SDK_PACKAGE[provider as keyof typeof SDK_PACKAGE]]}`, provider);
  assert.deepEqual([4, 5, 6, 7, 8].map(aiSdkProviderRange), ['^1.0.0', '^2.0.0', '^3.0.0', '^4.0.0', undefined]);
});
