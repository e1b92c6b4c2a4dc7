import type { Activity } from 'botbuilder';
import { z } from 'zod';

/**
 * A mention as botbuilder reads it (`TurnContext.removeRecipientMention` and friends dereference
 * `mentioned.id` without a check, so one without it made the whole turn fail).
 */
const mentionSchema = z.looseObject({
  type: z.literal('mention'),
  mentioned: z.looseObject({ id: z.string(), name: z.string().optional() }),
  text: z.string().optional(),
});

/** Any other entity: an object with a string type (botbuilder filters entities by it). */
const otherEntitySchema = z.looseObject({ type: z.string().refine((type) => type !== 'mention') });

/**
 * Keeps the well-formed entities of an incoming activity and drops the rest. Entities are client
 * input; a malformed one is ignored rather than allowed to break botbuilder's helpers.
 */
export function dropMalformedEntities(activity: Partial<Activity>): void {
  if (activity.entities === undefined) return;
  const entities: unknown = activity.entities;
  activity.entities = Array.isArray(entities)
    ? (entities.filter((entity) => mentionSchema.safeParse(entity).success || otherEntitySchema.safeParse(entity).success) as Activity['entities'])
    : [];
}
