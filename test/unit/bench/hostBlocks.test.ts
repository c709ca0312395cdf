// bench/hostBlocks.ts: the longest runs of busy samples in a CPU profile, and whose code they were.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { longestBlocks } from '../../../bench/hostBlocks';

const frame = (functionName: string, url = '') => ({ functionName, url, lineNumber: 0, columnNumber: 0, scriptId: '0' });

// root → idle; root → host loop → (ours | theirs)
const PROFILE = {
  nodes: [
    { id: 1, callFrame: frame('(root)'), children: [2, 3] },
    { id: 2, callFrame: frame('(idle)') },
    { id: 3, callFrame: frame('processImmediate', 'node:internal/timers'), children: [4, 5] },
    { id: 4, callFrame: frame('load', 'file:///x/batchwise/dist/client.js') },
    { id: 5, callFrame: frame('render', 'file:///vscode/extensions/markdown/dist/extension.js') },
  ],
  // Deltas in µs: a 3 ms block of ours (then idle), a 10 ms block of theirs with 1 ms of ours in it.
  samples: [2, 4, 4, 4, 2, 5, 5, 4, 5, 2],
  timeDeltas: [0, 1000, 1000, 1000, 500, 4000, 4000, 1000, 1000, 500],
};

test('blocks are runs of busy samples, longest first, each with the time its frames took', () => {
  const blocks = longestBlocks(PROFILE, 5);
  assert.deepEqual(blocks.map((b) => b.ms), [10, 3]);
  assert.deepEqual(blocks[0].self, [['render markdown/dist/extension.js:1', 9], ['load batchwise/dist/client.js:1', 1]]);
  assert.equal(blocks[0].entered[0][1], 10, 'all of it came in through the host loop');
});

test('with a match, the blocks with the most time under a matching script come first', () => {
  const blocks = longestBlocks(PROFILE, 5, '/batchwise/');
  assert.deepEqual(blocks.map((b) => [b.ms, b.matched]), [[3, 3], [10, 1]]);
});
