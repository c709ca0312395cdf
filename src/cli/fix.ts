import type { Command } from 'commander';
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { createTwoFilesPatch } from 'diff';
import { WorkspaceSession } from '../workspace/session';
import { applyEdits } from '../core/rewrite';
import { gateFix } from '../core/rewrite/gate';
import { optionsFromFlags } from './options';
import { encodeText, readStoredText } from './sourceFile';
import { creationProblem } from '../workspace/insideRoot';
import { printable } from '../core/report/printable';
import { findRoot } from './root';

/** Exit codes of `batchwise fix`: 0 applied (or shown as a diff), 1 refused (the reason on stderr), 3 no LLM call starts on that line, 2 usage. */
export const FIX_EXIT = { APPLIED: 0, REFUSED: 1, USAGE: 2, NOT_FOUND: 3 } as const;

interface FixFlags {
  line: string;
  strategy?: string;
  write?: boolean;
  root?: string;
  allowUnknown?: boolean;
}

/** Says why on stderr (control characters made visible) and sets the exit code. */
function fail(code: number, message: string): void {
  process.stderr.write(`batchwise: ${printable(message)}.\n`);
  process.exitCode = code;
}

export function registerFix(program: Command): void {
  program
    .command('fix')
    .description('rewrite the LLM call that starts on a line to the batch path (prints a unified diff unless --write)')
    .argument('<file>', 'the file holding the call')
    .requiredOption('-l, --line <n>', '1-based line where the call starts')
    .option('-s, --strategy <id>', 'require this rewrite strategy: loop-hoist, batch-queue, single-batch (a call made once per run) or batch-call (a LangChain model.batch)')
    .option('--root <dir>', 'project root (default: the nearest folder with a package.json)')
    .option('-w, --write', 'apply the change and create the helper module instead of printing a diff')
    .option('--allow-unknown', 'rewrite a call whose context Batchwise cannot tell (verdict unknown); a call a person waits for is never rewritten')
    .action((fileArg: string, flags: FixFlags) => {
      const file = resolve(fileArg);
      const line = Number(flags.line);
      if (!existsSync(file) || !statSync(file).isFile() || !Number.isInteger(line) || line < 1) {
        fail(FIX_EXIT.USAGE, !existsSync(file) ? `'${fileArg}' does not exist` : `'--line ${flags.line}' is not a line number`);
        return;
      }
      const root = resolve(flags.root ?? findRoot(file));
      const rel = relative(root, file).split(sep).join('/');
      if (rel.startsWith('../') || isAbsolute(rel)) {
        fail(FIX_EXIT.USAGE, `${fileArg} is not inside the project root ${root}`);
        return;
      }
      // The text the analysis sees is the text the edits apply to, and the file is written back as it was stored.
      const stored = readStoredText(file);
      if (!stored.ok) {
        fail(FIX_EXIT.REFUSED, `${rel} ${stored.message}`);
        return;
      }
      const session = new WorkspaceSession(root, optionsFromFlags({}));
      session.setOverlay(rel, stored.text);
      // Settings the configuration file got wrong were dropped; say so, since one may be the helper path.
      for (const problem of session.config().problems) process.stderr.write(`batchwise: ${printable(problem)} (ignored).\n`);
      const finding = session.analyzeFiles([rel]).findings.find((f) => f.site.file === rel && f.site.loc.start.line === line);
      if (!finding) {
        fail(FIX_EXIT.NOT_FOUND, `no LLM API call starts on ${rel}:${line}`);
        return;
      }
      // One gate for every front end: never a call a person waits for; an unknown context only when allowed.
      const gate = gateFix(finding, { front: 'cli', allowUnknown: flags.allowUnknown === true });
      if (!gate.ok) {
        fail(FIX_EXIT.REFUSED, `no fix for ${rel}:${line}: ${gate.reason}`);
        return;
      }
      if (gate.permit.warning) process.stderr.write(`batchwise: warning: ${printable(gate.permit.warning)}.\n`);
      const outcome = session.fixFor(finding, gate.permit);
      if (!outcome.ok || (flags.strategy && outcome.fix.strategy !== flags.strategy)) {
        const reason = outcome.ok ? `the applicable strategy is ${outcome.fix.strategy}, not ${flags.strategy}` : outcome.reason;
        fail(FIX_EXIT.REFUSED, `no fix for ${rel}:${line}: ${reason}`);
        return;
      }
      const before = stored.text;
      const after = applyEdits(before, outcome.fix.edits);
      if (!flags.write) {
        let out = createTwoFilesPatch(`a/${rel}`, `b/${rel}`, before, after);
        for (const edited of outcome.fix.editFiles) out += createTwoFilesPatch(`a/${edited.path}`, `b/${edited.path}`, edited.before, applyEdits(edited.before, edited.edits));
        for (const created of outcome.fix.createFiles) out += createTwoFilesPatch('/dev/null', `b/${created.path}`, '', created.content);
        process.stdout.write(out);
        return;
      }
      const bytes = encodeText(after, stored.encoding);
      if (!bytes) {
        fail(FIX_EXIT.REFUSED, `${rel} is stored as Latin-1 and the rewrite holds characters Latin-1 cannot store; nothing was changed`);
        return;
      }
      // Checked again at the last moment: a file may have appeared, or a folder become a link, since the fix was planned.
      for (const created of outcome.fix.createFiles) {
        const problem = creationProblem(root, created.path);
        if (problem) {
          fail(FIX_EXIT.REFUSED, `${problem}; nothing was changed`);
          return;
        }
      }
      if (!readFileSync(file).equals(stored.bytes)) {
        fail(FIX_EXIT.REFUSED, `${rel} changed while the fix was planned; nothing was changed (run it again)`);
        return;
      }
      // Another file the fix edits (a package.json) is written only if it still holds what the edits were made on.
      const edited: { path: string; bytes: Buffer }[] = [];
      for (const change of outcome.fix.editFiles) {
        const target = join(root, change.path);
        const now = readStoredText(target);
        if (!now.ok || now.text !== change.before) {
          fail(FIX_EXIT.REFUSED, `${change.path} changed while the fix was planned; nothing was changed (run it again)`);
          return;
        }
        const out = encodeText(applyEdits(change.before, change.edits), now.encoding);
        if (!out) {
          fail(FIX_EXIT.REFUSED, `${change.path} is stored as Latin-1 and the edit holds characters Latin-1 cannot store; nothing was changed`);
          return;
        }
        edited.push({ path: target, bytes: out });
      }
      for (const created of outcome.fix.createFiles) {
        const target = join(root, created.path);
        mkdirSync(dirname(target), { recursive: true });
        writeFileSync(target, created.content, { flag: 'wx' });
      }
      for (const change of edited) writeFileSync(change.path, change.bytes);
      writeFileSync(file, bytes);
      const also = [
        ...outcome.fix.editFiles.map((e) => printable(e.why)),
        ...(outcome.fix.createFiles.length ? [`created ${outcome.fix.createFiles.map((c) => printable(c.path)).join(', ')}`] : []),
      ];
      process.stdout.write(`batchwise: ${printable(outcome.fix.title)}: rewrote ${printable(rel)}:${line}${also.length ? `, ${also.join(', ')}` : ''}.\n`);
      if (outcome.fix.editFiles.length) process.stdout.write('batchwise: install the added packages (npm install, or the project\'s package manager) before running the rewritten code.\n');
    });
}
