// A loop over what an imported function returns: the fix follows the import to the function and takes
// its word (a declared `T[]` / `Promise<T[]>`) or its returns (each one a known array) that the items
// are all there up front; anything else (a generator, an untyped value, an async result not awaited)
// stays refused, as a parameter of unknown origin is.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Analyzer } from '../../../src/core/analyze';
import { DEFAULT_OPTIONS } from '../../../src/core/model';
import { pipelineStagesFor } from '../../../src/workspace/stages';

const SCRIPT = (importLine: string, items: string) => `#!/usr/bin/env node
import OpenAI from 'openai';
${importLine}
const client = new OpenAI();
async function main() {
  const notes = ${items};
  for (const note of notes) {
    const r = await client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: note.body }] });
    console.log(r.choices[0].message.content);
  }
}
main();
`;

function fixOf(files: Record<string, string>) {
  const read = (p: string) => files[p];
  const result = new Analyzer({ files: Object.keys(files), read }, DEFAULT_OPTIONS, pipelineStagesFor(read)).run();
  const finding = result.findings.find((f) => f.site.file === 'scripts/run.ts');
  assert.ok(finding, 'the call is found');
  assert.equal(finding.classification.verdict, 'batchable');
  return { fix: finding.fix, refusal: finding.fixRefusal };
}

const UNKNOWN = /which Batchwise cannot show is an array/;

test('an awaited imported function declared to return Promise<T[]> gives a fix', () => {
  const got = fixOf({
    'scripts/run.ts': SCRIPT("import { notesSince } from '../src/db';", 'await notesSince(new Date())'),
    'src/db.ts': 'export interface Note { body: string }\nexport async function notesSince(_d: Date): Promise<Note[]> { return query(); }\ndeclare function query(): any;\n',
  });
  assert.equal(got.refusal, null);
  assert.equal(got.fix?.strategy, 'loop-hoist');
});

test('the same function without a declared type: its returns decide', () => {
  const files = (body: string) => ({
    'scripts/run.ts': SCRIPT("import { notesSince } from '../src/db';", 'await notesSince()'),
    'src/db.js': `export async function notesSince() {\n${body}\n}\n`,
  });
  // Every return is an array literal or the split of a string: up front.
  const arrays = fixOf(files("  if (Math.random() > 2) return [];\n  return 'a,b'.split(',').map((body) => ({ body }));"));
  assert.equal(arrays.fix?.strategy, 'loop-hoist', arrays.refusal ?? '');
  // One return hands back what another call returned: unknown.
  const opaque = fixOf(files('  if (Math.random() > 2) return [];\n  return db.rows();'));
  assert.match(opaque.refusal ?? '', UNKNOWN);
  // A path that falls off the end returns nothing the function says anything about.
  const bare = fixOf(files('  if (Math.random() > 2) return;\n  return [];'));
  assert.match(bare.refusal ?? '', UNKNOWN);
});

test('a generator, a type that is not a collection, or an async result not awaited stays refused', () => {
  const gen = fixOf({
    'scripts/run.ts': SCRIPT("import { notes } from '../src/db';", 'notes()'),
    'src/db.ts': 'export function* notes(): Generator<{ body: string }> { yield { body: "a" }; }\n',
  });
  assert.match(gen.refusal ?? '', UNKNOWN);
  const iterable = fixOf({
    'scripts/run.ts': SCRIPT("import { notes } from '../src/db';", 'await notes()'),
    'src/db.ts': 'export async function notes(): Promise<Iterable<{ body: string }>> { return []; }\n',
  });
  assert.match(iterable.refusal ?? '', UNKNOWN);
  const notAwaited = fixOf({
    'scripts/run.ts': SCRIPT("import { notes } from '../src/db';", 'notes()'),
    'src/db.ts': 'export async function notes() { return [{ body: "a" }]; }\n',
  });
  assert.match(notAwaited.refusal ?? '', UNKNOWN);
  // A function the module may swap for another: its declaration says nothing about what runs.
  const swapped = fixOf({
    'scripts/run.ts': SCRIPT("import { notes } from '../src/db';", 'notes()'),
    'src/db.ts': 'export let notes = (): { body: string }[] => [];\nexport function swap(f: typeof notes) { notes = f; }\n',
  });
  assert.match(swapped.refusal ?? '', UNKNOWN);
});

test('through a default export, a namespace import and a re-exporting barrel', () => {
  const db = 'export const notes = (): { body: string }[] => [{ body: "a" }];\nexport default function all(): { body: string }[] { return []; }\n';
  const viaDefault = fixOf({ 'scripts/run.ts': SCRIPT("import all from '../src/db';", 'all()'), 'src/db.ts': db });
  assert.equal(viaDefault.fix?.strategy, 'loop-hoist', viaDefault.refusal ?? '');
  const viaNamespace = fixOf({ 'scripts/run.ts': SCRIPT("import * as db from '../src/db';", 'db.notes()'), 'src/db.ts': db });
  assert.equal(viaNamespace.fix?.strategy, 'loop-hoist', viaNamespace.refusal ?? '');
  const viaBarrel = fixOf({
    'scripts/run.ts': SCRIPT("import { list } from '../src';", 'list()'),
    'src/index.ts': "export { notes as list } from './db';\n",
    'src/db.ts': db,
  });
  assert.equal(viaBarrel.fix?.strategy, 'loop-hoist', viaBarrel.refusal ?? '');
  // A module Batchwise cannot see (a package) is as unknown as before.
  const external = fixOf({ 'scripts/run.ts': SCRIPT("import { notes } from 'some-db';", 'notes()') });
  assert.match(external.refusal ?? '', UNKNOWN);
});
