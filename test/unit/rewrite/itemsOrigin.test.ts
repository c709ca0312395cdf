// Where a loop's items come from decides the fix: known arrays (declared types, JSDoc in JavaScript,
// the callers in the file) get a safe fix; a known generator is refused; anything else gets the unsafe
// fix that reads the items into an array first and says so.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Analyzer } from '../../../src/core/analyze';
import { DEFAULT_OPTIONS } from '../../../src/core/model';
import { fixableStrategy } from '../../../src/core/rewrite';

const LOOP = `  for (const note of notes) {
    const r = await client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: note }] });
    console.log(r.choices[0].message.content);
  }`;

/** The fix the analysis would offer for the file's one call, whatever its verdict (the fix check does not depend on it). */
function fixOf(file: string, text: string) {
  const read = (p: string) => (p === file ? text : undefined);
  const analyzer = new Analyzer({ files: [file], read }, DEFAULT_OPTIONS);
  const finding = analyzer.run().findings.find((f) => f.site.file === file);
  assert.ok(finding, 'the call is found');
  const got = fixableStrategy({ file, text, site: finding.site, modules: analyzer.modules });
  return 'refused' in got ? { fix: null, refusal: got.refused } : { fix: got, refusal: null };
}

const js = (doc: string, params = 'notes') => `const OpenAI = require('openai');
const client = new OpenAI();
${doc}
async function summarize(${params}) {
${LOOP}
}
module.exports = { summarize };
`;

test('a JSDoc array type on a JavaScript parameter makes the fix safe; a type that is not an array does not', () => {
  for (const type of ['string[]', 'Array<string>', 'Array.<string>', 'ReadonlyArray<string>', 'Set<string>', '(string)[]']) {
    const got = fixOf('scripts/sum.js', js(`/**\n * Sums up notes.\n * @param {${type}} notes the notes\n */`));
    assert.deepEqual(got.fix, { strategy: 'loop-hoist', safe: true }, type);
  }
  // An optional parameter is still the parameter.
  assert.equal(fixOf('scripts/sum.js', js('/** @param {string[]} [notes] */')).fix?.safe, true);
  for (const doc of ['/** @param {Iterable<string>} notes */', '/** @param {*} notes */', '/** @param {?} notes */', '/** @param {string[]} others */', '// @param {string[]} notes', '/** @param {string[]} notes */\nconst unrelated = 1;']) {
    const got = fixOf('scripts/sum.js', js(doc));
    assert.equal(got.fix?.safe, false, doc);
    assert.match(got.fix?.changes ?? '', /runs to its end before the loop body runs/, doc);
  }
});

test('a JSDoc @type on a JavaScript variable counts; JSDoc in a TypeScript file does not (tsc ignores it there)', () => {
  const withType = (file: string) => `import OpenAI from 'openai';
const client = new OpenAI();
/** @type {string[]} */
const notes = globalThis.loadNotes();
export async function summarize() {
${LOOP}
}
`;
  assert.equal(fixOf('scripts/sum.mjs', withType('scripts/sum.mjs')).fix?.safe, true);
  assert.equal(fixOf('scripts/sum.ts', withType('scripts/sum.ts')).fix?.safe, false);
});

test('callers in the file: every one passing an array makes the fix safe; one passing a generator refuses it', () => {
  const text = (call: string) => `import OpenAI from 'openai';
const client = new OpenAI();
function* lines() { yield 'a'; yield 'b'; }
async function summarize(notes: Iterable<string>) {
${LOOP}
}
${call}
`;
  assert.equal(fixOf('scripts/sum.ts', text("summarize(['a']);\nsummarize('a b'.split(' '));")).fix?.safe, true);
  const gen = fixOf('scripts/sum.ts', text("summarize(['a']);\nsummarize(lines());"));
  assert.equal(gen.fix, null);
  assert.match(gen.refusal ?? '', /the items come from `lines\(\)`, which may hand them out one at a time/);
  // A caller Batchwise cannot see (the function is exported): unsafe.
  const exported = fixOf('scripts/sum.ts', text("summarize(['a']);").replace('async function summarize', 'export async function summarize'));
  assert.equal(exported.fix?.safe, false);
});

test('a p-map over a value of unknown origin gets no loop hoist (p-map takes async iterables, which a spread cannot read)', () => {
  const got = fixOf('scripts/sum.mjs', `import OpenAI from 'openai';
import pMap from 'p-map';
const client = new OpenAI();
export async function summarize(notes) {
  const out = await pMap(notes, async (note) => {
    const r = await client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: note }] });
    return r.choices[0].message.content;
  });
  console.log(out);
}
`);
  assert.notEqual(got.fix?.strategy, 'loop-hoist');
});
