import type { Command } from 'commander';
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { createTwoFilesPatch } from 'diff';
import { WorkspaceSession } from '../workspace/session';
import { applyEdits } from '../core/rewrite';
import { gateFix } from '../core/rewrite/gate';
import { optionsFromFlags } from './options';

/** Exit codes of `batchwise fix`: 0 applied (or shown as a diff), 1 refused (the reason on stderr), 3 no LLM call starts on that line, 2 usage. */
export const FIX_EXIT = { APPLIED: 0, REFUSED: 1, USAGE: 2, NOT_FOUND: 3 } as const;

interface FixFlags {
  line: string;
  strategy?: string;
  write?: boolean;
  root?: string;
  allowUnknown?: boolean;
}

/** The project root: the nearest folder above the file with a package.json, else the file's folder. */
function findRoot(file: string): string {
  let dir = dirname(file);
  for (;;) {
    if (existsSync(join(dir, 'package.json'))) return dir;
    const up = dirname(dir);
    if (up === dir) return dirname(file);
    dir = up;
  }
}

export function registerFix(program: Command): void {
  program
    .command('fix')
    .description('rewrite the LLM call that starts on a line to the batch path (prints a unified diff unless --write)')
    .argument('<file>', 'the file holding the call')
    .requiredOption('-l, --line <n>', '1-based line where the call starts')
    .option('-s, --strategy <id>', 'require this rewrite strategy: loop-hoist or batch-queue')
    .option('--root <dir>', 'project root (default: the nearest folder with a package.json)')
    .option('-w, --write', 'apply the change and create the helper module instead of printing a diff')
    .option('--allow-unknown', 'rewrite a call whose context Batchwise cannot tell (verdict unknown); a call a person waits for is never rewritten')
    .action((fileArg: string, flags: FixFlags) => {
      const file = resolve(fileArg);
      const line = Number(flags.line);
      if (!existsSync(file) || !statSync(file).isFile() || !Number.isInteger(line) || line < 1) {
        process.stderr.write(`batchwise: ${!existsSync(file) ? `'${fileArg}' does not exist` : `'--line ${flags.line}' is not a line number`}.\n`);
        process.exitCode = FIX_EXIT.USAGE;
        return;
      }
      const root = resolve(flags.root ?? findRoot(file));
      const rel = relative(root, file).split(sep).join('/');
      const session = new WorkspaceSession(root, optionsFromFlags({}));
      // Settings the configuration file got wrong were dropped; say so, since one may be the helper path.
      for (const problem of session.config().problems) process.stderr.write(`batchwise: ${problem} (ignored).\n`);
      const finding = session.analyzeFiles([rel]).findings.find((f) => f.site.file === rel && f.site.loc.start.line === line);
      if (!finding) {
        process.stderr.write(`batchwise: no LLM API call starts on ${rel}:${line}.\n`);
        process.exitCode = FIX_EXIT.NOT_FOUND;
        return;
      }
      // One gate for every front end: never a call a person waits for; an unknown context only when allowed.
      const gate = gateFix(finding, { front: 'cli', allowUnknown: flags.allowUnknown === true });
      if (!gate.ok) {
        process.stderr.write(`batchwise: no fix for ${rel}:${line}: ${gate.reason}.\n`);
        process.exitCode = FIX_EXIT.REFUSED;
        return;
      }
      if (gate.permit.warning) process.stderr.write(`batchwise: warning: ${gate.permit.warning}.\n`);
      const outcome = session.fixFor(finding, gate.permit);
      if (!outcome.ok || (flags.strategy && outcome.fix.strategy !== flags.strategy)) {
        const reason = outcome.ok ? `the applicable strategy is ${outcome.fix.strategy}, not ${flags.strategy}` : outcome.reason;
        process.stderr.write(`batchwise: no fix for ${rel}:${line}: ${reason}.\n`);
        process.exitCode = FIX_EXIT.REFUSED;
        return;
      }
      const before = readFileSync(file, 'utf8');
      const after = applyEdits(before, outcome.fix.edits);
      if (!flags.write) {
        let out = createTwoFilesPatch(`a/${rel}`, `b/${rel}`, before, after);
        for (const created of outcome.fix.createFiles) out += createTwoFilesPatch('/dev/null', `b/${created.path}`, '', created.content);
        process.stdout.write(out);
        return;
      }
      for (const created of outcome.fix.createFiles) {
        const target = join(root, created.path);
        // Never overwrite: the session refused a different existing helper; anything else appearing now is a race.
        if (existsSync(target)) {
          process.stderr.write(`batchwise: ${created.path} appeared meanwhile; nothing was changed.\n`);
          process.exitCode = FIX_EXIT.REFUSED;
          return;
        }
      }
      for (const created of outcome.fix.createFiles) {
        const target = join(root, created.path);
        mkdirSync(dirname(target), { recursive: true });
        writeFileSync(target, created.content, { flag: 'wx' });
      }
      writeFileSync(file, after);
      process.stdout.write(`batchwise: ${outcome.fix.title}: rewrote ${rel}:${line}${outcome.fix.createFiles.length ? `, created ${outcome.fix.createFiles.map((c) => c.path).join(', ')}` : ''}.\n`);
    });
}
