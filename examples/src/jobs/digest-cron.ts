import cron from 'node-cron';
import { anthropic, DIGEST_MODEL } from '../lib/anthropic';
import { notesChangedSince } from '../lib/db';

// Every morning at 06:00, write the team digest.
cron.schedule('0 6 * * *', async () => {
  const notes = await notesChangedSince(new Date(Date.now() - 86_400_000));
  const digest = await anthropic.messages.create({
    model: DIGEST_MODEL,
    max_tokens: 1024,
    system: 'You write a short, friendly morning digest of what the team wrote yesterday.',
    messages: [{ role: 'user', content: notes.map((n) => `# ${n.title}\n${n.body}`).join('\n\n') }],
  });
  console.log(digest.content);
});
