import { openai } from '../src/lib/openai';
import { notesChangedSince, saveSummary } from '../src/lib/db';

// Runs every night from the scheduler: summarise every note edited in the last day.
async function main() {
  const since = new Date(Date.now() - 24 * 60 * 60 * 1000);
  const notes = await notesChangedSince(since);
  // batchwise: batch 5000/day
  for (const note of notes) {
    const res = await openai.chat.completions.create({
      model: 'gpt-4o-mini',
      max_tokens: 200,
      messages: [
        { role: 'system', content: 'Summarise the note in two sentences for a weekly digest. Keep names and dates.' },
        { role: 'user', content: `${note.title}\n\n${note.body}` },
      ],
    });
    await saveSummary(note.id, res.choices[0].message.content);
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
