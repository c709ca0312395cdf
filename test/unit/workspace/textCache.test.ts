// The session's texts stay within their budget: least recently used first out, errors always kept.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TextCache } from '../../../src/workspace/textCache';

test('texts over the budget go least recently used first, and a text asked for again is kept', () => {
  const cache = new TextCache<{ text?: string; error?: string }>(10);
  cache.set('a', { text: 'aaaa' });
  cache.set('b', { text: 'bbbb' });
  assert.equal(cache.get('a')?.text, 'aaaa'); // a is now the most recent
  cache.set('c', { text: 'cccc' }); // 12 > 10: b goes
  assert.equal(cache.get('b'), undefined);
  assert.equal(cache.get('a')?.text, 'aaaa');
  assert.equal(cache.get('c')?.text, 'cccc');
  assert.equal(cache.size, 8);
});

test('a text larger than the whole budget stays until the next read, and errors are never dropped', () => {
  const cache = new TextCache<{ text?: string; error?: string }>(5);
  cache.set('broken', { error: 'could not be read' });
  cache.set('big', { text: 'x'.repeat(20) });
  assert.equal(cache.get('big')?.text?.length, 20);
  cache.set('small', { text: 'yy' });
  assert.equal(cache.get('big'), undefined);
  assert.equal(cache.get('small')?.text, 'yy');
  assert.equal(cache.get('broken')?.error, 'could not be read');
  assert.equal(cache.size, 2);
});

test('replacing or deleting a text keeps the count of characters right', () => {
  const cache = new TextCache<{ text?: string }>(100);
  cache.set('a', { text: 'abc' });
  cache.set('a', { text: 'abcdef' });
  assert.equal(cache.size, 6);
  cache.set('a', {});
  assert.equal(cache.size, 0);
  assert.equal(cache.get('a')?.text, undefined);
  cache.set('b', { text: 'bb' });
  cache.delete('b');
  assert.equal(cache.size, 0);
  cache.set('c', { text: 'c' });
  cache.clear();
  assert.equal(cache.size, 0);
  assert.equal(cache.get('c'), undefined);
});
