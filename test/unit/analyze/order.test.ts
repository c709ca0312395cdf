// A verdict must not depend on which files were analysed before it: the editor analyses the open
// file alone, the CLI the whole workspace, and both must say the same. Memoised call-graph results
// are the usual culprit (a path cut short by a cycle, then reused), so every fixture project is run
// whole, file by file, and file by file in reverse on one analyser.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { Analyzer } from '../../../src/core/analyze';
import { DEFAULT_OPTIONS, Finding } from '../../../src/core/model';
import { FIXTURES, fixtureProject } from '../helpers';

const root = join(FIXTURES, 'analyze');
const projects = readdirSync(root).filter((d) => existsSync(join(root, d, 'expected.json')));

function verdicts(findings: Finding[]): string[] {
  return findings.map((f) => `${f.site.file}:${f.site.loc.start.line} ${f.classification.verdict} ${f.classification.confidence}`).sort();
}

test('verdicts are the same whether a project is analysed whole or one file at a time, in any order', () => {
  const differences: string[] = [];
  for (const name of projects) {
    const source = fixtureProject(join(root, name));
    const whole = verdicts(new Analyzer(source, DEFAULT_OPTIONS).run().findings);
    const alone = verdicts(source.files.flatMap((f) => new Analyzer(source, DEFAULT_OPTIONS).run({ onlyFiles: [f] }).findings));
    const shared = new Analyzer(source, DEFAULT_OPTIONS);
    const reversed = verdicts([...source.files].reverse().flatMap((f) => shared.run({ onlyFiles: [f] }).findings));
    if (alone.join('\n') !== whole.join('\n')) differences.push(`${name}: whole [${whole.join(', ')}] vs one file at a time [${alone.join(', ')}]`);
    if (reversed.join('\n') !== whole.join('\n')) differences.push(`${name}: whole [${whole.join(', ')}] vs reversed on one analyser [${reversed.join(', ')}]`);
  }
  assert.deepEqual(differences, []);
});
