// Text the user wrote reaches a rewrite verbatim, `$` included. The loop hoist put its batch run into
// the hoisted code with String.replace, which reads `$'`, `$&` and `$$` in the replacement as patterns:
// a model string 'gpt-5-min$' became the rest of the template, and the fixed file no longer parsed
// (fuzz seed 20261214, input 3480).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Analyzer } from '../../../src/core/analyze';
import { DEFAULT_OPTIONS } from '../../../src/core/model';
import { parseSource } from '../../../src/core/parse/parse';
import { applyEdits, planFix } from '../../../src/core/rewrite';

for (const written of ["gpt-4o-mini$'", 'gpt-4o-mini$&', 'gpt-4o-mini$$x', "gpt-$`4o"]) {
  test(`a request holding ${JSON.stringify(written)} keeps it through the loop hoist`, () => {
    const literal = `'${written.replace(/'/g, "\\'")}'`;
    const text = [
      "import OpenAI from 'openai';",
      'const openai = new OpenAI();',
      'export async function main(tickets: string[]) {',
      '  for (const ticket of tickets) {',
      `    const response = await openai.chat.completions.create({ model: ${literal}, messages: [{ role: 'user', content: ticket }] });`,
      '    console.log(response.choices[0].message.content);',
      '  }',
      '}',
      '',
    ].join('\n');
    const file = 'main.ts';
    const finding = new Analyzer({ files: [file], read: (p) => (p === file ? text : undefined) }, DEFAULT_OPTIONS).run().findings[0];
    assert.ok(finding, 'the call is found');
    const plan = planFix({ file, text, site: finding.site, helperPath: 'batchwise/openaiBatch.ts' });
    assert.ok(plan.ok, plan.ok ? '' : plan.reason);
    const after = applyEdits(text, plan.fix.edits);
    assert.ok(after.includes(`model: ${literal}`), after);
    assert.ok(parseSource(file, after).ok, after);
  });
}
