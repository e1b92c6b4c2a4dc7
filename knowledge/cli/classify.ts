/**
 * `npm run --silent classify`: the contract of `../shared/eval/README.md`. Reads UTF-8 lines of
 * user text on standard input and writes, for each line and in order, one
 * `{"intent":"<id>","score":<0..1>}` line on standard output, and nothing else.
 */
import * as readline from 'node:readline';
import { loadKnowledge } from '../loader';

async function main(): Promise<void> {
  const kb = loadKnowledge();
  const input = readline.createInterface({ input: process.stdin, crlfDelay: Infinity });
  // Batch the output: one write per line would make large inputs slow.
  let buffer = '';
  for await (const line of input) {
    const result = kb.match(line);
    buffer += `${JSON.stringify({ intent: result.intent, score: result.score })}\n`;
    if (buffer.length >= 64 * 1024) {
      process.stdout.write(buffer);
      buffer = '';
    }
  }
  process.stdout.write(buffer);
}

// A reader that closes the pipe early (`| head`) is not an error.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(0);
  throw error;
});

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
});
