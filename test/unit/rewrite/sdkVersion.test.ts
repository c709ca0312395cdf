// Which SDK version a project has (installed package, lockfiles of npm, pnpm, yarn and bun, the
// package.json range), which helper fits it, and the fix refused with the version that added batches.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Analyzer } from '../../../src/core/analyze';
import { DEFAULT_OPTIONS } from '../../../src/core/model';
import { planFix } from '../../../src/core/rewrite';
import { helperModuleFor, renderTemplate } from '../../../src/core/rewrite/helper';
import { allVariants, helperVariantFor, newestVariant, sdkVersionFor } from '../../../src/core/rewrite/sdkVersion';
import { ANTHROPIC_BATCH_HELPER_TS, OPENAI_BATCH_HELPER_TS } from '../../../src/core/rewrite/templates.generated';
import { pipelineStagesFor } from '../../../src/workspace/stages';

const reader = (files: Record<string, string>) => (path: string) => files[path];
const pkg = (deps: Record<string, string>) => JSON.stringify({ name: 'app', dependencies: deps });

test('the installed package wins over the lockfile, the nearest node_modules over one further up', () => {
  const files = {
    'package.json': pkg({ openai: '^4.20.0' }),
    'package-lock.json': JSON.stringify({ lockfileVersion: 3, packages: { 'node_modules/openai': { version: '4.50.0' } } }),
    'node_modules/openai/package.json': JSON.stringify({ name: 'openai', version: '4.104.0' }),
    'apps/web/node_modules/openai/package.json': JSON.stringify({ name: 'openai', version: '5.23.2' }),
  };
  assert.deepEqual(sdkVersionFor('openai', 'src/job.ts', reader(files)), { version: '4.104.0', source: 'node_modules/openai/package.json' });
  assert.deepEqual(sdkVersionFor('openai', 'apps/web/src/job.ts', reader(files)), { version: '5.23.2', source: 'apps/web/node_modules/openai/package.json' });
});

test('package-lock.json: a workspace\'s own copy, else the root\'s; lockfile v1 too', () => {
  const lock = JSON.stringify({
    lockfileVersion: 3,
    packages: { 'node_modules/@anthropic-ai/sdk': { version: '0.39.0' }, 'packages/bot/node_modules/@anthropic-ai/sdk': { version: '0.79.0' } },
  });
  const files = { 'package.json': pkg({}), 'package-lock.json': lock, 'packages/bot/package.json': pkg({ '@anthropic-ai/sdk': '^0.79.0' }), 'packages/cli/package.json': pkg({ '@anthropic-ai/sdk': '^0.39.0' }) };
  assert.equal(sdkVersionFor('anthropic', 'packages/bot/index.ts', reader(files))?.version, '0.79.0');
  assert.equal(sdkVersionFor('anthropic', 'packages/cli/index.ts', reader(files))?.version, '0.39.0');
  const v1 = { 'package.json': pkg({ openai: '^4.0.0' }), 'package-lock.json': JSON.stringify({ lockfileVersion: 1, dependencies: { openai: { version: '4.40.0' } } }) };
  assert.deepEqual(sdkVersionFor('openai', 'a.ts', reader(v1)), { version: '4.40.0', source: 'package-lock.json' });
});

test('the lockfile parse kept for the folders that share it gives each the same answer, and a changed lockfile is parsed again', () => {
  const lock = (version: string) => `lockfileVersion: '9.0'\nimporters:\n  .:\n    dependencies:\n      openai:\n        specifier: ^5.0.0\n        version: ${version}\n`;
  let reads = 0;
  let text = lock('5.20.0');
  const read = (path: string) => {
    if (path === 'pnpm-lock.yaml') {
      reads++;
      return text;
    }
    return path === 'package.json' ? pkg({ openai: '^5.0.0' }) : undefined;
  };
  // Three folders ask; each reads the lockfile's text, and the answers agree.
  for (const file of ['a/x.ts', 'b/y.ts', 'c/z.ts']) assert.equal(sdkVersionFor('openai', file, read)?.version, '5.20.0');
  assert.equal(reads, 3);
  // The project updated its lockfile: the new text is parsed, not the kept one's answer given.
  text = lock('5.23.2');
  assert.equal(sdkVersionFor('openai', 'a/x.ts', read)?.version, '5.23.2');
});

