// Writes stay inside the project root: a relative path is followed on disk, component by component,
// and a symbolic link (a `batchwise/` that points elsewhere) that leads out of the root, or nowhere, is
// refused. An existing file at the target is refused too: Batchwise never overwrites one.
import { lstatSync, realpathSync, statSync } from 'node:fs';
import { isAbsolute, join, relative, sep } from 'node:path';

/** Why creating the file `rel` (relative, '/' separators) under `root` is refused, or null. */
export function creationProblem(root: string, rel: string): string | null {
  if (isAbsolute(rel) || rel.split('/').includes('..')) return `${rel} is not inside the project root`;
  let realRoot: string;
  try {
    realRoot = realpathSync(root);
  } catch (err) {
    return `the project root ${root} cannot be resolved (${(err as Error).message})`;
  }
  const parts = rel.split('/');
  let at = realRoot;
  for (const [i, part] of parts.entries()) {
    at = join(at, part);
    const shown = parts.slice(0, i + 1).join('/');
    let stat;
    try {
      stat = lstatSync(at);
    } catch {
      return null; // the rest does not exist: it is created here, inside the root
    }
    if (i === parts.length - 1) return `${shown} already exists; Batchwise never overwrites a file`;
    if (stat.isSymbolicLink()) {
      let target: string;
      try {
        target = realpathSync(at);
      } catch {
        return `${shown} is a symbolic link that leads nowhere; Batchwise will not create files through it`;
      }
      if (!isInside(realRoot, target)) return `${shown} is a symbolic link to ${target}, outside the project root ${realRoot}; Batchwise will not write there`;
      at = target;
    } else if (!stat.isDirectory()) {
      return `${shown} is a file, not a folder`;
    }
  }
  return null;
}

export function isInside(root: string, path: string): boolean {
  const r = relative(root, path);
  return r === '' || (!isAbsolute(r) && r !== '..' && !r.startsWith(`..${sep}`));
}

/** Why editing the existing file `rel` (relative, '/' separators) under `root` is refused, or null: it must be a file inside the root, reached without leaving it. */
export function editProblem(root: string, rel: string): string | null {
  if (isAbsolute(rel) || rel.split('/').includes('..')) return `${rel} is not inside the project root`;
  let realRoot: string;
  let target: string;
  try {
    realRoot = realpathSync(root);
    target = realpathSync(join(root, rel));
  } catch (err) {
    return `${rel} cannot be resolved (${(err as Error).message})`;
  }
  if (!isInside(realRoot, target)) return `${rel} leads to ${target}, outside the project root ${realRoot}; Batchwise will not write there`;
  if (!statSync(target).isFile()) return `${rel} is not a file`;
  return null;
}
