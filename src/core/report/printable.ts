// Text from the workspace (file names, string literals, model names, messages) on its way to a
// terminal, a CI log, a Markdown page or a spreadsheet: control characters are shown, not obeyed.
// ESC would start a terminal sequence (`\x1b[2J` clears the screen, OSC 8 hides a link), BEL rings,
// CR and LF forge report lines in a log, C1 controls are sequences of their own on some terminals, and
// the bidirectional overrides and isolates make text read in another order than it is stored.

/** C0 and C1 controls, DEL, the line and paragraph separators, and the bidirectional formatting characters. */
const UNPRINTABLE = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

/** The same, less the C0 controls: JSON.stringify escapes those in strings, and its line breaks between values are layout. */
const UNPRINTABLE_IN_JSON = /[\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

const NAMED: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

/** One line of visible text: each character above written as an escape (`\n`, `\x1b`, `\u202e`). */
export function printable(s: string): string {
  return s.replace(UNPRINTABLE, (c) => {
    const named = NAMED[c];
    if (named) return named;
    const code = c.charCodeAt(0);
    return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
  });
}

/**
 * JSON text for a document that may be printed to a terminal: JSON.stringify escapes the C0 controls
 * already; the C1 controls, separators and bidirectional characters are escaped here too (`\u009b`),
 * which JSON reads back as the same characters.
 */
export function toJsonText(value: unknown, indent = 2): string {
  return JSON.stringify(value, null, indent).replace(UNPRINTABLE_IN_JSON, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
