import * as path from 'node:path';
import { conversationsDir, loadConversations, runConversation } from '../support/conversations';

/**
 * `npm run eval:conversations`: plays every conversation of `test/conversations/*.yaml` and
 * prints PASS or FAIL per conversation (with what failed), then the totals. Exit code 1 when
 * any failed. `-- NAME_PART` runs only the conversations whose name contains it; `-- --held-out`
 * runs the held-out set (`test/conversations/held-out/`), which is reported, never tuned on.
 */
async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const heldOut = args.includes('--held-out');
  const filter = args.find((a) => !a.startsWith('--'))?.toLowerCase();
  const dir = heldOut ? path.join(conversationsDir(), 'held-out') : conversationsDir();
  const conversations = loadConversations(dir).filter((c) => !filter || c.name.toLowerCase().includes(filter) || c.file.includes(filter));
  let passed = 0;
  for (const c of conversations) {
    const { failures } = await runConversation(c);
    if (failures.length === 0) passed += 1;
    console.log(`${failures.length ? 'FAIL' : 'PASS'}  ${c.file.replace(/\.yaml$/, '')}: ${c.name}`);
    for (const f of failures) console.log(`      ${f}`);
  }
  console.log(`\n${heldOut ? 'held-out: ' : ''}${passed}/${conversations.length} conversations passed (${conversations.length ? Math.round((passed / conversations.length) * 100) : 0}%)`);
  process.exitCode = passed === conversations.length ? 0 : 1;
}

void main();
