import { classifyTicket } from '../src/lib/classify-ticket';
import { allTickets, saveLabel } from '../src/lib/db';

async function main() {
  for (const ticket of await allTickets()) {
    await saveLabel(ticket.id, await classifyTicket(ticket.text));
  }
}

main();
