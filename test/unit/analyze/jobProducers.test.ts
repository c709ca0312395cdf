// A Trigger.dev task's producers are looked for only in files whose text could hold one: a call of a
// starting method (`.trigger(`, `.triggerAndPoll<…>(`) and the task's id as a string literal, or its
// exported name as a word. Each written form below must still be found (the route then makes the call
// user-waiting); a file that names the id without starting anything must not count as a producer.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Analyzer } from '../../../src/core/analyze';
import { DEFAULT_OPTIONS } from '../../../src/core/model';

const TASK = `import { task } from '@trigger.dev/sdk/v3';
import Anthropic from '@anthropic-ai/sdk';
const claude = new Anthropic();
export const answer = task({
  id: 'answer-question',
  run: async (payload: { q: string }) => {
    return claude.messages.create({ model: 'claude-sonnet-4-5', max_tokens: 500, messages: [{ role: 'user', content: payload.q }] });
  },
});
`;

function verdictWith(route: string): { verdict: string; rules: string[] } {
  const files: Record<string, string> = { 'src/trigger/answer.ts': TASK, 'app/api/ask/route.ts': route };
  const [finding] = new Analyzer({ files: Object.keys(files), read: (p) => files[p] }, DEFAULT_OPTIONS).run().findings;
  return { verdict: finding.classification.verdict, rules: finding.classification.evidence.map((e) => e.rule) };
}

const route = (start: string, imports = "import { tasks } from '@trigger.dev/sdk/v3';") =>
  `${imports}\nexport async function POST(req: Request) {\n  const { q } = await req.json();\n  const run = await ${start};\n  return Response.json(run.output);\n}\n`;

test('a producer is found however it writes the start: a type argument, optional chaining, a template literal id, the task imported by name', () => {
  for (const start of [
    "tasks.triggerAndPoll('answer-question', { q })",
    "tasks.triggerAndPoll<typeof answer>('answer-question', { q })",
    'tasks?.triggerAndPoll("answer-question", { q })',
    'tasks.triggerAndPoll(`answer-question`, { q })',
  ]) {
    const imports = start.includes('typeof answer') ? "import { tasks } from '@trigger.dev/sdk/v3';\nimport type { answer } from '../../../src/trigger/answer';" : undefined;
    assert.deepEqual(verdictWith(route(start, imports)), { verdict: 'user-waiting', rules: ['nextjs-route-handler'] }, start);
  }
  const byName = route('answer.triggerAndPoll({ q })', "import { answer } from '../../../src/trigger/answer';");
  assert.deepEqual(verdictWith(byName), { verdict: 'user-waiting', rules: ['nextjs-route-handler'] });
});

test('a file that names the task id but starts nothing is not a producer', () => {
  const mentions = `// The 'answer-question' task answers in the background; this route only reads its last run.\nexport async function GET() {\n  return Response.json({ task: 'answer-question' });\n}\n`;
  const { verdict, rules } = verdictWith(mentions);
  assert.notEqual(verdict, 'user-waiting');
  assert.ok(rules.includes('queue-worker'), rules.join(', '));
});
