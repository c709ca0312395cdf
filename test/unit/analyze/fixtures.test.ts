// RuleTester-style: every folder under test/fixtures/analyze is a small project and its hand-written
// expected.json lists exactly the findings (and errors) the engine must report.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ruleById } from '../../../src/core/classify/rules';
import { analyzeFixture, Expected, FIXTURES } from '../helpers';

const root = join(FIXTURES, 'analyze');
const cases = readdirSync(root).filter((d) => existsSync(join(root, d, 'expected.json')));

test('the fixture set is not empty and has no duplicate cases', () => {
  assert.ok(cases.length >= 20, `only ${cases.length} cases`);
  const bodies = cases.map((c) => readFileSync(join(root, c, 'expected.json'), 'utf8') + c);
  assert.equal(new Set(bodies).size, bodies.length);
});

for (const name of cases) {
  const expected = JSON.parse(readFileSync(join(root, name, 'expected.json'), 'utf8')) as Expected;
  test(`analyze: ${name}`, { todo: expected.todo }, () => {
    const result = analyzeFixture(join(root, name), expected);
    const actual = result.findings.map((f) => ({
      file: f.site.file,
      line: f.site.loc.start.line,
      provider: f.site.provider,
      api: f.site.api,
      model: f.site.model,
      verdict: f.classification.verdict,
    }));
    assert.deepEqual(
      actual,
      expected.findings.map(({ file, line, provider, api, model, verdict }) => ({ file, line, provider, api, model, verdict })),
    );
    expected.findings.forEach((exp, i) => {
      const f = result.findings[i];
      if (exp.column !== undefined) assert.equal(f.site.loc.start.column + 1, exp.column, 'column (1-based)');
      const rules = f.classification.evidence.map((e) => e.rule);
      for (const rule of exp.rules ?? []) assert.ok(rules.includes(rule), `${exp.file}:${exp.line} lacks evidence ${rule}; has ${rules.join(', ')}`);
      // A verdict without evidence is a bug; every cited rule must exist.
      assert.ok(f.classification.evidence.length > 0, 'no evidence');
      for (const e of f.classification.evidence) {
        assert.ok(ruleById(e.rule), `unknown rule ${e.rule}`);
        assert.ok(e.message.length > 10 && e.line >= 1 && e.file.length > 0, `thin evidence ${JSON.stringify(e)}`);
      }
    });
    const errors = expected.errors ?? [];
    assert.equal(result.errors.length, errors.length, `errors: ${JSON.stringify(result.errors)}`);
    errors.forEach((exp, i) => {
      assert.equal(result.errors[i].file, exp.file);
      assert.ok(result.errors[i].message.includes(exp.messageIncludes), result.errors[i].message);
    });
  });
}
