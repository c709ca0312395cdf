// The comment Quick Fixes: each inserts the comment the docs describe, above the call, and the engine
// then reads it as documented (declared verdict, ignored call, ignored file). Where a line comment
// would not be a comment, the fix is refused and the text is left alone.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { WorkspaceSession } from '../../../src/workspace/session';
import { DEFAULT_OPTIONS, Finding } from '../../../src/core/model';
import { AnnotationKind, planAnnotation } from '../../../src/core/rewrite/annotate';
import { applyEdits } from '../../../src/core/rewrite';

const JOB = [
  "import OpenAI from 'openai';",
  'const openai = new OpenAI();',
  'export async function label(text: string) {',
  '  const first = await openai.chat.completions.create({ model: "gpt-4o-mini", messages: [{ role: "user", content: text }] });',
  '  const second = await openai.embeddings.create({ model: "text-embedding-3-small", input: text });',
  '  return [first, second];',
  '}',
  '',
].join('\n');

function workspace(files: Record<string, string>): { root: string; session: WorkspaceSession } {
  const root = mkdtempSync(join(tmpdir(), 'bw-annotate-'));
  for (const [rel, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, rel)), { recursive: true });
    writeFileSync(join(root, rel), text);
  }
  return { root, session: new WorkspaceSession(root, DEFAULT_OPTIONS) };
}

/** Plans the comment for the file's first finding, applies it as an editor overlay, analyses again. */
function annotate(files: Record<string, string>, file: string, kind: AnnotationKind) {
  const { root, session } = workspace(files);
  try {
    const before = session.analyzeAll().findings.filter((f) => f.site.file === file);
    assert.ok(before.length > 0, 'the call is found before');
    const plan = planAnnotation(file, files[file], before[0].site, kind);
    if (!plan.ok) return { plan, text: files[file], before, after: before };
    const text = applyEdits(files[file], [plan.edit]);
    session.setOverlay(file, text);
    const after = session.analyzeAll().findings.filter((f) => f.site.file === file);
    return { plan, text, before, after };
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

const verdicts = (fs: Finding[]) => fs.map((f) => `${f.site.api}:${f.classification.verdict}`);

test('declaring "nobody waits" puts the comment above the call, indented like it, and the verdict follows', () => {
  const { plan, text, before, after } = annotate({ 'src/job.ts': JOB }, 'src/job.ts', 'declare-batch');
  assert.ok(plan.ok);
  assert.deepEqual(verdicts(before), ['chat.completions:unknown', 'embeddings:unknown']);
  assert.equal(text.split('\n')[3], '  // batchwise: batch');
  assert.equal(text.split('\n')[4], JOB.split('\n')[3], 'the call line itself is untouched');
  assert.deepEqual(verdicts(after), ['chat.completions:batchable', 'embeddings:unknown'], 'only that call is declared');
  assert.ok(after[0].classification.evidence.some((e) => e.rule === 'declared-context'));
});

test('declaring "a person waits" overrides a batchable verdict (the way out of a false positive)', () => {
  const script = "#!/usr/bin/env node\nimport OpenAI from 'openai';\nconst openai = new OpenAI();\nfor (const t of ['a', 'b']) {\n  await openai.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: t }] });\n}\n";
  const { plan, before, after } = annotate({ 'bin/run.mjs': script }, 'bin/run.mjs', 'declare-user-waiting');
  assert.ok(plan.ok);
  assert.deepEqual(verdicts(before), ['chat.completions:batchable']);
  assert.deepEqual(verdicts(after), ['chat.completions:user-waiting']);
});

test('ignoring a call silences that call only; ignoring the file silences all of it and keeps the shebang first', () => {
  const line = annotate({ 'src/job.ts': JOB }, 'src/job.ts', 'ignore-line');
  assert.ok(line.plan.ok);
  assert.deepEqual(verdicts(line.after), ['embeddings:unknown']);

  const shebang = '#!/usr/bin/env tsx\n' + JOB;
  const file = annotate({ 'src/job.ts': shebang }, 'src/job.ts', 'ignore-file');
  assert.ok(file.plan.ok);
  assert.deepEqual(file.after, []);
  assert.deepEqual(file.text.split('\n').slice(0, 2), ['#!/usr/bin/env tsx', '// batchwise-ignore-file']);
  assert.equal(file.text.replace('\n// batchwise-ignore-file', ''), shebang, 'nothing else changed');
});

test('CRLF files get a CRLF line', () => {
  const crlf = JOB.replace(/\n/g, '\r\n');
  const { plan, text, after } = annotate({ 'src/job.ts': crlf }, 'src/job.ts', 'ignore-line');
  assert.ok(plan.ok);
  assert.equal(text, crlf.replace('  const first', '  // batchwise-ignore-next-line\r\n  const first'));
  assert.equal(after.length, 1);
});

test('where a line comment would be text, not a comment, the fix is refused and says why', () => {
  const template = [
    "import OpenAI from 'openai';",
    'const openai = new OpenAI();',
    'export async function page(topic: string) {',
    '  return `<h1>${topic}</h1>',
    '${(await openai.chat.completions.create({ model: "gpt-4o-mini", messages: [{ role: "user", content: topic }] })).choices[0].message.content}`;',
    '}',
    '',
  ].join('\n');
  const inTemplate = annotate({ 'src/page.ts': template }, 'src/page.ts', 'ignore-line');
  assert.equal(inTemplate.plan.ok, false);
  assert.match((inTemplate.plan as { reason: string }).reason, /part of a string or JSX text/);

  const jsx = [
    "import OpenAI from 'openai';",
    'const openai = new OpenAI();',
    'export function Summary({ text }: { text: string }) {',
    '  return (',
    '    <p>',
    '      {String(openai.chat.completions.create({ model: "gpt-4o-mini", messages: [{ role: "user", content: text }] }))}',
    '    </p>',
    '  );',
    '}',
    '',
  ].join('\n');
  const inJsx = annotate({ 'src/Summary.tsx': jsx }, 'src/Summary.tsx', 'declare-batch');
  assert.equal(inJsx.plan.ok, false);
});
