import { openai } from '../../../lib/openai';

// The in-app assistant: the user watches the answer stream in.
export async function POST(req: Request): Promise<Response> {
  const { messages } = await req.json();
  const stream = await openai.chat.completions.create({
    model: 'gpt-4o',
    stream: true,
    messages: [{ role: 'system', content: 'You are the Acme Notes assistant. Be brief.' }, ...messages],
  });
  const encoder = new TextEncoder();
  const body = new ReadableStream({
    async start(controller) {
      for await (const chunk of stream) {
        controller.enqueue(encoder.encode(chunk.choices[0]?.delta?.content ?? ''));
      }
      controller.close();
    },
  });
  return new Response(body, { headers: { 'Content-Type': 'text/plain; charset=utf-8' } });
}
