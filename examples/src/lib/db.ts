export interface Note {
  id: string;
  title: string;
  body: string;
}

export interface Ticket {
  id: string;
  text: string;
}

const notes: Note[] = [
  { id: 'n1', title: 'Quarterly planning', body: 'We agreed to ship search before the offsite.' },
  { id: 'n2', title: 'Hiring', body: 'Two backend roles open; interviews start Monday.' },
];

export async function notesChangedSince(_since: Date): Promise<Note[]> {
  return notes;
}

export async function saveSummary(noteId: string, summary: string | null): Promise<void> {
  console.log(`summary for ${noteId}: ${summary}`);
}

export async function allTickets(): Promise<Ticket[]> {
  return [{ id: 't1', text: 'The export button does nothing.' }];
}

export async function saveLabel(ticketId: string, label: string): Promise<void> {
  console.log(`ticket ${ticketId} -> ${label}`);
}

export async function untaggedNotes(): Promise<Note[]> {
  return notes;
}

export async function saveTags(noteId: string, tags: string[]): Promise<void> {
  console.log(`tags for ${noteId}: ${tags.join(', ')}`);
}
