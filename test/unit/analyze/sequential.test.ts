// The sequential-dependency analysis on small programs: which requests need an earlier answer (by data
// flow and by the shapes known by name), which loops stay independent, and the rewrites' refusal.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { readFileSync } from 'node:fs';
import { AST_NODE_TYPES as T, parseSource, TSESTree } from '../../../src/core/parse/parse';
import { visit } from '../../../src/core/parse/walk';
import { SyntaxModel } from '../../../src/core/syntax/model';
import { dependenceOf, DependenceKind } from '../../../src/core/classify/dependence';
import { planFix, fixableStrategy } from '../../../src/core/rewrite';
import { gateFix } from '../../../src/core/rewrite/gate';
import { sequentialRefusal } from '../../../src/core/rewrite/sequential';
import { Analyzer } from '../../../src/core/analyze';
import { DEFAULT_OPTIONS } from '../../../src/core/model';
import { analyzeFixture, FIXTURES } from '../helpers';

/** What the analysis says of the call marked `/*target*\/`; every call whose callee is an SDK method or an agent run counts as an LLM call. */
function kindOf(code: string): DependenceKind | null {
  const parsed = parseSource('x.ts', code);
  assert.ok(parsed.ok);
  const model = SyntaxModel.of(parsed);
  const calls: TSESTree.CallExpression[] = [];
  let target: TSESTree.CallExpression | null = null;
  visit(parsed.ast, (n) => {
    if (n.type !== T.CallExpression) return;
    const callee = model.src(n.callee);
    if (/\.create$|\.invoke$|\.generate$|^run$|^generateText$/.test(callee)) calls.push(n);
    if (code.slice(n.range[1], n.range[1] + 12) === '/*target*/' || code.slice(n.range[0] - 10, n.range[0]) === '/*target*/') target = n;
  });
  assert.ok(target, 'no /*target*/ call');
  return dependenceOf(model, target, calls)?.kind ?? null;
}

const CLIENT = "import OpenAI from 'openai';\nconst openai = new OpenAI();\n";

test('an agent loop that pushes each reply into the messages it sends again is a loop dependence', () => {
  const code = `${CLIENT}async function main() {\n  const messages = [{ role: 'user', content: 'go' }];\n  for (let i = 0; i < 3; i++) {\n    const res = await /*target*/openai.chat.completions.create({ model: 'm', messages });\n    messages.push(res.choices[0].message);\n  }\n}\n`;
  assert.equal(kindOf(code), 'loop');
});

test('a running summary (`summary = r.text`) carried to the next item is a loop dependence', () => {
  const code = `${CLIENT}async function main(chapters: string[]) {\n  let summary = '';\n  for (const c of chapters) {\n    const r = await /*target*/openai.chat.completions.create({ model: 'm', messages: [{ role: 'user', content: summary + c }] });\n    summary = r.choices[0].message.content ?? '';\n  }\n}\n`;
  assert.equal(kindOf(code), 'loop');
});

test('history rebuilt by spreading (`history = [...history, reply]`) inside a forEach callback is a loop dependence', () => {
  const code = `${CLIENT}async function main(qs: string[]) {\n  let history: any[] = [];\n  qs.forEach(async (q) => {\n    const r = await /*target*/openai.chat.completions.create({ model: 'm', messages: [...history, { role: 'user', content: q }] });\n    history = [...history, r.choices[0].message];\n  });\n}\n`;
  assert.equal(kindOf(code), 'loop');
});

test('a while loop that goes on while finish_reason is tool_calls is a tool loop, even when no variable carries the answer', () => {
  const code = `${CLIENT}async function main() {\n  let done = false;\n  while (!done) {\n    const r = await /*target*/openai.chat.completions.create({ model: 'm', messages: [{ role: 'user', content: 'x' }] });\n    done = r.choices[0].finish_reason !== 'tool_calls';\n  }\n}\n`;
  assert.equal(kindOf(code), 'tool-loop');
});

