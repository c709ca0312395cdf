// The audit's fix column reads the file as it is, line endings and all (no LF view, no second parse):
// every fixture folder, its sources turned CRLF and CR-only, must get the same offers and the same
// refusals, word for word, as the LF original. `expected.*` files are fixtures' answers, not sources.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { Analyzer } from '../../../src/core/analyze';
import type { ProjectSource } from '../../../src/core/model';
import { DEFAULT_OPTIONS } from '../../../src/core/model';
import { pipelineStagesFor } from '../../../src/workspace/stages';
import { withLineEnding } from '../../../src/core/rewrite/lineEndings';
import { WorkspaceSession } from '../../../src/workspace/session';
import { FIXTURES, fixtureProject } from '../helpers';

function withEnding(project: ProjectSource, eol: '\r\n' | '\r'): ProjectSource {
  const sources = new Set(project.files);
  const read = (p: string) => {
    const text = project.read(p);
    return text !== undefined && sources.has(p) ? withLineEnding(text, eol) : text;
  };
  return { ...project, read };
}

/** What the audit says of each call's fix, keyed by where the call starts (line and column do not move with the line ending). */
function fixColumn(project: ProjectSource): Map<string, string> {
  const result = new Analyzer(project, DEFAULT_OPTIONS, pipelineStagesFor(project.read)).run();
  const out = new Map<string, string>();
  for (const f of result.findings) {
    const at = `${f.site.file}:${f.site.loc.start.line}:${f.site.loc.start.column}`;
    out.set(at, f.fix ? `fix ${f.fix.strategy} safe=${f.fix.safe}${'changes' in f.fix && f.fix.changes ? ` changes: ${f.fix.changes}` : ''}` : `refused: ${f.fixRefusal ?? '(not checked)'}`);
  }
  return out;
}

const folders: string[] = [];
for (const group of readdirSync(FIXTURES).filter((g) => g.startsWith('rewrite') || g === 'analyze')) {
  for (const name of readdirSync(join(FIXTURES, group))) {
    if (statSync(join(FIXTURES, group, name)).isDirectory()) folders.push(join(group, name));
  }
}

test(`the fix column is the same in CRLF and CR-only copies of ${folders.length} fixture folders`, () => {
  assert.ok(folders.length > 300, `only ${folders.length} fixture folders found`);
  let offers = 0;
  let refusals = 0;
  for (const folder of folders) {
    const project = fixtureProject(join(FIXTURES, folder));
    if (project.files.length === 0) continue;
    const lf = fixColumn(project);
    for (const eol of ['\r\n', '\r'] as const) {
      const other = fixColumn(withEnding(project, eol));
      assert.deepEqual([...other], [...lf], `${folder} with ${eol === '\r' ? 'CR' : 'CRLF'} breaks`);
    }
    for (const v of lf.values()) v.startsWith('fix') ? offers++ : refusals++;
  }
  // The comparison covers both answers, many times over.
  assert.ok(offers > 100 && refusals > 100, `offers ${offers}, refusals ${refusals}`);
});

test('a CR-only script: its #! line is quoted to its end, and evidence lines count its CR breaks', () => {
  const lines = ['#!/usr/bin/env node', "import OpenAI from 'openai';", 'const client = new OpenAI();', '', "await client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] });"];
  for (const eol of ['\n', '\r'] as const) {
    const files: Record<string, string> = { 'run.mjs': lines.join(eol) + eol, 'package.json': '{"name":"x","dependencies":{"openai":"^5.0.0"}}' };
    const project: ProjectSource = { files: ['run.mjs'], read: (p) => files[p] };
    const [finding] = new Analyzer(project, DEFAULT_OPTIONS, pipelineStagesFor(project.read)).run().findings;
    assert.equal(finding.site.loc.start.line, 5);
    const shebang = finding.classification.evidence.find((e) => e.message.includes('#!'));
    assert.ok(shebang, JSON.stringify(finding.classification.evidence));
    assert.match(shebang.message, /\(#!\/usr\/bin\/env node\)/, JSON.stringify(eol));
  }
});

test('every fix the audit offers on a fixture folder (a verdict, no edits built) is one fix then plans, with the same strategy, safety and changes', () => {
  let planned = 0;
  for (const folder of folders) {
    const project = fixtureProject(join(FIXTURES, folder));
    if (project.files.length === 0) continue;
    // As the CLI and the editor do: the session's analysis, then its fixFor (the project's modules and settings around the call).
    const session = new WorkspaceSession(join(FIXTURES, folder), DEFAULT_OPTIONS);
    for (const f of session.analyzeFiles(project.files).findings) {
      if (!f.fix) continue;
      const plan = session.fixFor(f);
      assert.ok(plan.ok, `${folder} ${f.site.file}:${f.site.loc.start.line}: offered, then refused: ${!plan.ok ? plan.reason : ''}`);
      assert.deepEqual({ strategy: plan.fix.strategy, safe: plan.fix.safe, changes: plan.fix.changes ?? null }, { strategy: f.fix.strategy, safe: f.fix.safe, changes: f.fix.changes ?? null }, `${folder} ${f.site.file}:${f.site.loc.start.line}`);
      planned++;
    }
  }
  assert.ok(planned > 100, `only ${planned} fixes planned`);
});
