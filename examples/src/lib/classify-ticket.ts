import { openai } from './openai';

const LABELS = ['bug', 'billing', 'feature-request', 'other'];

// Shared by the support form (a person waits for the label) and the nightly re-labelling script.
export async function classifyTicket(text: string): Promise<string> {
  const res = await openai.chat.completions.create({
    model: 'gpt-4.1-mini',
    max_tokens: 5,
    messages: [
      { role: 'system', content: `Label the support ticket with one of: ${LABELS.join(', ')}. Answer with the label only.` },
      { role: 'user', content: text },
    ],
  });
  return res.choices[0].message.content?.trim() ?? 'other';
}
