// A loop over what an imported function returns: the fix follows the import to the function and takes
// its word (a declared `T[]` / `Promise<T[]>`) or its returns (each one a known array) that the items
// are all there up front (a safe fix); a generator stays refused; anything else (an untyped value, an
// async result not awaited) gets the unsafe fix that reads the items into an array first.
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

/** Items of unknown origin: the fix is offered, unsafe, saying that a generator would run to its end first. */
function assertUnsafe(got: ReturnType<typeof fixOf>) {
  assert.equal(got.refusal, null);
  assert.equal(got.fix?.strategy, 'loop-hoist');
  assert.equal(got.fix?.safe, false);
  assert.match(got.fix?.changes ?? '', /which Batchwise cannot show is an array; the fix reads all its items into an array first \(\[\.\.\.notes\]\).*runs to its end before the loop body runs/);
}

function fixOf(files: Record<string, string>) {
  const read = (p: string) => files[p];
  const result = new Analyzer({ files: Object.keys(files), read }, DEFAULT_OPTIONS, pipelineStagesFor(read)).run();
  const finding = result.findings.find((f) => f.site.file === 'scripts/run.ts');
  assert.ok(finding, 'the call is found');
  assert.equal(finding.classification.verdict, 'batchable');
  return { fix: finding.fix, refusal: finding.fixRefusal };
}

const LAZY = /the items come from `load\(\)`, which may hand them out one at a time/

test('an awaited imported function declared to return Promise<T[]> gives a fix', () => {
  const got = fixOf({
    'scripts/run.ts': SCRIPT("import { notesSince } from '../src/db';", 'await notesSince(new Date())'),
    'src/db.ts': 'export interface Note { body: string }\nexport async function notesSince(_d: Date): Promise<Note[]> { return query(); }\ndeclare function query(): any;\n',
  });
  assert.equal(got.refusal, null);
  assert.equal(got.fix?.strategy, 'loop-hoist');
  assert.equal(got.fix?.safe, true);
});

test('the same function without a declared type: its returns decide', () => {
  const files = (body: string) => ({
    'scripts/run.ts': SCRIPT("import { notesSince } from '../src/db';", 'await notesSince()'),
    'src/db.js': `export async function notesSince() {\n${body}\n}\n`,
  });
  // Every return is an array literal or the split of a string: up front.
  const arrays = fixOf(files("  if (Math.random() > 2) return [];\n  return 'a,b'.split(',').map((body) => ({ body }));"));
  assert.equal(arrays.fix?.strategy, 'loop-hoist', arrays.refusal ?? '');
  assert.equal(arrays.fix?.safe, true);
  // One return hands back what another call returned: unknown, so the fix is unsafe.
  assertUnsafe(fixOf(files('  if (Math.random() > 2) return [];\n  return db.rows();')));
  // A path that falls off the end returns nothing the function says anything about.
  assertUnsafe(fixOf(files('  if (Math.random() > 2) return;\n  return [];')));
});

test('an imported generator stays refused; a type that is not a collection, an async result not awaited, a swappable function get an unsafe fix', () => {
  const gen = fixOf({
    'scripts/run.ts': SCRIPT("import { notes as load } from '../src/db';", 'load()'),
    'src/db.ts': 'export function* notes(): Generator<{ body: string }> { yield { body: "a" }; }\n',
  });
  assert.match(gen.refusal ?? '', LAZY);
  assert.equal(gen.fix, null);
  const iterable = fixOf({
    'scripts/run.ts': SCRIPT("import { notes as load } from '../src/db';", 'await load()'),
    'src/db.ts': 'export async function notes(): Promise<Iterable<{ body: string }>> { return []; }\n',
  });
  assertUnsafe(iterable);
  const notAwaited = fixOf({
    'scripts/run.ts': SCRIPT("import { notes as load } from '../src/db';", 'load()'),
    'src/db.ts': 'export async function notes() { return [{ body: "a" }]; }\n',
  });
  assertUnsafe(notAwaited);
  // A function the module may swap for another: its declaration says nothing about what runs.
  const swapped = fixOf({
    'scripts/run.ts': SCRIPT("import { notes as load } from '../src/db';", 'load()'),
    'src/db.ts': 'export let notes = (): { body: string }[] => [];\nexport function swap(f: typeof notes) { notes = f; }\n',
  });
  assertUnsafe(swapped);
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
  // A module Batchwise cannot see (a package) is as unknown as before: an unsafe fix.
  assertUnsafe(fixOf({ 'scripts/run.ts': SCRIPT("import { notes as load } from 'some-db';", 'load()') }));
});