test('pnpm-lock.yaml: the importer of the file\'s package, the version before its peers (v9 and v5)', () => {
  const v9 = [
    "lockfileVersion: '9.0'",
    'importers:',
    '  .:',
    '    dependencies:',
    '      openai:',
    '        specifier: ^5.0.0',
    '        version: 5.23.2(zod@3.25.76)',
    '  apps/api:',
    '    devDependencies:',
    '      openai:',
    '        specifier: ^4.90.0',
    '        version: 4.104.0(encoding@0.1.13)',
    '',
  ].join('\n');
  const files = { 'package.json': pkg({ openai: '^5.0.0' }), 'apps/api/package.json': pkg({ openai: '^4.90.0' }), 'pnpm-lock.yaml': v9 };
  assert.deepEqual(sdkVersionFor('openai', 'src/a.ts', reader(files)), { version: '5.23.2', source: 'pnpm-lock.yaml' });
  assert.equal(sdkVersionFor('openai', 'apps/api/src/a.ts', reader(files))?.version, '4.104.0');
  const v5 = "lockfileVersion: 5.4\nspecifiers:\n  openai: ^4.0.0\ndependencies:\n  openai: 4.52.7_zod@3.23.8\n";
  assert.equal(sdkVersionFor('openai', 'a.ts', reader({ 'package.json': pkg({ openai: '^4.0.0' }), 'pnpm-lock.yaml': v5 }))?.version, '4.52.7');
});

test('yarn.lock: the entry of the range package.json declares, in yarn 1 and yarn 2+ lockfiles', () => {
  const classic = '# yarn lockfile v1\n\n\nopenai@^4.20.0:\n  version "4.104.0"\n  resolved "https://registry.yarnpkg.com/openai/-/openai-4.104.0.tgz"\n\nopenai@^5.0.0:\n  version "5.23.2"\n';
  assert.deepEqual(sdkVersionFor('openai', 'a.ts', reader({ 'package.json': pkg({ openai: '^5.0.0' }), 'yarn.lock': classic })), { version: '5.23.2', source: 'yarn.lock' });
  const berry = '__metadata:\n  version: 8\n\n"@anthropic-ai/sdk@npm:^0.59.0":\n  version: 0.59.0\n  resolution: "@anthropic-ai/sdk@npm:0.59.0"\n';
  assert.equal(sdkVersionFor('anthropic', 'a.ts', reader({ 'package.json': pkg({ '@anthropic-ai/sdk': '^0.59.0' }), 'yarn.lock': berry }))?.version, '0.59.0');
});

test('bun.lock (text, trailing commas): the package\'s entry', () => {
  const lock = '{\n  "lockfileVersion": 1,\n  "packages": {\n    "openai": ["openai@6.49.0", "", {}, "sha512-x"],\n  },\n}\n';
  assert.deepEqual(sdkVersionFor('openai', 'a.ts', reader({ 'package.json': pkg({ openai: '^6.0.0' }), 'bun.lock': lock })), { version: '6.49.0', source: 'bun.lock' });
});

