import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { Analyzer } from '../../src/core/analyze';
import { AnalysisResult, CallSite, DEFAULT_OPTIONS, Estimate, ProjectSource } from '../../src/core/model';
import { isSourceFile } from '../../src/core/parse/parse';

/** The repository root, from out/test/unit (compiled) or test/unit (source). */
export const REPO_ROOT = join(__dirname, '..', '..', __dirname.includes(`${sep}out${sep}`) ? '..' : '');

export const FIXTURES = join(REPO_ROOT, 'test', 'fixtures');

/** An in-memory ProjectSource over a fixture folder: the engine under test never touches the disk itself. */
export function fixtureProject(dir: string): ProjectSource {
  const files: string[] = [];
  const configFiles: string[] = [];
  const texts = new Map<string, string>();
  const walk = (d: string) => {
    for (const name of readdirSync(d)) {
      const abs = join(d, name);
      if (statSync(abs).isDirectory()) walk(abs);
      else {
        const rel = relative(dir, abs).split(sep).join('/');
        texts.set(rel, readFileSync(abs, 'utf8'));
        if (isSourceFile(rel)) files.push(rel);
        else if (/^\.github\/workflows\/[^/]+\.ya?ml$|(^|\/)promptfooconfig\.ya?ml$|(^|\/)supabase\/migrations\/[^/]+\.sql$|(^|\/)langgraph\.json$/.test(rel)) configFiles.push(rel);
      }
    }
  };
  walk(dir);
  files.sort();
  return { files, configFiles, read: (p) => texts.get(p) };
}

export interface ExpectedFinding {
  file: string;
  line: number;
  column?: number;
  provider: string;
  api: string;
  model: string | null;
  verdict: string;
  rules?: string[];
}

/** A fixture project's expected.json: the findings (and errors) the engine must report, written by hand. */
export interface Expected {
  findings: ExpectedFinding[];
  /** A known miss: the labels stand (they are the reviewer's, not the engine's), the case runs as a TODO saying why. */
  todo?: string;
  errors?: { file: string; messageIncludes: string }[];
  /** Calls a day every site of the project is estimated at (a stand-in estimate, for the volume rules); no estimate when absent. */
  callsPerDay?: number;
}

/** The analysis of a fixture project, with the stand-in estimate its expected.json asks for. */
export function analyzeFixture(dir: string, expected: Pick<Expected, 'callsPerDay'>): AnalysisResult {
  const perDay = expected.callsPerDay;
  const estimate =
    perDay === undefined
      ? undefined
      : (): Estimate => ({ callsPerDay: perDay, volume: { kind: 'default' }, inputTokens: 100, outputTokens: 100, monthlyStandard: 1, monthlyBatch: 0.5, monthlySavings: 0.5, assumptions: [] });
  return new Analyzer(fixtureProject(dir), DEFAULT_OPTIONS, estimate ? { estimate } : {}).run();
}

/** A call site for estimate and report tests: an OpenAI chat completion with gpt-4o, 'hello world' and max_tokens 100, changed by `over`. */
export function callSite(over: Partial<CallSite> = {}): CallSite {
  return {
    file: 'a.ts', loc: { start: { line: 1, column: 0 }, end: { line: 1, column: 10 } }, range: [0, 10],
    provider: 'openai', api: 'chat.completions', batchEndpoint: '/v1/chat/completions', model: 'gpt-4o', streaming: false,
    callee: 'c.chat.completions.create', enclosingFunction: null,
    request: { literalText: 'hello world', dynamicParts: 0, maxOutputTokens: 100, choices: null }, annotation: null, ...over,
  };
}
