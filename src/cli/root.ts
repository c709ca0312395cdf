import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** The project root of a file: the nearest folder above it with a package.json, else the file's folder. */
export function findRoot(file: string): string {
  let dir = dirname(file);
  for (;;) {
    if (existsSync(join(dir, 'package.json'))) return dir;
    const up = dirname(dir);
    if (up === dir) return dirname(file);
    dir = up;
  }
}