test('without an install or a lockfile, the lowest version the range allows; nothing said, nothing read', () => {
  assert.deepEqual(sdkVersionFor('anthropic', 'src/a.ts', reader({ 'package.json': pkg({ '@anthropic-ai/sdk': '^0.60.0' }) })), {
    version: '0.60.0',
    source: 'package.json ("@anthropic-ai/sdk": "^0.60.0", its lowest version)',
  });
  assert.equal(sdkVersionFor('openai', 'src/a.ts', reader({ 'package.json': pkg({ openai: 'latest' }) })), undefined);
  assert.equal(sdkVersionFor('openai', 'src/a.ts', reader({})), undefined);
  // Broken files say nothing rather than fail.
  assert.equal(sdkVersionFor('openai', 'a.ts', reader({ 'package.json': '{', 'package-lock.json': '{', 'pnpm-lock.yaml': ': :', 'yarn.lock': '"' })), undefined);
});

test('an SDK without batches is refused with the version that added them; one below the floor with why', () => {
  const old = helperVariantFor('openai', { version: '4.20.0', source: 'package-lock.json' });
  assert.deepEqual(old, {
    ok: false,
    reason:
      'the project has openai 4.20.0 (package-lock.json), which has no batch support: the Batch API (client.batches) came in 4.34.0, and batches.list, which the helper needs to find a batch whose create response was lost, came in 4.38.0; upgrade openai to 4.38.0 or later to get a fix',
  });
  const between = helperVariantFor('openai', { version: '4.36.0', source: 'yarn.lock' });
  assert.ok(!between.ok && between.reason.startsWith('the project has openai 4.36.0 (yarn.lock): batches.list, which the helper needs'));
  const anthropic = helperVariantFor('anthropic', { version: '0.27.3', source: 'node_modules/@anthropic-ai/sdk/package.json' });
  assert.ok(!anthropic.ok && anthropic.reason.includes('which has no batch support: Message Batches came in 0.29.0; upgrade @anthropic-ai/sdk to 0.29.0 or later'), !anthropic.ok ? anthropic.reason : '');
  const responses = helperVariantFor('openai', { version: '4.80.0', source: 'package-lock.json' }, 'responses');
  assert.ok(!responses.ok && responses.reason.includes('no Responses API (it came in 4.87.0)'));
  assert.ok(helperVariantFor('openai', { version: '4.80.0', source: 'package-lock.json' }, 'chat.completions').ok);
});

test('each variant is written for its SDK: beta namespace before 0.33.0, record headers before 5.0.0 / 0.50.0, params argument from 0.124.0', () => {
  const text = (provider: 'openai' | 'anthropic', version: string) => {
    const fits = helperVariantFor(provider, { version, source: 't' });
    assert.ok(fits.ok);
    return helperModuleFor('h.ts', 'cjs', provider, fits.variant);
  };
  assert.match(text('anthropic', '0.32.1'), /return client\.beta\.messages\.batches;/);
  assert.match(text('anthropic', '0.33.0'), /return client\.messages\.batches;/);
  assert.match(text('anthropic', '0.39.0'), /const headers: Record<string, string> =/);
  assert.match(text('anthropic', '0.59.0'), /retrieve\(batch\.id, \{ signal \}\)/);
  assert.match(text('anthropic', '1.16.0'), /retrieve\(batch\.id, null, \{ signal \}\)/);
  assert.match(text('openai', '4.104.0'), /const headers: Record<string, string> =/);
  assert.match(text('openai', '4.104.0'), /export function runResponsesBatch/);
  assert.doesNotMatch(text('openai', '4.86.0'), /runResponsesBatch/);
  assert.match(text('openai', '4.40.0'), /purpose: 'batch' as unknown as/);
  assert.match(text('openai', '7.59.0'), /Written for openai 5\.0\.0 and later/);
  // No variant carries the template's marks, and the newest is the template itself without them.
  for (const provider of ['openai', 'anthropic'] as const) {
    for (const variant of allVariants(provider)) assert.doesNotMatch(helperModuleFor('h.ts', 'cjs', provider, variant), /@sdk/);
  }
  const withoutMarks = (template: string) =>
    template
      .split('\n')
      .filter((line) => !/^\s*\/\/ @sdk (\S+ \{|\})$/.test(line))
      .map((line) => line.replace(/\s*\/\/ @sdk !.*$/, ''))
      .join('\n');
  assert.equal(renderTemplate(OPENAI_BATCH_HELPER_TS, newestVariant('openai')), withoutMarks(OPENAI_BATCH_HELPER_TS).replace('@sdk-fits', 'openai 5.0.0 and later'));
  assert.equal(renderTemplate(ANTHROPIC_BATCH_HELPER_TS, newestVariant('anthropic')), withoutMarks(ANTHROPIC_BATCH_HELPER_TS).replace('@sdk-fits', '@anthropic-ai/sdk 0.124.0 and later'));
});

