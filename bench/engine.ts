// What the bench borrows from the engine: which files an audit considers, how it reads and parses
// them, and the text markers its prefilter looks for. Kept in this one file so that a rewrite of the
// engine changes the bench in one place.
import { listSourceFiles, readSourceFile } from '../src/workspace/scan';
import { parseSource } from '../src/core/parse/parse';
import { SDK_TEXT_MARKERS } from '../src/core/detect/catalogue';

export { listSourceFiles, readSourceFile, parseSource };

/** The fixed strings that make a file one "with SDK tokens": the engine's own prefilter markers. */
export const SDK_MARKERS: readonly string[] = SDK_TEXT_MARKERS;

export function hasSdkToken(text: string): boolean {
  return SDK_MARKERS.some((m) => text.includes(m));
}