test('a straight chain (a plan, then code from the plan): the second waits for the first; the first, the source of a new prompt, stays its own round', () => {
  const first = `${CLIENT}async function main() {\n  const plan = await /*target*/openai.chat.completions.create({ model: 'm', messages: [{ role: 'user', content: 'plan' }] });\n  const code = await openai.chat.completions.create({ model: 'm', messages: [{ role: 'user', content: plan.choices[0].message.content! }] });\n}\n`;
  assert.equal(kindOf(first), null);
  const second = first.replace('/*target*/', '').replace('const code = await openai', 'const code = await /*target*/openai');
  assert.equal(kindOf(second), 'chain');
});

test('a tool-call turn whose message the next request carries on is a producer; continuing by previous_response_id too', () => {
  const turn = `${CLIENT}async function main() {\n  const messages: any[] = [{ role: 'user', content: 'weather?' }];\n  const first = await /*target*/openai.chat.completions.create({ model: 'm', messages });\n  messages.push(first.choices[0].message);\n  const second = await openai.chat.completions.create({ model: 'm', messages });\n}\n`;
  assert.equal(kindOf(turn), 'producer');
  const byId = `${CLIENT}async function main() {\n  const r1 = await /*target*/openai.responses.create({ model: 'm', input: 'a' });\n  const r2 = await openai.responses.create({ model: 'm', input: 'b', previous_response_id: r1.id });\n}\n`;
  assert.equal(kindOf(byId), 'producer');
});

test('a second stage fanned out over the first answer (one request per listed fact) and a map step before a reduce stay batchable', () => {
  const fanOut = `${CLIENT}async function main() {\n  const list = await openai.chat.completions.create({ model: 'm', messages: [{ role: 'user', content: 'list facts' }] });\n  const facts = (list.choices[0].message.content ?? '').split('\\n');\n  for (const fact of facts) {\n    await /*target*/openai.images.create({ prompt: fact });\n  }\n}\n`;
  assert.equal(kindOf(fanOut), null);
  const mapStep = `${CLIENT}async function main(docs: string[]) {\n  const notes: string[] = [];\n  for (const d of docs) {\n    const r = await /*target*/openai.chat.completions.create({ model: 'm', messages: [{ role: 'user', content: d }] });\n    notes.push(r.choices[0].message.content ?? '');\n  }\n  const all = await openai.chat.completions.create({ model: 'm', messages: [{ role: 'user', content: notes.join('\\n') }] });\n}\n`;
  assert.equal(kindOf(mapStep), null);
  assert.equal(kindOf(mapStep.replace('/*target*/', '').replace('const all = await openai', 'const all = await /*target*/openai')), 'chain');
});

test('agent runs with tools are a loop by name; an agent without tools is not', () => {
  assert.equal(kindOf("import { createReactAgent } from '@langchain/langgraph/prebuilt';\nconst agent = createReactAgent({ llm, tools: [search] });\nawait /*target*/agent.invoke({ messages: [] });\n"), 'agent');
  assert.equal(kindOf("import { Agent } from '@mastra/core/agent';\nconst agent = new Agent({ name: 'a', instructions: 'x', model, tools: { weather } });\nawait /*target*/agent.generate('hi');\n"), 'agent');
  assert.equal(kindOf("import { Agent, run } from '@openai/agents';\nconst agent = new Agent({ name: 'a' });\nawait /*target*/run(agent, 'hi');\n"), 'agent');
  assert.equal(kindOf("import { Agent } from '@mastra/core/agent';\nconst agent = new Agent({ name: 'a', instructions: 'x', model, tools: {} });\nawait /*target*/agent.generate('hi');\n"), null);
});

