// Writes stay inside the project: helperPath gets the same check from every source (editor setting,
// batchwise.config.json, package.json "batchwise" key; the CLI reads the latter two), a value that
// fails it refuses the fix (never a silent move), and no file is created through a symbolic link that
// leads out of the root, nor over an existing file.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT } from '../helpers';
import { WorkspaceSession } from '../../../src/workspace/session';
import { DEFAULT_OPTIONS } from '../../../src/core/model';
import { helperPathProblem } from '../../../src/core/rewrite/helper';
import { creationProblem, editProblem } from '../../../src/workspace/insideRoot';
import schema from '../../../schemas/batchwise.config.schema.json';

const CLI = join(REPO_ROOT, 'dist', 'cli.js');
const NIGHTLY = 'scripts/summarize-nightly.ts';
const dirs: string[] = [];
after(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

function temp(prefix: string): string {
  const d = mkdtempSync(join(tmpdir(), prefix));
  dirs.push(d);
  return d;
}

function project(): string {
  const dir = temp('bw-helperpath-');
  cpSync(join(REPO_ROOT, 'examples'), dir, { recursive: true });
  return dir;
}

const nightlyLine = (dir: string) => readFileSync(join(dir, NIGHTLY), 'utf8').split('\n').findIndex((l) => l.includes('chat.completions.create(')) + 1;

function fixInSession(dir: string, editorSetting?: string) {
  const session = new WorkspaceSession(dir, DEFAULT_OPTIONS, { helperPath: editorSetting });
  const line = nightlyLine(dir);
  const finding = session.analyzeFiles([NIGHTLY]).findings.find((f) => f.site.loc.start.line === line)!;
  return session.fixFor(finding);
}

const BAD = ['../../anywhere/openaiBatch', '/etc/batchwise', 'a/../../x', 'C:/x/openaiBatch', 'lib\\x', 'lib/\u001b[2J', 'lib//x', './x', ''];
const GOOD = ['batchwise/openaiBatch', 'src/lib/llm/openaiBatch', 'tools/@llm/openai-batch_v2', 'lib/batch.helper'];

test('helperPathProblem and the schema pattern agree: relative, inside, plain characters', () => {
  const pattern = new RegExp(schema.properties.helperPath.pattern);
  for (const v of GOOD) {
    assert.equal(helperPathProblem(v), null, v);
    assert.ok(pattern.test(v), v);
  }
  for (const v of BAD) {
    assert.notEqual(helperPathProblem(v), null, JSON.stringify(v));
    // The schema lets through only what the check lets through (an empty segment is the check's alone).
    if (!['lib//x', './x'].includes(v)) assert.equal(pattern.test(v), false, JSON.stringify(v));
  }
});

test('the editor setting (a repository\'s .vscode/settings.json) cannot send the helper out of the folder', () => {
  const dir = project();
  for (const bad of ['../../anywhere/openaiBatch', '/tmp/openaiBatch', 'a/../../x']) {
    const outcome = fixInSession(dir, bad);
    assert.equal(outcome.ok, false, bad);
    assert.match((outcome as { reason: string }).reason, new RegExp(`^batchwise\\.helperPath ${JSON.stringify(bad).replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')} \\(from the editor setting batchwise\\.helperPath\\) `));
  }
  const fine = fixInSession(dir, 'tools/llm/openaiBatch');
  assert.ok(fine.ok);
  assert.deepEqual(fine.fix.createFiles.map((c) => c.path), ['tools/llm/openaiBatch.ts']);
});

test('batchwise.config.json and the package.json key: a path out of the root is refused (exit 1) with the source named, not replaced by the default', () => {
  const dir = project();
  writeFileSync(join(dir, 'batchwise.config.json'), JSON.stringify({ helperPath: '../outside/openaiBatch' }));
  const res = spawnSync(process.execPath, [CLI, 'fix', NIGHTLY, '--line', String(nightlyLine(dir)), '--write'], { cwd: dir, encoding: 'utf8' });
  assert.equal(res.status, 1, res.stdout);
  assert.match(res.stderr, /batchwise\.helperPath "\.\.\/outside\/openaiBatch" \(from batchwise\.config\.json\) leads out of the project root/);
  assert.equal(existsSync(join(dir, 'batchwise')), false);
  assert.equal(existsSync(join(dir, '..', 'outside')), false);

  rmSync(join(dir, 'batchwise.config.json'));
  const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ ...pkg, batchwise: { helperPath: '/tmp/openaiBatch' } }));
  const outcome = fixInSession(dir, 'tools/openaiBatch');
  assert.equal(outcome.ok, false);
  assert.match((outcome as { reason: string }).reason, /\(from the "batchwise" key of package\.json\) is an absolute path/);
});

test('fix --write does not follow a batchwise/ symlink out of the root; nothing is written anywhere', () => {
  const dir = project();
  const outside = temp('bw-outside-');
  symlinkSync(outside, join(dir, 'batchwise'), 'dir');
  const before = readFileSync(join(dir, NIGHTLY), 'utf8');
  const res = spawnSync(process.execPath, [CLI, 'fix', NIGHTLY, '--line', String(nightlyLine(dir)), '--write'], { cwd: dir, encoding: 'utf8' });
  assert.equal(res.status, 1, res.stdout);
  assert.match(res.stderr, /batchwise is a symbolic link to .*, outside the project root .*; Batchwise will not write there/);
  assert.deepEqual(readdirSync(outside), []);
  assert.equal(readFileSync(join(dir, NIGHTLY), 'utf8'), before);
  // The editor's path (session.fixFor) refuses it the same way, before any edit is offered.
  const outcome = fixInSession(dir);
  assert.equal(outcome.ok, false);
  assert.match((outcome as { reason: string }).reason, /symbolic link to .*outside the project root/);
});

