// An editor's session keeps the call graph's memos across its analyses, each entry with the files and
// lists it read, and an edit forgets only what read the edited file (src/core/depends.ts). This test
// runs a session through a seeded sequence of edits on a small workspace whose call has callers in
// other files (a caller added and removed, an import changed, a function renamed, a route turned into
// a script) and checks after every edit that the session's findings are a fresh session's.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { WorkspaceSession } from '../../../src/workspace/session';
import { DEFAULT_OPTIONS, type AnalysisResult } from '../../../src/core/model';

const LLM = (name: string) => `import OpenAI from 'openai';
const client = new OpenAI();
export async function ${name}(text: string) {
  return client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: text }] });
}
`;

const ROUTE = (from: string, name: string) => `import { ${name} } from '${from}';
export async function POST(req: Request) {
  const body = await req.json();
  return Response.json(await ${name}(body.text));
}
`;

const SCRIPT = (from: string, name: string) => `#!/usr/bin/env node
import { ${name} } from '${from}';
async function main() {
  for (const t of ['a', 'b', 'c']) await ${name}(t);
}
main();
`;

const HELPER = (name: string) => `import { ${name} } from './llm';
export async function digest(items: string[]) {
  const out = [];
  for (const item of items) out.push(await ${name}(item));
  return out;
}
`;

/** Each file's versions; an edit picks a file and one of its versions. */
const FUNCTION_VERSIONS: Record<string, string[]> = {
  'src/llm.ts': [LLM('summarize'), LLM('summarise'), `${LLM('summarize')}export const unrelated = 1;\n`],
  'src/index.ts': [`export { summarize } from './llm';\n`, `export { summarise as summarize } from './llm';\n`, `export const nothing = 0;\n`],
  'src/digest.ts': [HELPER('summarize'), HELPER('summarise'), `export async function digest(items: string[]) { return items; }\n`],
  'app/api/chat/route.ts': [
    `export async function POST() { return Response.json({}); }\n`,
    ROUTE('../../../src/llm', 'summarize'),
    ROUTE('../../../src/index', 'summarize'),
    ROUTE('@/llm', 'summarise'),
    SCRIPT('../../../src/llm', 'summarize'),
  ],
  'app/api/digest/route.ts': [
    `export async function GET() { return Response.json([]); }\n`,
    `import { digest } from '../../../src/digest';\nexport async function POST(req: Request) { return Response.json(await digest((await req.json()).items)); }\n`,
  ],
  'scripts/nightly.ts': [`#!/usr/bin/env node\nconsole.log('idle');\n`, SCRIPT('../src/llm', 'summarize'), SCRIPT('../src/index', 'summarize'), `#!/usr/bin/env node\nimport { digest } from '../src/digest';\ndigest(['x', 'y']);\n`],
};

const SETUP: Record<string, string> = {
  'package.json': JSON.stringify({ name: 'w', dependencies: { openai: '4.0.0', next: '14.0.0' } }),
  'tsconfig.json': JSON.stringify({ compilerOptions: { baseUrl: '.', paths: { '@/*': ['src/*'] } } }),
};