test('sub-agents and handoffs are delegated to as tools are; an empty tools list beside sub-agents still loops', () => {
  assert.equal(kindOf("import { Agent } from '@voltagent/core';\nconst agent = new Agent({ name: 's', instructions: 'route', model, subAgents: [math, history] });\nawait /*target*/agent.generateText('hi');\n"), 'agent');
  assert.equal(kindOf("import { Agent } from '@voltagent/core';\nconst agent = new Agent({ name: 's', instructions: 'route', model, tools: [], subAgents: [math] });\nawait /*target*/agent.generateText('hi');\n"), 'agent');
  assert.equal(kindOf("import { Agent } from '@voltagent/core';\nconst agent = new Agent({ name: 's', instructions: 'x', model, tools: [], subAgents: [] });\nawait /*target*/agent.generateText('hi');\n"), null);
});

test('a run of an agent imported from another module loops when that module gives it tools', () => {
  const verdict = (agentFile: string) => {
    const files: Record<string, string> = {
      'src/agents/agent.ts': agentFile,
      'scripts/ask.ts': "import { agent } from '../src/agents/agent';\nconst r = await agent.generateText('Name three rivers');\nconsole.log(r.text);\n",
    };
    const result = new Analyzer({ files: Object.keys(files), read: (p) => files[p] }, DEFAULT_OPTIONS).run();
    const f = result.findings.find((x) => x.site.file === 'scripts/ask.ts');
    assert.ok(f, 'the agent run is found');
    return { verdict: f.classification.verdict, first: f.classification.evidence[0] };
  };
  const withTools = verdict("import { Agent } from '@voltagent/core';\nexport const agent = new Agent({ name: 'a', instructions: 'x', model: 'openai/gpt-4o-mini', tools: [calculator] });\n");
  assert.equal(withTools.verdict, 'unknown');
  assert.equal(withTools.first.rule, 'sequential-dependency');
  assert.match(withTools.first.message, /agent, made with tools in src\/agents\/agent\.ts:2/);
  const without = verdict("import { Agent } from '@voltagent/core';\nexport const agent = new Agent({ name: 'a', instructions: 'x', model: 'openai/gpt-4o-mini' });\n");
  assert.equal(without.verdict, 'batchable');
});

test('a chat session sent to twice keeps its history: each turn is a dependence; one send is not', () => {
  const two = "import { GoogleGenAI } from '@google/genai';\nconst ai = new GoogleGenAI({});\nconst chat = ai.chats.create({ model: 'gemini-2.5-flash' });\nawait /*target*/chat.sendMessage({ message: 'hi' });\nawait chat.sendMessage({ message: 'and?' });\n";
  assert.equal(kindOf(two), 'chat-session');
  const one = two.replace("await chat.sendMessage({ message: 'and?' });\n", '');
  assert.equal(kindOf(one), null);
});

test('independent loops stay independent: results only collected, a fresh conversation per item, tool calls read once per item', () => {
  const collected = `${CLIENT}async function main(docs: string[]) {\n  const out: string[] = [];\n  for (const d of docs) {\n    const r = await /*target*/openai.chat.completions.create({ model: 'm', messages: [{ role: 'user', content: d }] });\n    out.push(r.choices[0].message.content ?? '');\n  }\n  return out;\n}\n`;
  assert.equal(kindOf(collected), null);
  const fresh = `${CLIENT}async function main(docs: string[]) {\n  for (const d of docs) {\n    const messages: any[] = [{ role: 'user', content: d }];\n    const r = await /*target*/openai.chat.completions.create({ model: 'm', messages });\n    messages.push(r.choices[0].message);\n  }\n}\n`;
  assert.equal(kindOf(fresh), null);
  const perItemTools = `${CLIENT}async function main(docs: string[]) {\n  for (const d of docs) {\n    const r = await /*target*/openai.chat.completions.create({ model: 'm', messages: [{ role: 'user', content: d }] });\n    console.log(r.choices[0].message.tool_calls);\n  }\n}\n`;
  assert.equal(kindOf(perItemTools), null);
});

