/**
 * `npm run bench:listen`: what the one recogniser costs per message. It runs on every message
 * typed while a dialog waits (the bench script's "Yes", email and date of birth among them),
 * and its cheap checks (thanks, follow-ups, facts said in passing) on every turn. Prints the
 * median and p99 per call, over the answers of the conversation tests and their typical forms,
 * with the matcher's own time left in (a message that is not plainly the prompt's answer asks it).
 */
import { performance } from 'node:perf_hooks';
import { loadKnowledge } from '../../knowledge/loader';
import { hear, isThanks, isFollowUp, readFacts, type PromptInfo } from '../../dialogs/prompts/recognizer';

const ROUNDS = 2_000;

const PROMPTS: Array<[PromptInfo, string[]]> = [
  [{ kind: 'yes-no', choices: ['Yes', 'No'], ownIntents: new Set(['register-not-active']) }, ['Yes', 'yeah', 'whatever yes', 'no thanks', 'how do I get my medical records?', 'this is useless, I want to talk to a human']],
  [{ kind: 'email', ownIntents: new Set(['register-not-active']) }, ['bench.x@umass.edu', 'jdoe @ umass.edu', 'i dont remember which email i used']],
  [{ kind: 'dob', ownIntents: new Set(['register-not-active']) }, ['01/02/2000', 'april 15 2003']],
  [{ kind: 'worked', choices: ['Yes, it worked', 'No, still failing'], ownIntents: new Set(['upload-problem']) }, ['already did', 'nope', 'thanks!!']],
  [{ kind: 'file', ownIntents: new Set(['upload-problem']) }, ['IMG_0412.HEIC', 'can I talk to a real person']],
  [{ kind: 'description', ownIntents: new Set(['human-handoff']), inHandoff: true }, ['it doesnt work', "huh? i dont need the help desk, i just want to change my address"]],
];

function quantile(sorted: readonly number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
}

function main(): void {
  const knowledge = loadKnowledge();
  // The bot has checked emergencies before the recogniser runs, as in the main dialog.
  const listening = { isEmergency: () => false, match: (t: string) => knowledge.match(t) };
  const perKind = new Map<string, number[]>();
  const everyTurn: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    for (const [prompt, texts] of PROMPTS) {
      for (const text of texts) {
        const start = performance.now();
        hear(text, prompt, listening);
        const took = performance.now() - start;
        const times = perKind.get(prompt.kind) ?? [];
        times.push(took);
        perKind.set(prompt.kind, times);
        const cheap = performance.now();
        isThanks(text);
        isFollowUp(text);
        readFacts(text);
        everyTurn.push(performance.now() - cheap);
      }
    }
  }
  const fmt = (x: number) => `${(x * 1000).toFixed(1)} µs`;
  console.log('hear() per message typed at a prompt (matcher included when it is asked):');
  for (const [kind, times] of perKind) {
    times.sort((a, b) => a - b);
    console.log(`  ${kind.padEnd(12)} median ${fmt(quantile(times, 0.5))}  p99 ${fmt(quantile(times, 0.99))}`);
  }
  everyTurn.sort((a, b) => a - b);
  console.log(`checks on every turn (thanks, follow-up, facts): median ${fmt(quantile(everyTurn, 0.5))}  p99 ${fmt(quantile(everyTurn, 0.99))}`);
}

main();
