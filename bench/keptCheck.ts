// Checks on a real tree that an editor's session, which keeps memos across its analyses (src/core/depends.ts),
// finds what a fresh session finds. The session edits each named file five times (a comment, an added
// export, a new import specifier, back to the disk's text, a comment), analysing it after each edit;
// then the findings (verdict, evidence, fix) of the checked files must equal a fresh session's on the
// same texts. Exits 1 at the first difference.
//   node out/bench/keptCheck.js <dir> <file>…   (CHECK=a.ts,b.ts: the files compared; default: each edited file)
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { deepStrictEqual } from 'node:assert';
import { WorkspaceSession } from '../src/workspace/session';
import { DEFAULT_OPTIONS, type AnalysisResult } from '../src/core/model';

function shown(result: AnalysisResult): unknown {
  return result.findings.map((f) => ({
    site: `${f.site.file}:${f.site.loc.start.line}:${f.site.range[0]}`,
    verdict: f.classification.verdict,
    evidence: f.classification.evidence,
    fix: f.fix,
    fixRefusal: f.fixRefusal,
  }));
}

function main(): void {
  const dir = resolve(process.argv[2] ?? '.');
  const files = process.argv.slice(3);
  const check = process.env.CHECK ? process.env.CHECK.split(',') : null;
  const session = new WorkspaceSession(dir, DEFAULT_OPTIONS);
  const overlays = new Map<string, string>();
  const fresh = (asked: string[]) => {
    const other = new WorkspaceSession(dir, DEFAULT_OPTIONS);
    for (const [f, t] of overlays) other.setOverlay(f, t);
    return shown(other.analyzeFiles(asked));
  };
  const compare = (asked: string[], what: string) => {
    const kept = shown(session.analyzeFiles(asked));
    deepStrictEqual(kept, fresh(asked), `${what}: the session that kept its memos differs from a fresh one`);
    console.log(`${what}: ${(kept as unknown[]).length} findings identical`);
  };
  for (const file of files) {
    const text = readFileSync(join(dir, file), 'utf8');
    const edits = [`${text}\n// edit 0\n`, `${text}\nexport function bwEditAdded() { return 1; }\n`, `import 'node:path';\n${text}`, text, `${text}\n// edit 4\n`];
    for (const edited of edits) {
      overlays.set(file, edited);
      session.setOverlay(file, edited);
      session.analyzeFiles([file]);
    }
    compare(check ?? [file], `after 5 edits of ${file}`);
  }
  compare(check ?? files, 'every file');
}

main();
