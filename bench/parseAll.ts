// Child process of the bench: reads every JS/TS file an audit of <dir> would consider and, unless
// --scan-only, parses each with typescript-estree as the engine does, keeping nothing. Prints one
// JSON line (ParseAllReport). With --scan-only it is the bench's floor when ripgrep is missing:
// the same fixed-string test for SDK tokens, with no parse.
//   node out/bench/parseAll.js <dir> [--scan-only]
import { join, resolve } from 'node:path';
import { hasSdkToken, listSourceFiles, parseSource, readSourceFile } from './engine';

export interface ParseAllReport {
  files: number;
  bytes: number;
  sdkFiles: number;
  parsed: number;
  /** Syntax errors, and files the engine refuses to parse (too large, minified, binary, unreadable). */
  notParsed: number;
}

function main(): void {
  const dir = resolve(process.argv[2] ?? '.');
  const scanOnly = process.argv.includes('--scan-only');
  const report: ParseAllReport = { files: 0, bytes: 0, sdkFiles: 0, parsed: 0, notParsed: 0 };
  for (const rel of listSourceFiles(dir)) {
    report.files++;
    const read = readSourceFile(join(dir, rel));
    if (!read.ok) {
      report.notParsed++;
      continue;
    }
    report.bytes += Buffer.byteLength(read.text);
    if (hasSdkToken(read.text)) report.sdkFiles++;
    if (scanOnly) continue;
    if (parseSource(rel, read.text).ok) report.parsed++;
    else report.notParsed++;
  }
  process.stdout.write(JSON.stringify(report) + '\n');
}

main();
