import { test } from 'node:test';
import assert from 'node:assert/strict';
import { figures, match, readLabels, splitOf, type AuditFinding, type LabelledSite, type Scored } from '../../../eval/score';

const site = (file: string, line: number, label: LabelledSite['label'] = 'batchable'): LabelledSite => ({ file, line, label, rationale: 'r' });
const finding = (file: string, line: number, verdict: AuditFinding['verdict'] = 'batchable', fix: AuditFinding['fix'] = null): AuditFinding => ({
  file,
  line,
  verdict,
  fix,
  provider: 'openai',
  api: 'chat.completions',
  model: null,
  evidence: [],
  fixRefusal: null,
});

test('a finding matches the nearest label in its file, one to one, within the slack', () => {
  const a = site('a.ts', 10);
  const b = site('a.ts', 12);
  const c = site('b.ts', 10);
  const f1 = finding('a.ts', 12);
  const f2 = finding('a.ts', 11);
  const f3 = finding('b.ts', 20);
  const m = match([a, b, c], [f1, f2, f3]);
  assert.equal(m.get(b), f1);
  assert.equal(m.get(a), f2);
  assert.equal(m.has(c), false, 'ten lines away is another call');
});

test('figures: precision counts every non-batchable label called batchable against it; unknown share over all sites', () => {
  const rows: Scored[] = [
    ['batchable', 'batchable', { strategy: 'loop-hoist', safe: true }],
    ['batchable', 'unknown', null],
    ['batchable', 'undetected', null],
    ['user-waiting', 'batchable', null],
    ['sequential', 'batchable', null],
    ['user-waiting', 'user-waiting', null],
    ['not-a-call', 'undetected', null],
  ].map(([label, predicted, fix], i) => ({
    repo: 'o/r',
    split: 'dev',
    category: 'cli-script',
    frameworks: [],
    site: site('x.ts', i * 10, label as LabelledSite['label']),
    predicted: predicted as Scored['predicted'],
    finding: predicted === 'undetected' ? null : finding('x.ts', i * 10, predicted as AuditFinding['verdict'], fix as AuditFinding['fix']),
  }));
  const f = figures(rows);
  assert.equal(f.sites, 6);
  assert.equal(f.detected, 5);
  assert.equal(f.batchableLabelled, 3);
  assert.equal(f.batchableFound, 1);
  assert.equal(f.predictedBatchable, 3);
  assert.deepEqual(f.falseBatchable, { userWaiting: 1, sequential: 1, ambiguous: 0 });
  assert.equal(f.unknown, 1);
  assert.equal(f.fixOffered, 1);
  assert.equal(f.fixSafe, 1);
});

test('the held-out split is a stable 30 % of repository names, whatever their case', () => {
  const names = Array.from({ length: 2000 }, (_, i) => `owner${i}/repo${i * 7}`);
  const held = names.filter((n) => splitOf(n) === 'held-out').length;
  assert.ok(held > 520 && held < 680, `${held} of 2000 held out`);
  assert.equal(splitOf('Owner/Repo'), splitOf('owner/repo'));
});

test('every corpus label file is well formed: pinned commit, known labels, each site in a listed file, no duplicates', () => {
  const LABELS = new Set(['batchable', 'user-waiting', 'sequential', 'ambiguous', 'not-a-call']);
  const all = readLabels();
  assert.ok(all.length >= 150, `${all.length} repositories`);
  const repos = new Set<string>();
  for (const l of all) {
    assert.match(l.commit, /^[0-9a-f]{40}$/, l.repo);
    assert.ok(!repos.has(l.repo.toLowerCase()), `${l.repo} twice`);
    repos.add(l.repo.toLowerCase());
    const files = new Set(l.files);
    const seen = new Set<string>();
    for (const s of l.sites) {
      assert.ok(LABELS.has(s.label), `${l.repo} ${s.file}:${s.line} label ${s.label}`);
      assert.ok(files.has(s.file), `${l.repo}: ${s.file} is not in files`);
      assert.ok(Number.isInteger(s.line) && s.line >= 1, `${l.repo} ${s.file}: line ${s.line}`);
      assert.ok(s.rationale.trim().length > 0, `${l.repo} ${s.file}:${s.line} has no rationale`);
      const key = `${s.file}:${s.line}`;
      assert.ok(!seen.has(key), `${l.repo} ${key} labelled twice`);
      seen.add(key);
    }
  }
});
