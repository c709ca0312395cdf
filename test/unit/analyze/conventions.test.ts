// Conventions that make a function an entry without a registration call Batchwise can see: discord.js
// command and event modules dispatched by name, and browser-extension listeners. Each with the
// look-alike that must not count.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Analyzer } from '../../../src/core/analyze';
import { DEFAULT_OPTIONS } from '../../../src/core/model';

function verdictOf(files: Record<string, string>, file: string) {
  const result = new Analyzer({ files: Object.keys(files).filter((f) => /\.[jt]s$/.test(f)), read: (p) => files[p] }, DEFAULT_OPTIONS).run();
  const finding = result.findings.find((f) => f.site.file === file);
  assert.ok(finding, `a call is found in ${file}`);
  return { verdict: finding.classification.verdict, rules: finding.classification.evidence.map((e) => e.rule) };
}

const CALL = "await openai.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: text }] })";
const HEAD = "import OpenAI from 'openai';\nconst openai = new OpenAI();\n";

test('a discord.js slash command module (data built with SlashCommandBuilder, execute) is a bot handler, in an object or as exports', () => {
  const asExports = verdictOf(
    { 'commands/ask.ts': `${HEAD}import { SlashCommandBuilder } from 'discord.js';\nexport const data = new SlashCommandBuilder().setName('ask');\nexport async function execute(i: any) {\n  const text = i.options.getString('q');\n  ${CALL};\n}\n` },
    'commands/ask.ts',
  );
  assert.deepEqual(asExports, { verdict: 'user-waiting', rules: ['chat-bot-handler'] });
  const asObject = verdictOf(
    { 'commands/ask.js': `${HEAD}const { SlashCommandBuilder } = require('discord.js');\nmodule.exports = {\n  data: new SlashCommandBuilder().setName('ask').setDescription('Ask'),\n  async execute(i) {\n    const text = i.options.getString('q');\n    ${CALL};\n  },\n};\n` },
    'commands/ask.js',
  );
  assert.deepEqual(asObject, { verdict: 'user-waiting', rules: ['chat-bot-handler'] });
});

test('an event module is a bot handler only for a chat event; execute beside other data is not', () => {
  const module = (name: string) => ({ 'events/e.js': `${HEAD}module.exports = {\n  name: ${name},\n  async execute(message) {\n    const text = message.content;\n    ${CALL};\n  },\n};\n` });
  assert.equal(verdictOf(module("'messageCreate'"), 'events/e.js').verdict, 'user-waiting');
  assert.equal(verdictOf(module('Events.MessageCreate'), 'events/e.js').verdict, 'user-waiting');
  // Not a chat event, and not discord's shape at all: nothing says who runs it.
  assert.equal(verdictOf(module("'ready'"), 'events/e.js').verdict, 'unknown');
  assert.equal(verdictOf({ 'jobs/task.ts': `${HEAD}export const data = { name: 'nightly' };\nexport async function execute(text: string) {\n  ${CALL};\n}\n` }, 'jobs/task.ts').verdict, 'unknown');
});

test('browser-extension listeners a person is behind are user-waiting; an alarm is not one of them', () => {
  const listener = (event: string) => ({ 'src/background.ts': `${HEAD}${event}.addListener(async (msg: any) => {\n  const text = String(msg);\n  ${CALL};\n});\n` });
  for (const event of ['chrome.runtime.onMessage', 'browser.runtime.onMessage', 'chrome.contextMenus.onClicked', 'chrome.commands.onCommand']) {
    assert.deepEqual(verdictOf(listener(event), 'src/background.ts'), { verdict: 'user-waiting', rules: ['extension-event'] }, event);
  }
  assert.equal(verdictOf(listener('chrome.alarms.onAlarm'), 'src/background.ts').verdict, 'unknown');
  // Another object's addListener (an EventTarget-like emitter) is not an extension API.
  assert.equal(verdictOf(listener('emitter.runtime.onMessage'), 'src/background.ts').verdict, 'unknown');
});
