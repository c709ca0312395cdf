// Benchmark: how the lazy pipeline scales on a synthetic workspace where ~5 % of files use an LLM SDK.
// Prints figures and ratios measured in one run; it asserts nothing. `npm run bench [files]`.
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { WorkspaceSession } from '../src/workspace/session';
import { DEFAULT_OPTIONS } from '../src/core/model';
import { parseSource } from '../src/core/parse/parse';
import { listSourceFiles, readSourceFile } from '../src/workspace/scan';
import { TokenThread } from '../src/workspace/tokenThread';
import { useTokenCounter } from '../src/core/estimate/tokens';

const total = Number(process.argv[2] ?? 2000);
const root = mkdtempSync(join(tmpdir(), 'bw-bench-'));

function plainModule(i: number): string {
  const lines = [`import { helper${i % 7} } from './util';`, `export interface Row${i} { id: string; value: number }`];
  for (let f = 0; f < 12; f++) {
    lines.push(`export function fn${i}_${f}(rows: Row${i}[]): number {`, '  let sum = 0;', '  for (const r of rows) sum += r.value * 2;', `  return sum + ${f};`, '}');
  }
  return lines.join('\n') + '\n';
}

function llmModule(i: number): string {
  return `import OpenAI from 'openai';\nconst client = new OpenAI();\nexport async function enrich${i}(items: string[]) {\n  for (const item of items) {\n    await client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: \`Tag: \${item}\` }] });\n  }\n}\n${plainModule(i)}`;
}

/** The longest time this thread went without running a 1 ms timer, from now until `stop()`. */
function holdMeter(): { stop(): number } {
  let longest = 0;
  let last = performance.now();
  const timer = setInterval(() => {
    longest = Math.max(longest, performance.now() - last);
    last = performance.now();
  }, 1);
  return {
    stop() {
      clearInterval(timer);
      return Math.max(longest, performance.now() - last);
    },
  };
}

async function main(): Promise<void> {
  mkdirSync(join(root, 'src'), { recursive: true });
  let bytes = 0;
  for (let i = 0; i < total; i++) {
    const text = i % 20 === 0 ? llmModule(i) : plainModule(i);
    bytes += text.length;
    writeFileSync(join(root, 'src', `m${i}.ts`), text);
  }
  writeFileSync(join(root, 'package.json'), JSON.stringify({ name: 'bench', scripts: {} }));

  let t = performance.now();
  const files = listSourceFiles(root);
  const listMs = performance.now() - t;

  t = performance.now();
  let parsedBytes = 0;
  for (const f of files) {
    const r = readSourceFile(join(root, f));
    if (r.ok && parseSource(f, r.text).ok) parsedBytes += r.text.length;
  }
  const parseAllMs = performance.now() - t;

  // The extension's way first, while no encoding is loaded in this thread: counting on a worker.
  // How long is this thread held while the worker loads the encodings, and how long the first
  // analysis takes once it has?
  const thread = TokenThread.start(join(__dirname, '..', 'src', 'workspace', 'tokenWorker.js'));
  let held = holdMeter();
  t = performance.now();
  if (!(await thread.ready)) throw new Error('the token worker did not start');
  const workerLoadMs = performance.now() - t;
  const heldWhileLoadingMs = held.stop();
  useTokenCounter((text, encoding) => thread.count(text, encoding));
  t = performance.now();
  new WorkspaceSession(root, DEFAULT_OPTIONS).analyzeAll();
  const firstOnWorkerMs = performance.now() - t;
  useTokenCounter(null);
  thread.dispose();

  t = performance.now();
  const result = new WorkspaceSession(root, DEFAULT_OPTIONS).analyzeAll();
  const firstMs = performance.now() - t;
  // A fresh session again: same work, but the tokenizer ranks are already loaded in this process.
  t = performance.now();
  new WorkspaceSession(root, DEFAULT_OPTIONS).analyzeAll();
  const analyzeMs = performance.now() - t;
  // The editor's refresh: the same session scans again in slices. Files are read again, parses of
  // unchanged text are kept; the longest slice is how long the extension host is held at a time.
  const session = new WorkspaceSession(root, DEFAULT_OPTIONS);
  session.analyzeAll();
  session.invalidate();
  held = holdMeter();
  t = performance.now();
  await session.analyzeAllAsync();
  const refreshMs = performance.now() - t;
  const longestSliceMs = held.stop();
  const heapMb = process.memoryUsage().heapUsed / 1e6;

  const row = (k: string, v: string) => console.log(`${k.padEnd(50)} ${v}`);
  row('files / source MB', `${files.length} / ${(bytes / 1e6).toFixed(2)}`);
  row('list files (ms)', listMs.toFixed(0));
  row('parse every file, eagerly (ms)', `${parseAllMs.toFixed(0)}  (${(parsedBytes / 1e6 / (parseAllMs / 1000)).toFixed(1)} MB/s)`);
  row('first analysis, incl. tokenizer start-up (ms)', firstMs.toFixed(0));
  row('token worker: loading the encodings (ms)', workerLoadMs.toFixed(0));
  row('  longest hold of this thread meanwhile (ms)', heldWhileLoadingMs.toFixed(0));
  row('  first analysis once it is ready (ms)', `${firstOnWorkerMs.toFixed(0)}  (${(firstMs / firstOnWorkerMs).toFixed(1)}x less than loading here)`);
  row('full analysis, lazy parse (ms)', analyzeMs.toFixed(0));
  row('ratio eager parse / lazy analysis', `${(parseAllMs / analyzeMs).toFixed(1)}x`);
  row('refresh of the same session, sliced (ms)', `${refreshMs.toFixed(0)}  (${(analyzeMs / refreshMs).toFixed(1)}x faster than a fresh session)`);
  row('longest time the thread is held while sliced (ms)', longestSliceMs.toFixed(0));
  row('findings', String(result.findings.length));
  row('heap used after analysis (MB)', heapMb.toFixed(0));
}

main()
  .catch((e) => {
    console.error(e);
    process.exitCode = 1;
  })
  .finally(() => rmSync(root, { recursive: true, force: true }));