/** A small deterministic generator (mulberry32), so a failure can be run again. */
function random(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** What an editor shows of a finding: its verdict, evidence and fix. */
function shown(result: AnalysisResult): unknown {
  return result.findings.map((f) => ({
    site: `${f.site.file}:${f.site.loc.start.line}`,
    verdict: f.classification.verdict,
    evidence: f.classification.evidence,
    fix: f.fix,
    fixRefusal: f.fixRefusal,
  }));
}

function workspace(versions: Record<string, string[]>): string {
  const root = mkdtempSync(join(tmpdir(), 'bw-kept-'));
  const write = (rel: string, text: string) => {
    mkdirSync(dirname(join(root, rel)), { recursive: true });
    writeFileSync(join(root, rel), text);
  };
  for (const [rel, text] of Object.entries(SETUP)) write(rel, text);
  for (const [rel, texts] of Object.entries(versions)) write(rel, texts[0]);
  return root;
}

// A class whose method makes the call: its callers are found through the modules that spell the method's
// name, and a processor class through the modules that make it into a registry (memos kept by name).
const CLASS = (method: string) => `import OpenAI from 'openai';
const client = new OpenAI();
export class Summarizer {
  async ${method}(text: string) {
    return client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: text }] });
  }
}
`;
const CLASS_VERSIONS: Record<string, string[]> = {
  'src/summarizer.ts': [CLASS('run'), CLASS('summarize'), `${CLASS('run')}export const unrelated = 1;\n`],
  'src/registry.ts': [
    `export const nothing = 0;\n`,
    `import { Summarizer } from './summarizer';\nexport const processors: Record<string, Summarizer> = { digest: new Summarizer() };\n`,
  ],
  'src/enqueue.ts': [
    `export const none = 0;\n`,
    `import { Queue } from 'bullmq';\nconst queue = new Queue('jobs');\nexport async function POST(req: Request) { await queue.add('digest', await req.json()); return Response.json({ ok: true }); }\n`,
  ],
  'src/worker.ts': [
    `export const idle = 0;\n`,
    `import { Worker } from 'bullmq';\nimport { processors } from './registry';\nnew Worker('jobs', async (job) => processors[job.name].run(job.data.text));\n`,
  ],
  'app/api/chat/route.ts': [
    `export async function POST() { return Response.json({}); }\n`,
    `import { Summarizer } from '../../../src/summarizer';\nconst s = new Summarizer();\nexport async function POST(req: Request) { return Response.json(await s.run((await req.json()).text)); }\n`,
    `import { Summarizer } from '../../../src/summarizer';\nconst s = new Summarizer();\nexport async function POST(req: Request) { return Response.json(await s.summarize((await req.json()).text)); }\n`,
  ],
  'scripts/nightly.ts': [
    `#!/usr/bin/env node\nconsole.log('idle');\n`,
    `#!/usr/bin/env node\nimport { Summarizer } from '../src/summarizer';\nconst s = new Summarizer();\nfor (const t of ['a', 'b']) await s.run(t);\n`,
    `#!/usr/bin/env node\nimport { Summarizer } from '../src/summarizer';\nconst s = new Summarizer();\nfor (const t of ['a', 'b']) await s.summarize(t);\n`,
  ],
};

for (const [label, VERSIONS, seeds] of [
  ['functions', FUNCTION_VERSIONS, [1, 2, 3]],
  ['a class method', CLASS_VERSIONS, [4, 5]],
] as const) for (const seed of seeds) {
  test(`${label}, seed ${seed}: after every edit, a session that keeps its memos finds what a fresh session finds`, () => {
    const root = workspace(VERSIONS);
    const next = random(seed);
    const current: Record<string, string> = Object.fromEntries(Object.entries(VERSIONS).map(([rel, v]) => [rel, v[0]]));
    const files = Object.keys(VERSIONS);
    const session = new WorkspaceSession(root, DEFAULT_OPTIONS);
    session.analyzeFiles(files);
    let differed = 0;
    for (let step = 0; step < 40; step++) {
      const rel = files[Math.floor(next() * files.length)];
      const versions = VERSIONS[rel];
      current[rel] = versions[Math.floor(next() * versions.length)];
      session.setOverlay(rel, current[rel]);
      const fresh = new WorkspaceSession(root, DEFAULT_OPTIONS);
      for (const [f, text] of Object.entries(current)) fresh.setOverlay(f, text);
      // The edited file first, as an editor asks; then every file, as a workspace scan does.
      const kept = [shown(session.analyzeFiles([rel])), shown(session.analyzeFiles(files))];
      const made = [shown(fresh.analyzeFiles([rel])), shown(fresh.analyzeFiles(files))];
      assert.deepEqual(kept, made, `seed ${seed}, step ${step}: ${rel} edited`);
      if (JSON.stringify(made[1]) !== JSON.stringify(shown(new WorkspaceSession(root, DEFAULT_OPTIONS).analyzeFiles(files)))) differed++;
    }
    // The edits must change findings, or the comparison proves nothing.
    assert.ok(differed > 5, `only ${differed} steps changed the findings`);
  });
}
