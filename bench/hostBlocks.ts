// Reads a CPU profile of the extension host taken over the integration suite
// (BATCHWISE_HOST_PROFILE=<file> node out/test/integration/runVSCode.js) and prints its longest blocks:
// runs of consecutive samples that are not idle, each with how long it held the host and the frames
// that took its time (self, and the outermost frame of each sample below the event loop's own). Tells
// whether a block over the goal (50 ms) is Batchwise's code, the suite's, or another extension's.
//   node out/bench/hostBlocks.js <profile.cpuprofile> [--top N] [--match batchwise]   (--match: the blocks with the most time in scripts whose path holds that text)
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';

interface Frame {
  functionName: string;
  url: string;
  lineNumber: number;
}
interface Profile {
  nodes: { id: number; callFrame: Frame; children?: number[] }[];
  samples: number[];
  timeDeltas: number[];
}

export interface Block {
  ms: number;
  /** Of `ms`, the samples whose stack holds a script whose path contains the `--match` text. */
  matched: number;
  /** Milliseconds by frame, for the frames that took the most of it. */
  self: [string, number][];
  /** Milliseconds by the script each sample's stack entered first (whose code started the work). */
  entered: [string, number][];
}

const IDLE = new Set(['(idle)', '(program)', '(garbage collector)']);

/** A script by its last three path segments: enough to name the extension (`batchwise/dist/extension.js`) or VS Code's own file. */
function scriptName(url: string): string {
  return url.replace(/^file:\/\//, '').split('/').slice(-3).join('/');
}

function frameName(f: Frame): string {
  return `${f.functionName || '(anonymous)'} ${scriptName(f.url) || '(native)'}:${f.lineNumber + 1}`;
}

/** The longest runs of non-idle samples, longest first. */
export function longestBlocks(profile: Profile, top: number, match?: string): Block[] {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const runs: { from: number; to: number; ms: number }[] = [];
  let start = -1;
  let ms = 0;
  profile.samples.forEach((id, i) => {
    const busy = !IDLE.has(byId.get(id)!.callFrame.functionName);
    // A sample's delta is the time since the one before it: the time up to a busy sample was busy.
    if (busy) {
      if (start < 0) (start = i), (ms = 0);
      ms += profile.timeDeltas[i] / 1000;
    } else if (start >= 0) {
      runs.push({ from: start, to: i, ms });
      start = -1;
    }
  });
  if (start >= 0) runs.push({ from: start, to: profile.samples.length, ms });
  const blocks = runs.map((r) => {
    const self = new Map<string, number>();
    const entered = new Map<string, number>();
    let matched = 0;
    for (let i = r.from; i < r.to; i++) {
      const node = byId.get(profile.samples[i])!;
      const dt = profile.timeDeltas[i] / 1000;
      if (match) {
        for (let id: number | undefined = node.id; id !== undefined; id = parent.get(id)) {
          if (byId.get(id)!.callFrame.url.includes(match)) {
            matched += dt;
            break;
          }
        }
      }
      self.set(frameName(node.callFrame), (self.get(frameName(node.callFrame)) ?? 0) + dt);
      // The outermost frame with a script of its own: where this work came in.
      let outer = '(native)';
      for (let id: number | undefined = node.id; id !== undefined; id = parent.get(id)) {
        const f = byId.get(id)!.callFrame;
        if (f.url) outer = `${f.functionName || '(anonymous)'} ${scriptName(f.url)}`;
      }
      entered.set(outer, (entered.get(outer) ?? 0) + dt);
    }
    const topOf = (m: Map<string, number>) => [...m].sort((a, b) => b[1] - a[1]).slice(0, 6);
    return { ms: r.ms, matched, self: topOf(self), entered: topOf(entered) };
  });
  // With a match: the blocks with the most of the matched code's time first.
  blocks.sort((a, b) => (match ? b.matched - a.matched : 0) || b.ms - a.ms);
  return blocks.slice(0, top);
}

function main(): void {
  const { values, positionals } = parseArgs({ allowPositionals: true, options: { top: { type: 'string', default: '5' }, match: { type: 'string' } } });
  if (!positionals[0]) throw new Error('usage: node out/bench/hostBlocks.js <profile.cpuprofile> [--top N] [--match path-text]');
  const profile = JSON.parse(readFileSync(positionals[0], 'utf8')) as Profile;
  for (const [i, b] of longestBlocks(profile, Number(values.top), values.match).entries()) {
    console.log(`block ${i + 1}: ${b.ms.toFixed(1)} ms${values.match ? `, ${b.matched.toFixed(1)} ms of it under a script matching "${values.match}"` : ''}`);
    console.log('  came in through:');
    for (const [k, v] of b.entered) console.log(`    ${v.toFixed(1).padStart(7)} ms  ${k}`);
    console.log('  self:');
    for (const [k, v] of b.self) console.log(`    ${v.toFixed(1).padStart(7)} ms  ${k}`);
  }
}

if (require.main === module) main();