test('a value overwritten by the answer after the request, in code that does not run again, is no dependence', () => {
  const code = `${CLIENT}async function main() {\n  let prompt = 'start';\n  const r = await /*target*/openai.chat.completions.create({ model: 'm', messages: [{ role: 'user', content: prompt }] });\n  prompt = r.choices[0].message.content ?? '';\n  console.log(prompt);\n}\n`;
  assert.equal(kindOf(code), null);
});

test('a judge over an output it is handed (an eval scorer) is no dependence: the answer comes from outside the file', () => {
  const code = `${CLIENT}export async function score({ output, expected }: { output: string; expected: string }) {\n  const r = await /*target*/openai.chat.completions.create({ model: 'm', messages: [{ role: 'user', content: \`Is \${output} like \${expected}?\` }] });\n  return r.choices[0].message.content === 'yes' ? 1 : 0;\n}\n`;
  assert.equal(kindOf(code), null);
});

test('the rewrites and the gate refuse a sequential call with the rule as reason, also when unknown contexts are allowed', () => {
  const dir = join(FIXTURES, 'analyze', 'seq-agent-loop');
  const [finding] = analyzeFixture(dir, {}).findings;
  assert.equal(finding.classification.verdict, 'unknown');
  assert.equal(finding.classification.evidence[0].rule, 'sequential-dependency');
  const text = readFileSync(join(dir, finding.site.file), 'utf8');
  const plan = planFix({ file: finding.site.file, text, site: finding.site, helperPath: 'batchwise/openaiBatch.ts' });
  assert.ok(!plan.ok);
  assert.match(plan.reason, /^sequential-dependency: each request reads `messages`/);
  const check = fixableStrategy({ file: finding.site.file, text, site: finding.site });
  assert.ok('refused' in check && check.refused.startsWith('sequential-dependency'));
  const gate = gateFix(finding, { front: 'cli', allowUnknown: true });
  assert.ok(!gate.ok);
  assert.equal(gate.allowable, false);
  assert.match(gate.reason, /needs an earlier answer/);
});

test('a sequential call claims no saving in the totals', async () => {
  const { computeTotals } = await import('../../../src/core/report/totals');
  const result = analyzeFixture(join(FIXTURES, 'analyze', 'seq-running-summary'), {});
  assert.equal(result.findings.length, 1);
  assert.equal(computeTotals(result.findings).monthlySavings, 0);
  assert.equal(result.findings[0].fix, null);
});

test('the rewrites list every provider\'s calls as answers that can feed a request: a Gemini draft read by an OpenAI request, or a LangChain one, is refused as sequential', () => {
  const cases = [
    `import OpenAI from 'openai';\nimport { GoogleGenAI } from '@google/genai';\nconst openai = new OpenAI();\nconst ai = new GoogleGenAI({});\nexport async function review(doc: string) {\n  const draft = await ai.models.generateContent({ model: 'gemini-2.5-flash', contents: doc });\n  return openai.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: \`Check: \${draft.text}\` }] });\n}\n`,
    `import OpenAI from 'openai';\nimport { ChatAnthropic } from '@langchain/anthropic';\nconst openai = new OpenAI();\nconst model = new ChatAnthropic({ model: 'claude-haiku-4-5' });\nexport async function review(doc: string) {\n  const draft = await model.invoke(doc);\n  return openai.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: \`Check: \${draft.content}\` }] });\n}\n`,
  ];
  for (const code of cases) {
    const finding = new Analyzer({ files: ['a.ts'], read: (p) => (p === 'a.ts' ? code : undefined) }, DEFAULT_OPTIONS).run().findings.find((f) => f.site.api === 'chat.completions');
    assert.ok(finding, 'the OpenAI call is found');
    const refusal = sequentialRefusal('a.ts', code, finding.site);
    assert.ok(refusal?.startsWith('sequential-dependency: '), `no sequential refusal for:\n${code}`);
  }
});
