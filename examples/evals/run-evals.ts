import Anthropic from '@anthropic-ai/sdk';

const claude = new Anthropic();

const cases = [
  { question: 'What is 2 + 2?', expected: '4' },
  { question: 'Capital of France?', expected: 'Paris' },
];

// Grades the assistant prompt against the golden set.
export async function runEvals() {
  const results = await Promise.all(
    cases.map(async (c) => {
      const msg = await claude.messages.create({
        model: 'claude-haiku-4-5',
        max_tokens: 50,
        messages: [{ role: 'user', content: c.question }],
      });
      const text = msg.content[0].type === 'text' ? msg.content[0].text : '';
      return { ...c, pass: text.includes(c.expected) };
    }),
  );
  console.table(results);
}

runEvals();
