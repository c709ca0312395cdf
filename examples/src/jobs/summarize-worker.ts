import { Worker } from 'bullmq';
import { anthropic, DIGEST_MODEL } from '../lib/anthropic';
import { saveSummary } from '../lib/db';

// Summarises each note after it is saved, in the background: up to 50 jobs at once, and nobody waits
// for them (the note page shows the summary whenever it is there).
export const summarizeWorker = new Worker(
  'summarize-note',
  async (job) => {
    const summary = await anthropic.messages.create({
      model: DIGEST_MODEL,
      max_tokens: 300,
      system: 'Summarise the note in two sentences.',
      messages: [{ role: 'user', content: job.data.body }],
    });
    const first = summary.content[0];
    await saveSummary(job.data.noteId, first?.type === 'text' ? first.text : null);
  },
  { concurrency: 50, connection: { host: '127.0.0.1', port: 6379 } },
);
