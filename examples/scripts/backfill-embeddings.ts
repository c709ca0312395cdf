#!/usr/bin/env node
import OpenAI from 'openai';
import { readFileSync } from 'node:fs';

const client = new OpenAI();

// Re-embeds the whole knowledge base after a model change.
async function backfill(path: string) {
  const chunks: { id: string; text: string }[] = readFileSync(path, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line));
  for (const chunk of chunks) {
    const { data } = await client.embeddings.create({ model: 'text-embedding-3-small', input: chunk.text });
    console.log(chunk.id, data[0].embedding.length);
  }
}

backfill(process.argv[2] ?? 'chunks.jsonl');
