import { classifyTicket } from '../../../lib/classify-ticket';

// The support form shows the label as soon as the ticket is filed.
export async function POST(req: Request): Promise<Response> {
  const { text } = await req.json();
  const label = await classifyTicket(text);
  return Response.json({ label });
}