const loop = [
  "import OpenAI from 'openai';",
  'const openai = new OpenAI();',
  'async function main(docs: string[]) {',
  '  for (const doc of docs) {',
  "    const res = await openai.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: doc }] });",
  '    console.log(res.choices[0].message.content);',
  '  }',
  '}',
  'main([]);',
  '',
].join('\n');

test('the fix writes the helper for the project\'s SDK, refuses one without batches, and names a helper written for another version', () => {
  const project = (version: string, extra: Record<string, string> = {}) => ({
    'package.json': JSON.stringify({ name: 'app', scripts: { job: 'tsx scripts/job.ts' }, dependencies: { openai: `^${version}` } }),
    'node_modules/openai/package.json': JSON.stringify({ name: 'openai', version }),
    'scripts/job.ts': loop,
    ...extra,
  });
  const plan = (files: Record<string, string>) => {
    const finding = new Analyzer({ files: ['scripts/job.ts'], read: reader(files) }, DEFAULT_OPTIONS).run().findings[0];
    return planFix({ file: 'scripts/job.ts', text: loop, site: finding.site, helperPath: 'batchwise/openaiBatch.ts', readExisting: reader(files) });
  };
  const v4 = plan(project('4.104.0'));
  assert.ok(v4.ok, !v4.ok ? v4.reason : '');
  const fits = helperVariantFor('openai', { version: '4.104.0', source: '' });
  assert.ok(fits.ok);
  assert.equal(v4.fix.createFiles[0].content, helperModuleFor('batchwise/openaiBatch.ts', 'cjs', 'openai', fits.variant));
  const old = plan(project('4.20.0'));
  assert.ok(!old.ok && old.reason.startsWith('the project has openai 4.20.0 (node_modules/openai/package.json), which has no batch support'), !old.ok ? old.reason : '');
  // The helper written for openai 4 is there, and the project moved to openai 7.
  const upgraded = plan(project('7.59.0', { 'batchwise/openaiBatch.ts': v4.fix.createFiles[0].content }));
  assert.ok(!upgraded.ok);
  assert.equal(
    upgraded.reason,
    'batchwise/openaiBatch.ts is the helper Batchwise wrote for openai 4.87.0 up to 5.0.0, but the project now has openai 7.59.0 (node_modules/openai/package.json): delete it and apply the fix again to get the one that fits',
  );
});

test('the audit shows the refusal where the SDK has no batches, and offers the fix where it has', () => {
  const files = (version: string) => ({
    'package.json': JSON.stringify({ name: 'app', scripts: { job: 'tsx scripts/job.ts' }, dependencies: { openai: version } }),
    'scripts/job.ts': loop,
  });
  const audit = (f: Record<string, string>) => new Analyzer({ files: ['scripts/job.ts'], read: reader(f) }, DEFAULT_OPTIONS, pipelineStagesFor(reader(f))).run().findings[0];
  const old = audit(files('~4.28.0'));
  assert.equal(old.classification.verdict, 'batchable');
  assert.equal(old.fix, null);
  assert.match(old.fixRefusal ?? '', /^the project has openai 4\.28\.0 \(package\.json \("openai": "~4\.28\.0", its lowest version\)\), which has no batch support/);
  assert.deepEqual(audit(files('^5.0.0')).fix, { strategy: 'loop-hoist', safe: true });
});
