import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cronRunsPerDay } from '../../../src/core/classify/rules/schedules';

test('cron expressions: runs per day', () => {
  assert.equal(cronRunsPerDay('0 6 * * *'), 1);
  assert.equal(cronRunsPerDay('*/15 * * * *'), 96);
  assert.equal(cronRunsPerDay('0 */6 * * *'), 4);
  assert.equal(cronRunsPerDay('0 9,17 * * *'), 2);
  assert.equal(cronRunsPerDay('30 2 * * 1-5'), 5 / 7);
  assert.equal(cronRunsPerDay('0 0 * * * *'), 24, 'six fields: seconds first, so hourly');
  assert.equal(cronRunsPerDay('0 * * * * *'), 1440, 'six fields: every minute');
  assert.equal(cronRunsPerDay('@daily'), null);
  assert.equal(cronRunsPerDay('0 25 * * *'), null);
});
