// Imported first by the worker: stacks in reproducers name TypeScript lines, and go deep enough to show a recursion.
process.setSourceMapsEnabled(true);
Error.stackTraceLimit = 60;
