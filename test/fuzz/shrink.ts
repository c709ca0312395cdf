// Makes a failing input smaller while it still fails the same way: other files dropped, repeated runs
// halved (runs of four or more: 10,000 parens become 5,000 on both sides, so nesting stays balanced), then chunks of lines
// and, for small files, of characters removed — each step kept only if the failure remains.
import type { FuzzInput } from './mutate';

export interface ShrinkBudget {
  /** Give up (keeping the smallest failing input so far) after this time. */
  deadline: number;
  maxAttempts: number;
}

type Fails = (candidate: FuzzInput) => Promise<boolean>;

/** The target's content as a string: its text, or its bytes one char per byte. */
function contentOf(input: FuzzInput, path: string): string {
  if (input.files[path] !== undefined) return input.files[path];
  return Buffer.from(input.bytes?.[path] ?? '', 'base64').toString('latin1');
}
function withContent(input: FuzzInput, path: string, content: string): FuzzInput {
  if (input.files[path] !== undefined) return { ...input, files: { ...input.files, [path]: content } };
  return { ...input, bytes: { ...input.bytes, [path]: Buffer.from(content, 'latin1').toString('base64') } };
}
function pathsOf(input: FuzzInput): string[] {
  return [...Object.keys(input.files), ...Object.keys(input.bytes ?? {})];
}
function withoutPaths(input: FuzzInput, drop: Set<string>): FuzzInput {
  const files = Object.fromEntries(Object.entries(input.files).filter(([p]) => !drop.has(p)));
  const bytes = Object.fromEntries(Object.entries(input.bytes ?? {}).filter(([p]) => !drop.has(p)));
  return { ...input, files, ...(Object.keys(bytes).length ? { bytes } : { bytes: undefined }) };
}

/** The size of an input, for reports: characters over all files. */
export function sizeOf(input: FuzzInput): number {
  return pathsOf(input).reduce((n, p) => n + contentOf(input, p).length, 0);
}

export async function shrink(input: FuzzInput, fails: Fails, budget: ShrinkBudget): Promise<{ input: FuzzInput; attempts: number }> {
  let best = input;
  let attempts = 0;
  const spent = () => attempts >= budget.maxAttempts || Date.now() > budget.deadline;
  const attempt = async (candidate: FuzzInput): Promise<boolean> => {
    if (spent()) return false;
    attempts++;
    if (await fails(candidate)) {
      best = candidate;
      return true;
    }
    return false;
  };

  // Other files, all at once, then in halves down to one at a time.
  const others = pathsOf(best).filter((p) => p !== best.target);
  if (others.length && !(await attempt(withoutPaths(best, new Set(others))))) {
    let list = others;
    for (let chunk = Math.ceil(list.length / 2); chunk >= 1 && !spent(); chunk = Math.floor(chunk / 2)) {
      for (let i = 0; i < list.length && !spent(); ) {
        const drop = new Set(list.slice(i, i + chunk));
        if (await attempt(withoutPaths(best, drop))) list = list.filter((p) => !drop.has(p));
        else i += chunk;
      }
    }
  }

  for (const path of [best.target, ...pathsOf(best).filter((p) => p !== best.target)]) {
    if (spent()) break;
    // Repeated runs: all halved together, as long as that keeps failing.
    for (;;) {
      const content = contentOf(best, path);
      const halved = content.replace(/(.{1,40}?)\1{3,}/gs, (run, unit: string) => unit.repeat(Math.floor(run.length / unit.length / 2)));
      if (halved === content || !(await attempt(withContent(best, path, halved)))) break;
    }
    await removeChunks(path, (c) => c.split(/(?<=\r\n|\n|\r(?!\n))/), attempt, () => best, spent);
    if (contentOf(best, path).length <= 20_000) await removeChunks(path, (c) => [...c], attempt, () => best, spent);
  }
  return { input: best, attempts };
}

async function removeChunks(path: string, split: (content: string) => string[], attempt: (c: FuzzInput) => Promise<boolean>, best: () => FuzzInput, spent: () => boolean): Promise<void> {
  let pieces = split(contentOf(best(), path));
  for (let chunk = Math.ceil(pieces.length / 2); chunk >= 1 && !spent(); chunk = Math.floor(chunk / 2)) {
    for (let i = 0; i < pieces.length && !spent(); ) {
      const candidate = [...pieces.slice(0, i), ...pieces.slice(i + chunk)];
      if (await attempt(withContent(best(), path, candidate.join('')))) pieces = candidate;
      else i += chunk;
    }
  }
}
