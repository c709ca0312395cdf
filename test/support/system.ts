// Debian packages the browser-driven tests need, installed once (the machines run as root).
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';

export const CHROMIUM = '/usr/bin/chromium';

/** Chromium for the page tests; with `kerberosHeaders`, also what code-server's native addon builds against. */
export function ensureDebianPackages(options: { kerberosHeaders?: boolean } = {}): void {
  const missing: string[] = [];
  if (!existsSync(CHROMIUM)) missing.push('chromium');
  if (options.kerberosHeaders && !existsSync('/usr/include/gssapi/gssapi.h')) missing.push('libkrb5-dev');
  if (missing.length === 0) return;
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  execFileSync('apt-get', ['update', '-qq'], { env, stdio: 'inherit' });
  execFileSync('apt-get', ['install', '-y', '-qq', ...missing], { env, stdio: 'inherit' });
}

/** Flags for a headless Chromium on a machine without internet: nothing in the background tries to call out. */
export const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
