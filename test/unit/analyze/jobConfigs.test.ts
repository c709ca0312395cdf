// The job systems' configuration readers: what a wrangler config binds and what a Supabase migration schedules.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readQueueBindings, readWorkflowBindings } from '../../../src/core/classify/rules/cloudflareJobs';
import { identifierPattern } from '../../../src/core/classify/rules/read';
import { readPgCronJobs } from '../../../src/core/classify/rules/supabase';

test('wrangler.toml: workflow bindings by class, each block read on its own', () => {
  const toml = [
    'name = "app"',
    '[[workflows]]',
    'name = "a"',
    'binding = "SUMMARIZE"',
    'class_name = "SummarizeWorkflow"',
    '',
    '[[workflows]]',
    'binding = "ANSWER"',
    'class_name = "AnswerWorkflow"',
    '',
    '[vars]',
    'binding = "NOT_A_WORKFLOW"',
  ].join('\n');
  const bindings = readWorkflowBindings(toml, undefined);
  assert.deepEqual(bindings.get('SummarizeWorkflow'), ['SUMMARIZE']);
  assert.deepEqual(bindings.get('AnswerWorkflow'), ['ANSWER']);
  assert.equal(bindings.size, 2);
});

test('wrangler.json: workflow bindings, and nothing from a config without them or with wrong types', () => {
  assert.deepEqual(readWorkflowBindings(undefined, { workflows: [{ binding: 'FLOW', class_name: 'Flow' }] }).get('Flow'), ['FLOW']);
  assert.equal(readWorkflowBindings(undefined, { workflows: [{ binding: 1, class_name: 'Flow' }] }).size, 0);
  assert.equal(readWorkflowBindings(undefined, { name: 'x' }).size, 0);
  assert.equal(readWorkflowBindings(undefined, null).size, 0);
});

test('wrangler queues: only producer bindings of a queue the same Worker consumes', () => {
  const toml = [
    '[[queues.producers]]',
    'binding = "EMAILS"',
    'queue = "email-triage"',
    '[[queues.producers]]',
    'binding = "AUDIT"',
    'queue = "audit-log"',
    '[[queues.consumers]]',
    'queue = "email-triage"',
    'max_batch_size = 10',
  ].join('\n');
  assert.deepEqual(readQueueBindings(toml, undefined), ['EMAILS']);
  assert.deepEqual(readQueueBindings(undefined, { queues: { producers: [{ binding: 'JOBS', queue: 'jobs' }], consumers: [{ queue: 'jobs' }] } }), ['JOBS']);
  assert.deepEqual(readQueueBindings(undefined, { queues: { producers: [{ binding: 'JOBS', queue: 'jobs' }] } }), [], 'a queue consumed elsewhere');
});

test('pg_cron migrations: the Edge Functions each job posts to, with its schedule and line', () => {
  const sql = [
    "select cron.schedule('nightly', '0 3 * * *', $$",
    "  select net.http_post(url := 'https://x.supabase.co/functions/v1/nightly-summary', body := '{}'::jsonb);",
    '$$);',
    '',
    "select cron.schedule('cleanup', '*/10 * * * *', $$ delete from logs where at < now() - interval '7 days' $$);",
    "SELECT cron.schedule('tags', '30 * * * *', $$ select net.http_post(url := current_setting('app.url') || '/functions/v1/tag-notes') $$);",
  ].join('\n');
  const texts = new Map([['supabase/migrations/001_cron.sql', sql], ['db/other.sql', sql]]);
  const jobs = readPgCronJobs([...texts.keys()], (f) => texts.get(f));
  assert.deepEqual(jobs.get('nightly-summary'), [{ file: 'supabase/migrations/001_cron.sql', line: 1, spec: '0 3 * * *' }]);
  assert.deepEqual(jobs.get('tag-notes'), [{ file: 'supabase/migrations/001_cron.sql', line: 6, spec: '30 * * * *' }]);
  assert.equal(jobs.size, 2, 'a job that posts nowhere names no function; files outside supabase/migrations are not read');
});

test('a name found as a whole identifier, $ included', () => {
  assert.ok(identifierPattern('$summarize').test('const { $summarize } = proxyActivities()'));
  assert.ok(!identifierPattern('send').test('await resend(x); sendMail();'));
  assert.ok(identifierPattern('instance', '\\.status\\s*\\(').test('await instance.status()'));
  assert.ok(!identifierPattern('instance', '\\.status\\s*\\(').test('await otherinstance.status()'));
});
