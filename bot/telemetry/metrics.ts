import { metrics as otelMetrics } from '@opentelemetry/api';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { TURN_OUTCOMES, type TurnOutcome } from '../../dialogs/turnOutcome';
import type { RateDecision, RateLimiter } from '../../dialogs/ports';
import type { ManagedOutbox } from '../adapters/outbox';

/**
 * The bot's metrics, recorded twice: in a prom-client registry served at `GET /metrics`
 * (Prometheus text format) when METRICS_ENABLED or METRICS_PORT is set, and through the
 * OpenTelemetry metrics API, which the Azure Monitor distro exports when
 * APPLICATIONINSIGHTS_CONNECTION_STRING is set (a no-op otherwise).
 *
 * Labels are fixed small sets (an outcome, a limit's scope): never an id, key or text.
 */

/** Turn durations in seconds: most turns take milliseconds; the turn budget is 15 s. */
const DURATION_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 15, 30];

/**
 * The scope label of a rate-limit key: the part before the first `:` (the limit's name, such as
 * `account-mail` or a dialog id), with the second part for HTTP limits (`http:ip`). Anything
 * else a key holds is a hash, and never becomes a label.
 */
export function rateLimitScope(key: string): string {
  const [first, second] = key.split(':');
  const scope = first === 'http' && second ? `http:${second}` : first;
  return /^[A-Za-z0-9_.:-]{1,60}$/.test(scope) ? scope : 'other';
}

/** The bot's counters, histogram and gauge. */
export class BotMetrics {
  /** The Prometheus registry (`GET /metrics` renders it). */
  readonly registry = new Registry();
  private readonly turns: Counter<'outcome'>;
  private readonly duration: Histogram<'outcome'>;
  private readonly escalations: Counter;
  private readonly rateLimited: Counter<'scope'>;
  private outbox: ManagedOutbox | null = null;
  private readonly otel = {
    turns: otelMetrics.getMeter('uhs-portal-help-bot').createCounter('bot_turns_total', { description: 'Message turns by outcome' }),
    duration: otelMetrics.getMeter('uhs-portal-help-bot').createHistogram('bot_turn_duration_seconds', { description: 'Duration of message turns', unit: 's' }),
    escalations: otelMetrics.getMeter('uhs-portal-help-bot').createCounter('bot_escalations_total', { description: 'Escalation emails queued for the help desk' }),
    rateLimited: otelMetrics.getMeter('uhs-portal-help-bot').createCounter('bot_rate_limited_total', { description: 'Attempts refused by a rate limit' }),
    pending: otelMetrics.getMeter('uhs-portal-help-bot').createObservableGauge('bot_outbox_pending', { description: 'Escalation emails queued, retrying or being sent' }),
  };

  constructor(options: { defaultMetrics?: boolean } = {}) {
    const registers = [this.registry];
    this.turns = new Counter({ name: 'bot_turns_total', help: 'Message turns by outcome', labelNames: ['outcome'], registers });
    this.duration = new Histogram({ name: 'bot_turn_duration_seconds', help: 'Duration of message turns in seconds', labelNames: ['outcome'], buckets: DURATION_BUCKETS, registers });
    this.escalations = new Counter({ name: 'bot_escalations_total', help: 'Escalation emails queued for the help desk', registers });
    this.rateLimited = new Counter({ name: 'bot_rate_limited_total', help: 'Attempts refused by a rate limit, by scope', labelNames: ['scope'], registers });
    // Every outcome from the start, so a rate() over a label that has not happened yet is 0, not absent.
    for (const outcome of TURN_OUTCOMES) this.turns.inc({ outcome }, 0);
    const pendingCount = () => this.pendingCount();
    new Gauge({
      name: 'bot_outbox_pending',
      help: 'Escalation emails queued, retrying or being sent',
      registers,
      async collect() {
        // A down Redis leaves the last value: the scrape still answers.
        const count = await pendingCount();
        if (count !== null) this.set(count);
      },
    });
    this.otel.pending.addCallback(async (result) => {
      const count = await this.pendingCount();
      if (count !== null) result.observe(count);
    });
    if (options.defaultMetrics !== false) collectDefaultMetrics({ register: this.registry });
  }

  /** Records one message turn. */
  turn(outcome: TurnOutcome, seconds: number): void {
    this.turns.inc({ outcome });
    this.duration.observe({ outcome }, seconds);
    this.otel.turns.add(1, { outcome });
    this.otel.duration.record(seconds, { outcome });
  }

  /** Records one escalation queued. */
  escalation(): void {
    this.escalations.inc();
    this.otel.escalations.add(1);
  }

  /** Records one attempt refused by the rate limit of `scope`. */
  limited(scope: string): void {
    this.rateLimited.inc({ scope });
    this.otel.rateLimited.add(1, { scope });
  }

  /** The outbox whose pending count `bot_outbox_pending` reports. */
  watchOutbox(outbox: ManagedOutbox): void {
    this.outbox = outbox;
  }

  /** Counts refusals of `limiter` by scope; decisions pass through unchanged. */
  countRefusals<T extends RateLimiter>(limiter: T): T {
    return intercept(limiter, 'consume', async (key: string, limit: number, windowSeconds: number): Promise<RateDecision> => {
      const decision = await limiter.consume(key, limit, windowSeconds);
      if (!decision.allowed) this.limited(rateLimitScope(key));
      return decision;
    });
  }

  /** Counts escalations queued through `outbox`. */
  countEscalations<T extends ManagedOutbox>(outbox: T): T {
    return intercept(outbox, 'enqueue', async (...args: Parameters<ManagedOutbox['enqueue']>) => {
      await outbox.enqueue(...args);
      this.escalation();
    });
  }

  /** The Prometheus text of every metric. */
  render(): Promise<string> {
    return this.registry.metrics();
  }

  /** The Content-Type of {@link render}'s text. */
  get contentType(): string {
    return this.registry.contentType;
  }

  private async pendingCount(): Promise<number | null> {
    if (!this.outbox) return null;
    try {
      return await this.outbox.pendingCount();
    } catch {
      return null;
    }
  }
}

/** `target` with method `name` replaced by `replacement`; every other property as it was. */
function intercept<T extends object>(target: T, name: string, replacement: (...args: never[]) => unknown): T {
  return new Proxy(target, {
    get(obj, prop, receiver) {
      if (prop === name) return replacement;
      const value = Reflect.get(obj, prop, receiver) as unknown;
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(obj) : value;
    },
  });
}
