// The corpus scorer type-checks each applied fix against the SDKs' real types: only the errors the
// rewrite adds count (an error the original had does not), a package the tree does not have installed is
// `any`, and a relative import that leads nowhere is an error.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { typeCheckRewrite } from '../../../eval/typecheck';

const ORIGINAL = `import OpenAI from 'openai';
import { chunk } from 'lodash';
const client = new OpenAI();
const already: number = 'an error the original has';
export async function summarise(texts: string[]) {
  const out: (string | null)[] = [];
  console.log(chunk(texts, 2).length);
  for (const t of texts) {
    const r = await client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: String(t) }] });
    out.push(r.choices[0].message.content);
  }
  return out;
}
`;

const HELPER = `import OpenAI from 'openai';
export async function runAll(client: OpenAI, requests: OpenAI.Chat.ChatCompletionCreateParamsNonStreaming[]): Promise<OpenAI.Chat.ChatCompletion[]> {
  return Promise.all(requests.map((r) => client.chat.completions.create(r)));
}
`;

const rewritten = (answer: string, helperPath: string) => `import OpenAI from 'openai';
import { chunk } from 'lodash';
import { runAll } from '${helperPath}';
const client = new OpenAI();
const already: number = 'an error the original has';
export async function summarise(texts: string[]) {
  console.log(chunk(texts, 2).length);
  const items = texts;
  const answers = await runAll(client, items.map((t) => ({ model: 'gpt-4o-mini', messages: [{ role: 'user' as const, content: String(t) }] })));
  return answers.map((r) => ${answer});
}
`;

function tree(): string {
  const root = mkdtempSync(join(tmpdir(), 'batchwise-typecheck-'));
  mkdirSync(join(root, 'src'));
  writeFileSync(join(root, 'src', 'summarise.ts'), ORIGINAL);
  return root;
}

test('a rewrite that uses the SDK types rightly adds no error; the original error and the uninstalled package are not counted', () => {
  const root = tree();
  try {
    const changed = new Map([
      ['src/summarise.ts', rewritten('r.choices[0].message.content', '../batchwise/helper')],
      ['batchwise/helper.ts', HELPER],
    ]);
    const got = typeCheckRewrite(root, changed, new Set(['batchwise/helper.ts']));
    assert.deepEqual(got.added, []);
    assert.equal(got.before, 1, 'the original has its one error');
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('a rewrite that misreads the SDK type, or imports a helper that is not there, adds errors', () => {
  const root = tree();
  try {
    const typo = typeCheckRewrite(
      root,
      new Map([
        ['src/summarise.ts', rewritten('r.choices[0].message.contents', '../batchwise/helper')],
        ['batchwise/helper.ts', HELPER],
      ]),
      new Set(['batchwise/helper.ts']),
    );
    assert.equal(typo.added.length, 1, typo.added.join('\n'));
    assert.match(typo.added[0], /^src\/summarise\.ts:10 TS2551 .*'contents'/);
    const missing = typeCheckRewrite(root, new Map([['src/summarise.ts', rewritten('r.choices[0].message.content', './nowhere')]]), new Set());
    assert.ok(missing.added.some((e) => /^src\/summarise\.ts:3 TS2307 Cannot find module '\.\/nowhere'/.test(e)), missing.added.join('\n'));
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});
