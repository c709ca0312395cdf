// A tracing context runs the function handed to it at once (OpenTelemetry `context.with`, Traceloop
// `withWorkflow`/`withAssociationProperties`, Sentry `startSpan`, Langfuse `startActiveObservation`): a
// script that wraps its work in one is still a script, as the openllmetry-js samples are. A call Batchwise
// does not know that keeps the function for later stays open.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Analyzer } from '../../../src/core/analyze';
import { DEFAULT_OPTIONS } from '../../../src/core/model';

function classify(text: string) {
  const files: Record<string, string> = { 'samples/summarise.ts': text };
  const [f] = new Analyzer({ files: Object.keys(files), read: (p) => files[p] }, DEFAULT_OPTIONS).run().findings;
  assert.ok(f, 'the call is found');
  return { verdict: f.classification.verdict, rules: f.classification.evidence.map((e) => e.rule), text: f.classification.evidence.map((e) => e.message).join(' | ') };
}

const HEAD = "import OpenAI from 'openai';\nimport * as traceloop from '@traceloop/node-server-sdk';\nimport * as Sentry from '@sentry/node';\nimport { context } from '@opentelemetry/api';\nconst openai = new OpenAI();\n";
const WORK = `async function summarise() {\n  return traceloop.withWorkflow({ name: 'summarise' }, async () => {\n    const r = await openai.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Summarise the release notes' }] });\n    console.log(r.choices[0].message.content);\n  });\n}\n`;

test('work wrapped in a tracing context at the top of a script runs as part of the script', () => {
  const wrappers = [
    'traceloop.withAssociationProperties({ user_id: "batch" }, async () => {\n  await summarise();\n});',
    'Sentry.startSpan({ name: "summarise" }, () => summarise());',
    'context.with(context.active(), () => summarise());',
    'Sentry.withScope(async () => { await summarise(); });',
  ];
  for (const wrapper of wrappers) {
    const found = classify(`${HEAD}${WORK}${wrapper}\n`);
    assert.equal(found.verdict, 'batchable', `${wrapper}\n${found.text}`);
    assert.equal(found.rules[0], 'standalone-script', wrapper);
  }
});

test('a call Batchwise does not know that keeps the function, its result dropped, leaves the call open', () => {
  const found = classify(`${HEAD}${WORK}import { registry } from './registry';\nregistry.register(async () => {\n  await summarise();\n});\n`);
  assert.equal(found.verdict, 'unknown');
  assert.match(found.text, /handed to `registry\.register\(…\)` at samples\/summarise\.ts:\d+, which Batchwise does not know and which may run it later/);
});
