/**
 * `npm run knowledge:check`: validates every knowledge file without starting the bot. Prints
 * "Knowledge OK: N entries from M files, …", or each problem (file, entry, field) and exits 1.
 */
import { KnowledgeError, loadEntries, loadOutOfScope } from '../loader';
import { createKnowledgeBase } from '../knowledgeBase';

function main(): number {
  try {
    const { entries, files } = loadEntries(process.argv[2]);
    const outOfScope = loadOutOfScope(process.argv[3]);
    // Building the index too catches anything the matcher would trip over at start-up.
    createKnowledgeBase(entries, { outOfScope: outOfScope.topics });
    process.stdout.write(
      `Knowledge OK: ${entries.length} entries from ${files.length} files, ${outOfScope.topics.length} out-of-scope topics from ${outOfScope.files.length} files\n`,
    );
    return 0;
  } catch (error) {
    if (!(error instanceof KnowledgeError)) throw error;
    process.stderr.write(`Knowledge check failed (${error.issues.length} problem${error.issues.length === 1 ? '' : 's'}):\n${error.message}\n`);
    return 1;
  }
}

process.exitCode = main();
