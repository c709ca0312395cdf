// Suggests tags for every note that has none yet. Run by hand after an import: npm run tag
// Written with the Vercel AI SDK; Batchwise reads the provider and model off `model`.
import { generateText } from 'ai';
import { openai } from '@ai-sdk/openai';
import { saveTags, untaggedNotes } from '../src/lib/db';

async function main() {
  const notes = await untaggedNotes();
  const tagged = await Promise.all(
    notes.map(async (note) => {
      const { text } = await generateText({
        model: openai('gpt-4.1-mini'),
        system: 'Suggest up to three short tags for the note, comma-separated, lower case.',
        prompt: `${note.title}\n\n${note.body}`,
        maxOutputTokens: 30,
      });
      return { id: note.id, tags: text.split(',').map((t) => t.trim()) };
    }),
  );
  for (const t of tagged) await saveTags(t.id, t.tags);
}

main();
