// The requests a scheduled GitHub Actions step makes with curl or wget: path and method, as the
// scheduled-workflow rule matches them to routes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { workflowRequests } from '../../../src/core/classify/rules/schedules';

const read = (run: string) => workflowRequests(run).map((r) => `${r.method} ${r.path}`);

test('the method is -X / --request / --method when given, POST when data is sent, else GET', () => {
  assert.deepEqual(read('curl -X POST "https://a.example/api/digest"'), ['POST /api/digest']);
  assert.deepEqual(read('curl --request=PATCH https://a.example/api/p'), ['PATCH /api/p']);
  assert.deepEqual(read("curl -d '{\"all\":true}' https://a.example/api/reindex"), ['POST /api/reindex']);
  assert.deepEqual(read('wget --method=PUT -qO- $SITE/api/w'), ['PUT /api/w']);
  assert.deepEqual(read('curl --fail https://a.example/api/cleanup/'), ['GET /api/cleanup']);
});

test('hosts from secrets and variables; continued lines; several commands in one step', () => {
  assert.deepEqual(read('curl -sS \\\n  -X POST \\\n  "${{ secrets.APP_URL }}/api/cron/a" \\\n  -H "Authorization: Bearer ${{ secrets.CRON_SECRET }}"'), ['POST /api/cron/a']);
  assert.deepEqual(read('curl ${BASE}/api/one && curl -X DELETE $BASE/api/two; echo done'), ['GET /api/one', 'DELETE /api/two']);
});

test('a URL outside a curl or wget command is no request', () => {
  assert.deepEqual(read('echo https://a.example/api/not-called\nnode scripts/run.js https://a.example/api/arg'), []);
  assert.deepEqual(read('npm run digest'), []);
});

test('the command is shown as far as the URL, on one line', () => {
  const [r] = workflowRequests('curl -L -sS -X POST "https://a.example/api/x" \\\n  -H "Authorization: Bearer ${{ secrets.T }}"');
  assert.equal(r.command, 'curl -L -sS -X POST "https://a.example/api/x"');
});
