// What counts as starting a long-running server: the calls a server or bot file makes, and the
// look-alikes a batch script makes (a browser launch, a spinner, a start hook) that must not count.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseSource, ParsedFile } from '../../../src/core/parse/parse';
import { serverStartIn } from '../../../src/core/classify/rules/httpServers';

function parsed(text: string): ParsedFile {
  const result = parseSource('x.ts', text);
  assert.ok(result.ok);
  return result;
}

const STARTS: [string, string][] = [
  ['app.listen(3000);', 'app.listen'],
  ["http.createServer(handler).listen(8080);", 'listen'],
  ["import { serve } from '@hono/node-server'; serve({ fetch: app.fetch });", 'serve'],
  ['Bun.serve({ fetch() { return new Response(); } });', 'Bun.serve'],
  ['Deno.serve((req) => new Response());', 'Deno.serve'],
  ['await slackApp.start(3000);', 'slackApp.start'],
  ['client.login(process.env.TOKEN);', 'client.login'],
  ['bot.launch();', 'bot.launch'],
  ['const wss = new WebSocketServer({ port: 8080 });', 'WebSocketServer'],
  ["server.bindAsync('0.0.0.0:50051', grpc.ServerCredentials.createInsecure(), () => {});", 'server.bindAsync'],
  ['const bot = new TelegramBot(process.env.TOKEN, { polling: true });', 'TelegramBot'],
  ["const { Client } = require('whatsapp-web.js'); const client = new Client(); client.initialize();", 'client.initialize'],
];

const LOOKALIKES = [
  "const browser = await puppeteer.launch(); const page = await browser.newPage();",
  "const spinner = ora('Tagging').start(); spinner.succeed();",
  "bar.start(100, 0);",
  "bot.start((ctx) => ctx.reply('hi'));",
  "await mega.login(user, password);",
  "const s = new Set(); const m = new Map();",
  // Other SDKs' initialize() and a polling option turned off start nothing.
  "await client.initialize({ apiKey });",
  "const bot = new TelegramBot(token, { polling: false });",
  "await server.bind(path);",
];

test('server and bot starts are recognised, with what starts them', () => {
  for (const [text, what] of STARTS) {
    const start = serverStartIn(parsed(text));
    assert.ok(start, text);
    assert.ok(start.what.includes(what), `${text}: ${start.what}`);
  }
});

test('look-alikes in batch scripts do not start a server', () => {
  for (const text of LOOKALIKES) assert.equal(serverStartIn(parsed(text)), null, text);
});
