import { Queue } from 'bullmq';

const summaries = new Queue('summarize-note', { connection: { host: '127.0.0.1', port: 6379 } });

// Saving a note answers at once; its summary is written later by src/jobs/summarize-worker.ts.
export async function POST(req: Request): Promise<Response> {
  const { id, body } = await req.json();
  await summaries.add('summarize', { noteId: id, body });
  return Response.json({ saved: id });
}
