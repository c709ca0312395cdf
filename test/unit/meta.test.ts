// Project-wide guarantees: the engine stays pure, and every rule it can cite is documented.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, sep } from 'node:path';
import { RULES } from '../../src/core/classify/rules';
import { analyzeFixture, Expected, FIXTURES, REPO_ROOT } from './helpers';

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const abs = join(dir, name);
    return statSync(abs).isDirectory() ? sourceFiles(abs) : abs.endsWith('.ts') ? [abs] : [];
  });
}

test('src/core imports neither vscode nor Node built-ins', () => {
  const offenders: string[] = [];
  // The batch helper templates are not engine code but the user's, which the engine emits as text
  // (templates.generated.ts holds that text as strings): their Node imports run in the user's program.
  const helperTemplates = [join('rewrite', 'templates') + sep, join('rewrite', 'templates.generated.ts')];
  for (const file of sourceFiles(join(REPO_ROOT, 'src', 'core')).filter((f) => !helperTemplates.some((t) => f.includes(t)))) {
    const text = readFileSync(file, 'utf8');
    const specifiers = [...text.matchAll(/(?:from\s+|require\(\s*|import\(\s*)['"]([^'"]+)['"]/g)].map((m) => m[1]);
    for (const s of specifiers) {
      if (s === 'vscode' || s.startsWith('node:') || ['fs', 'path', 'os', 'child_process', 'http', 'https', 'net'].includes(s)) {
        offenders.push(`${file}: ${s}`);
      }
    }
  }
  assert.deepEqual(offenders, []);
});

test('only src/vscode imports vscode', () => {
  const offenders = sourceFiles(join(REPO_ROOT, 'src'))
    .filter((f) => !f.includes(`${join('src', 'vscode')}`))
    .filter((f) => /from\s+['"]vscode['"]|require\(['"]vscode['"]\)/.test(readFileSync(f, 'utf8')));
  assert.deepEqual(offenders, []);
});

test('no source file of the classifier is over 800 lines (issue 10: the classifier stays split by concern)', () => {
  const long = sourceFiles(join(REPO_ROOT, 'src', 'core', 'classify'))
    .map((f) => ({ f, lines: readFileSync(f, 'utf8').split('\n').length }))
    .filter(({ lines }) => lines > 800)
    .map(({ f, lines }) => `${f}: ${lines} lines`);
  assert.deepEqual(long, []);
});

test('every registered rule declares its docs page, which exists and is titled by the rule', () => {
  for (const rule of RULES) {
    assert.equal(rule.docs, `docs/rules/${rule.id}.md`);
    assert.ok(existsSync(join(REPO_ROOT, rule.docs)), `missing ${rule.docs}`);
    assert.ok(rule.title.length > 5, `rule ${rule.id} has no title`);
    assert.ok(Object.keys(rule.messages).length > 0, `rule ${rule.id} declares no evidence messages`);
  }
});

test('every registered rule is cited by the evidence of at least one analyze fixture', () => {
  const root = join(FIXTURES, 'analyze');
  const cited = new Set<string>();
  for (const name of readdirSync(root)) {
    const expectedPath = join(root, name, 'expected.json');
    if (!existsSync(expectedPath)) continue;
    const expected = JSON.parse(readFileSync(expectedPath, 'utf8')) as Expected;
    for (const f of analyzeFixture(join(root, name), expected).findings) for (const e of f.classification.evidence) cited.add(e.rule);
  }
  assert.deepEqual(RULES.map((r) => r.id).filter((id) => !cited.has(id)), [], 'rules no fixture exercises');
});

test('every context rule and diagnostic code has a docs page with a title', () => {
  const ids = [...RULES.map((r) => r.id), 'batchable-llm-call', 'unknown-context'];
  assert.equal(new Set(ids).size, ids.length, 'duplicate rule id');
  for (const id of ids) {
    assert.match(id, /^[a-z]+(-[a-z0-9]+)*$/, `rule id ${id} is not kebab-case`);
    const page = join(REPO_ROOT, 'docs', 'rules', `${id}.md`);
    assert.ok(existsSync(page), `missing docs/rules/${id}.md`);
    assert.match(readFileSync(page, 'utf8'), new RegExp(`^# .*${id}`), `docs/rules/${id}.md has no title naming the rule`);
  }
});
