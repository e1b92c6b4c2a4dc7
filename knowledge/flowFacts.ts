import * as fs from 'node:fs';
import * as path from 'node:path';
import { parse } from 'yaml';
import { z } from 'zod';
import { projectRoot } from './projectRoot';

const text = z.string().trim().min(1);

/** The shape of `knowledge/flowFacts.yaml`; an unknown or missing key fails at start-up. */
const flowFactsSchema = z.strictObject({
  helpdeskEmail: z.email(),
  portalUrl: z.url(),
  loginUrl: z.url(),
  registrationSender: z.email(),
  resetSender: z.email(),
  browserTip: text,
  deviceTip: text,
  allergyFirst: text,
  allergyFollowUp: text,
  stiCall: text,
  spireDelay: text,
  nonUmass: text,
});

/** The FAQ facts the flows quote (see `knowledge/flowFacts.yaml`). */
export type FlowFacts = z.infer<typeof flowFactsSchema>;

/** Where the flow facts are kept. */
export function flowFactsFile(): string {
  return path.join(projectRoot(), 'knowledge', 'flowFacts.yaml');
}

/**
 * The FAQ facts the guided flows quote, read once from `knowledge/flowFacts.yaml` (data, like
 * the entries, and checked against the FAQ by the same facts test), so no FAQ fact is written
 * in code.
 */
export const FLOW_FACTS: FlowFacts = flowFactsSchema.parse(parse(fs.readFileSync(flowFactsFile(), 'utf8')));

/** The placeholder entries use for the help desk's address, filled from HELPDESK_EMAIL. */
export const HELPDESK_EMAIL_PLACEHOLDER = '{helpdeskEmail}';
