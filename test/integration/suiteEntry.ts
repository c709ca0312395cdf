// What both integration runners share, so they run the same suite the same way: the compiled suite entry
// (@vscode/test-electron's contract: an index.js exporting run()), its environment, and the throw-away
// copy of the example workspace it runs on.
//   runVSCode.ts   – code-server (VS Code's server and workbench) in Chromium: works offline, the default here
//   runElectron.ts – desktop VS Code through @vscode/test-electron, wherever VS Code can be downloaded
import { cpSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

/** The repository, from out/test/integration (compiled). */
export const ROOT = resolve(__dirname, '..', '..', '..');
/** The suite both runners load. */
export const SUITE_ENTRY = join(ROOT, 'out', 'test', 'integration', 'suite', 'index.js');
export const DEFAULT_RESULT = join(ROOT, 'test-output', 'integration.json');

/** The extension host's environment for the suite: where it writes its counts, and the server's test hooks. */
export function suiteEnv(resultFile: string): Record<string, string> {
  return { EXT_TEST_RESULT: resultFile, BATCHWISE_TEST_HOOKS: '1' };
}

/**
 * User settings for a quiet editor: no start page, telemetry, updates, AI features or git; and no auto
 * save, which the web workbench (code-server) turns on by default (after 1 s) and desktop VS Code does
 * not: the suite's unsaved edits stay unsaved until it saves them, under both runners, however slow the
 * machine (an edit saved on its own before a revert made the revert bring the edit back).
 */
export const USER_SETTINGS = {
  'workbench.startupEditor': 'none', 'telemetry.telemetryLevel': 'off', 'update.mode': 'none', 'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false, 'workbench.enableExperiments': false, 'chat.disableAIFeatures': true, 'git.enabled': false,
  'files.autoSave': 'off',
};

/**
 * A throw-away copy of the workspace (the suite applies fixes; the repository's examples stay as they
 * are) and a user-data folder with USER_SETTINGS, both under one folder to remove afterwards.
 */
export function prepareRun(source = join(ROOT, 'examples')): { runDir: string; workspace: string; userData: string } {
  const runDir = mkdtempSync(join(tmpdir(), 'batchwise-it-'));
  const workspace = join(runDir, 'workspace');
  cpSync(resolve(source), workspace, { recursive: true });
  const userData = join(runDir, 'user-data');
  mkdirSync(join(userData, 'User'), { recursive: true });
  writeFileSync(join(userData, 'User', 'settings.json'), JSON.stringify(USER_SETTINGS));
  return { runDir, workspace, userData };
}
