// The two integration runners run one suite: code-server's (offline, the default) and
// @vscode/test-electron's (wherever VS Code can be downloaded). Neither VS Code starts here.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from '../helpers';
import { prepareRun, SUITE_ENTRY, suiteEnv, USER_SETTINGS } from '../../integration/suiteEntry';
import { codeServerPayload } from '../../integration/runVSCode';
import { DEFAULT_VERSION, downloadProblem, electronOptions, UNAVAILABLE } from '../../integration/runElectron';

const RUNNER = join(REPO_ROOT, 'out', 'test', 'integration', 'runElectron.js');
const run = { workspace: '/tmp/ws', userData: '/tmp/ud', extensionsDir: '/tmp/ext' };

test('both runners load the same compiled suite entry, which exports run()', () => {
  assert.equal(SUITE_ENTRY, join(REPO_ROOT, 'out', 'test', 'integration', 'suite', 'index.js'));
  assert.ok(existsSync(SUITE_ENTRY), 'compiled');
  const payload = new Map(codeServerPayload(4242));
  assert.equal(payload.get('extensionTestsPath'), `vscode-remote://127.0.0.1:4242${SUITE_ENTRY}`);
  assert.equal(payload.get('extensionDevelopmentPath'), `vscode-remote://127.0.0.1:4242${REPO_ROOT}`);
  const electron = electronOptions(run, '/tmp/result.json', {});
  assert.equal(electron.extensionTestsPath, SUITE_ENTRY);
  assert.equal(electron.extensionDevelopmentPath, REPO_ROOT);
  // The contract: the extension host requires the entry and awaits its run().
  assert.equal(typeof (require(SUITE_ENTRY) as { run?: unknown }).run, 'function');
});

test('the electron run gets the suite environment, the workspace first, and the version asked for', () => {
  const o = electronOptions(run, '/tmp/result.json', {});
  assert.deepEqual(o.extensionTestsEnv, suiteEnv('/tmp/result.json'));
  assert.equal(o.launchArgs![0], '/tmp/ws');
  assert.equal(o.version, DEFAULT_VERSION);
  assert.equal(DEFAULT_VERSION, (require(join(REPO_ROOT, 'package.json')) as { engines: { vscode: string } }).engines.vscode.replace(/^\^/, ''), 'the oldest VS Code engines.vscode allows');
  const chosen = electronOptions(run, '/tmp/result.json', { BATCHWISE_VSCODE_VERSION: 'stable', BATCHWISE_VSCODE_EXECUTABLE: '/opt/code/code' });
  assert.deepEqual([chosen.version, chosen.vscodeExecutablePath], ['stable', '/opt/code/code']);
});

test('where VS Code cannot be downloaded the electron runner stops at once with exit 2 and says what to run instead', async () => {
  assert.match((await downloadProblem('vscode.invalid'))!, /^vscode\.invalid cannot be reached \(/);
  const res = spawnSync(process.execPath, [RUNNER, '--result', join(REPO_ROOT, 'test-output', 'electron-unavailable.json')], {
    encoding: 'utf8',
    env: { ...process.env, BATCHWISE_VSCODE_DOWNLOAD_HOST: 'vscode.invalid', BATCHWISE_VSCODE_EXECUTABLE: '' },
    timeout: 120_000,
  });
  assert.equal(res.status, UNAVAILABLE, res.stderr);
  assert.match(res.stderr, /^runElectron: VS Code cannot be downloaded here: vscode\.invalid cannot be reached/);
  assert.match(res.stderr, /runVSCode\.js/);
});

test('both runners start the editor with the same user settings, auto save off (the web workbench turns it on)', () => {
  const { runDir, workspace, userData } = prepareRun(join(REPO_ROOT, 'examples'));
  try {
    const written = JSON.parse(readFileSync(join(userData, 'User', 'settings.json'), 'utf8')) as Record<string, unknown>;
    assert.deepEqual(written, USER_SETTINGS);
    assert.equal(written['files.autoSave'], 'off');
    assert.ok(existsSync(join(workspace, 'package.json')), 'the workspace is a copy of the examples');
  } finally {
    rmSync(runDir, { recursive: true, force: true });
  }
});
