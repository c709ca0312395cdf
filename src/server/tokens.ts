// The token-counting worker of the language server (src/workspace/tokenThread.ts). Light on purpose:
// the server bundle starts it before it loads the engine.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { TokenThread } from '../workspace/tokenThread';

/** The worker beside this bundle (dist/tokenWorker.js), or undefined where there is none (unbundled runs). */
export function startTokenWorker(): TokenThread | undefined {
  const script = join(__dirname, 'tokenWorker.js');
  return existsSync(script) ? TokenThread.start(script) : undefined;
}
