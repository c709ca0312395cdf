// The @vscode/test-electron contract: the extension host loads this file and awaits run().
import Mocha from 'mocha';
import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export async function run(): Promise<void> {
  // A test waits up to 90 s for each event it needs (WAIT_MS in extension.test.ts), some for several.
  const mocha = new Mocha({ ui: 'tdd', color: false, timeout: 300_000 });
  for (const f of readdirSync(__dirname).filter((name) => name.endsWith('.test.js')).sort()) mocha.addFile(join(__dirname, f));
  let passes = 0;
  const failures = await new Promise<number>((resolve) => mocha.run(resolve).on('pass', () => passes++));
  if (process.env.EXT_TEST_RESULT) writeFileSync(process.env.EXT_TEST_RESULT, JSON.stringify({ passes, failures }));
  if (failures > 0) throw new Error(`${failures} integration test(s) failed`);
}
