// Precision and recall of the verdicts over every labelled fixture project. The exact fixture test
// pins each case; this one measures the set as a whole, prints the table, and holds the bar:
// a false "batch this" on a user-facing path breaks a product, so batchable precision comes first.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Analyzer } from '../../../src/core/analyze';
import { DEFAULT_OPTIONS, Verdict } from '../../../src/core/model';
import { FIXTURES, fixtureProject } from '../helpers';

const VERDICTS: Verdict[] = ['batchable', 'user-waiting', 'unknown'];
const BAR = { batchablePrecision: 0.97, batchableRecall: 0.9, userWaitingRecall: 0.97 };

test('verdict precision and recall over the labelled fixture set', () => {
  const root = join(FIXTURES, 'analyze');
  const pairs: { label: Verdict; got: Verdict | 'missed'; where: string }[] = [];
  let projects = 0;
  for (const name of readdirSync(root)) {
    const expectedPath = join(root, name, 'expected.json');
    if (!existsSync(expectedPath)) continue;
    projects++;
    const expected = JSON.parse(readFileSync(expectedPath, 'utf8')) as { findings: { file: string; line: number; verdict: Verdict }[] };
    const result = new Analyzer(fixtureProject(join(root, name)), DEFAULT_OPTIONS).run();
    for (const e of expected.findings) {
      const hit = result.findings.find((f) => f.site.file === e.file && f.site.loc.start.line === e.line);
      pairs.push({ label: e.verdict, got: hit ? hit.classification.verdict : 'missed', where: `${name}/${e.file}:${e.line}` });
    }
  }
  const rows = VERDICTS.map((v) => {
    const tp = pairs.filter((p) => p.label === v && p.got === v).length;
    const predicted = pairs.filter((p) => p.got === v).length;
    const actual = pairs.filter((p) => p.label === v).length;
    return { verdict: v, labelled: actual, predicted, precision: predicted ? tp / predicted : 1, recall: actual ? tp / actual : 1 };
  });
  console.log(`\nverdicts over ${projects} fixture projects, ${pairs.length} labelled call sites`);
  console.log('verdict       labelled  predicted  precision  recall');
  for (const r of rows) {
    console.log(`${r.verdict.padEnd(13)} ${String(r.labelled).padStart(8)}  ${String(r.predicted).padStart(9)}  ${r.precision.toFixed(3).padStart(9)}  ${r.recall.toFixed(3).padStart(6)}`);
  }
  const wrong = pairs.filter((p) => p.label !== p.got);
  for (const w of wrong) console.log(`  mismatch: ${w.where} labelled ${w.label}, got ${w.got}`);
  const by = Object.fromEntries(rows.map((r) => [r.verdict, r]));
  assert.ok(by['batchable'].labelled > 0 && by['user-waiting'].labelled > 0, 'the set must label both verdicts');
  assert.ok(by['batchable'].precision >= BAR.batchablePrecision, `batchable precision ${by['batchable'].precision}`);
  assert.ok(by['batchable'].recall >= BAR.batchableRecall, `batchable recall ${by['batchable'].recall}`);
  assert.ok(by['user-waiting'].recall >= BAR.userWaitingRecall, `user-waiting recall ${by['user-waiting'].recall}`);
});