test('a symlink inside the root is followed; a dangling link or a link at the file itself is refused', () => {
  const dir = project();
  mkdirSync(join(dir, 'shared'));
  symlinkSync(join(dir, 'shared'), join(dir, 'batchwise'), 'dir');
  assert.equal(creationProblem(dir, 'batchwise/openaiBatch.ts'), null);
  rmSync(join(dir, 'batchwise'));
  symlinkSync(join(dir, 'nowhere'), join(dir, 'batchwise'), 'dir');
  assert.match(String(creationProblem(dir, 'batchwise/openaiBatch.ts')), /symbolic link that leads nowhere/);
  rmSync(join(dir, 'batchwise'));
  mkdirSync(join(dir, 'batchwise'));
  symlinkSync('/etc/passwd-nope', join(dir, 'batchwise', 'openaiBatch.ts'));
  assert.match(String(creationProblem(dir, 'batchwise/openaiBatch.ts')), /already exists; Batchwise never overwrites a file/);
  assert.match(String(creationProblem(dir, '../x.ts')), /not inside the project root/);
  writeFileSync(join(dir, 'lib'), 'a file');
  assert.match(String(creationProblem(dir, 'lib/openaiBatch.ts')), /lib is a file, not a folder/);
});

test('the root itself may be reached through a symlink', () => {
  const dir = project();
  const link = join(temp('bw-link-'), 'root');
  symlinkSync(dir, link, 'dir');
  assert.equal(creationProblem(link, 'batchwise/openaiBatch.ts'), null);
  const outcome = fixInSession(link);
  assert.ok(outcome.ok, !outcome.ok ? outcome.reason : '');
});

test('config problems quoting a hostile key are printed with control characters visible', () => {
  const dir = project();
  writeFileSync(join(dir, 'batchwise.config.json'), JSON.stringify({ ['\u001b]8;;http://x\u0007evil']: 1 }));
  const res = spawnSync(process.execPath, [CLI, 'fix', NIGHTLY, '--line', String(nightlyLine(dir))], { cwd: dir, encoding: 'utf8' });
  assert.equal(res.status, 0, res.stderr);
  assert.doesNotMatch(res.stderr, /[\u0000-\u0008\u000b-\u001f]/);
  assert.match(res.stderr, /unknown setting '\\x1b\]8;;http:\/\/x\\x07evil'/);
});

test('in a workspace of packages the default helper goes in the package that holds the call, where its SDK is installed; a chosen path stays where it was chosen', () => {
  const dir = temp('bw-helperpath-packages-');
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ private: true, workspaces: ['packages/*'] }));
  mkdirSync(join(dir, 'packages', 'jobs', 'scripts'), { recursive: true });
  writeFileSync(join(dir, 'packages', 'jobs', 'package.json'), JSON.stringify({ name: 'jobs', dependencies: { openai: '7.57.0' } }));
  const rel = 'packages/jobs/scripts/tag.ts';
  writeFileSync(join(dir, rel), "import OpenAI from 'openai';\nconst openai = new OpenAI();\nconst notes = ['a', 'b'];\nfor (const note of notes) {\n  const r = await openai.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: note }] });\n  console.log(r.choices[0].message.content);\n}\nexport {};\n");
  const fixOf = (editorSetting?: string) => {
    const session = new WorkspaceSession(dir, DEFAULT_OPTIONS, { helperPath: editorSetting });
    const finding = session.analyzeFiles([rel]).findings[0];
    assert.ok(finding, 'the call is found');
    assert.equal(finding.classification.verdict, 'batchable');
    return session.fixFor(finding);
  };
  const fix = fixOf();
  assert.ok(fix.ok, !fix.ok ? fix.reason : '');
  assert.deepEqual(fix.fix.createFiles.map((c) => c.path), ['packages/jobs/batchwise/openaiBatch.ts']);
  assert.match(fix.fix.edits.map((e) => e.newText).join(''), /from '\.\.\/batchwise\/openaiBatch'/);
  const chosen = fixOf('tools/openaiBatch');
  assert.ok(chosen.ok, !chosen.ok ? chosen.reason : '');
  assert.deepEqual(chosen.fix.createFiles.map((c) => c.path), ['tools/openaiBatch.ts']);
});

test('a file a fix edits (a package.json) must be a file inside the root, not reached through a link out of it', () => {
  const dir = temp('bw-edit-');
  const outside = temp('bw-edit-outside-');
  writeFileSync(join(dir, 'package.json'), '{}');
  writeFileSync(join(outside, 'package.json'), '{}');
  mkdirSync(join(dir, 'packages'));
  symlinkSync(outside, join(dir, 'packages', 'linked'));
  mkdirSync(join(dir, 'packages', 'folder.json'));
  assert.equal(editProblem(dir, 'package.json'), null);
  assert.match(String(editProblem(dir, 'packages/linked/package.json')), /outside the project root/);
  assert.match(String(editProblem(dir, '../package.json')), /not inside the project root/);
  assert.match(String(editProblem(dir, 'packages/missing/package.json')), /cannot be resolved/);
  assert.match(String(editProblem(dir, 'packages/folder.json')), /is not a file/);
});
