import { context, trace, SpanKind, SpanStatusCode, type Attributes, type Span } from '@opentelemetry/api';
import { NodeTracerProvider, type ReadableSpan, type SpanProcessor, type Span as SdkSpan } from '@opentelemetry/sdk-trace-node';
import type { Context } from '@opentelemetry/api';

/**
 * Tracing: one span per turn and one per call the turn makes to an outside system (state
 * store, case store, rate limiter, portal directory, mail, escalation outbox). Spans carry
 * names, adapter kinds, outcomes and error codes only: never a key, an id of a person, an
 * address, a date or message text (test/telemetry/privacy.test.ts greps for them).
 *
 * Without Azure Monitor the spans are not exported anywhere; they still give each log line
 * written during a turn the turn's trace id, so one turn's lines can be found together.
 */

/** The name every span of the bot is recorded under. */
export const TRACER_NAME = 'uhs-portal-help-bot';

/**
 * Span processors added at run time (tests record spans with one). The provider's processor
 * list is fixed once it is registered, so it holds this fan-out and the fan-out holds the list.
 */
class FanOutProcessor implements SpanProcessor {
  readonly processors: SpanProcessor[] = [];

  onStart(span: SdkSpan, parent: Context): void {
    for (const p of this.processors) p.onStart(span, parent);
  }

  onEnd(span: ReadableSpan): void {
    for (const p of this.processors) p.onEnd(span);
  }

  async forceFlush(): Promise<void> {
    await Promise.all(this.processors.map((p) => p.forceFlush()));
  }

  async shutdown(): Promise<void> {
    await Promise.all(this.processors.map((p) => p.shutdown()));
  }
}

const fanOut = new FanOutProcessor();
let started: 'local' | 'azure-monitor' | null = null;

/** Options of {@link startTracing}. */
export interface TracingOptions {
  /** APPLICATIONINSIGHTS_CONNECTION_STRING: export traces and metrics to Application Insights. */
  connectionString?: string;
}

/**
 * Registers the process-wide tracer provider once: the Azure Monitor OpenTelemetry distro when
 * a connection string is given (it also exports the metrics of `bot/telemetry/metrics.ts`),
 * else a local provider that exports nothing. Later calls return what the first one chose.
 */
export function startTracing(options: TracingOptions = {}): 'local' | 'azure-monitor' {
  if (started) return started;
  if (options.connectionString) {
    // Loaded only when used: the distro brings the whole OpenTelemetry SDK with it.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { useAzureMonitor } = require('@azure/monitor-opentelemetry') as typeof import('@azure/monitor-opentelemetry');
    useAzureMonitor({
      azureMonitorExporterOptions: { connectionString: options.connectionString },
      spanProcessors: [fanOut],
      // Our own spans describe the calls; the distro's HTTP instrumentation would record URLs
      // with query strings (Direct Line tokens), and the rest do not apply to this process.
      instrumentationOptions: { http: { enabled: false }, azureSdk: { enabled: false }, mongoDb: { enabled: false }, mySql: { enabled: false }, postgreSql: { enabled: false }, redis: { enabled: false }, redis4: { enabled: false }, bunyan: { enabled: false }, winston: { enabled: false } },
      enableLiveMetrics: false,
    });
    started = 'azure-monitor';
  } else {
    const provider = new NodeTracerProvider({ spanProcessors: [fanOut] });
    provider.register();
    started = 'local';
  }
  return started;
}

/**
 * Whether spans go anywhere: to Azure Monitor, or to a processor a test added. Without either,
 * the calls' client spans are not made: a span per store and limiter call on every turn cost
 * measurable CPU for nothing. The turn's own span is always made, since log lines carry its
 * trace id; a line logged inside a call then carries the turn's span id.
 */
export function recording(): boolean {
  return started === 'azure-monitor' || fanOut.processors.length > 0;
}

/** Adds a span processor (tests: an in-memory exporter). Starts local tracing if nothing has. */
export function addSpanProcessor(processor: SpanProcessor): () => void {
  startTracing();
  fanOut.processors.push(processor);
  return () => {
    const i = fanOut.processors.indexOf(processor);
    if (i >= 0) fanOut.processors.splice(i, 1);
  };
}

/** The bot's tracer (a no-op one until {@link startTracing} ran). */
export function tracer() {
  return trace.getTracer(TRACER_NAME);
}

/** Trace and span id of the active span, for log lines; `{}` outside any span. */
export function activeTraceIds(): { trace_id?: string; span_id?: string } {
  const span = trace.getSpan(context.active());
  if (!span) return {};
  const ids = span.spanContext();
  if (!trace.isSpanContextValid(ids)) return {};
  return { trace_id: ids.traceId, span_id: ids.spanId };
}

/** A safe error label for a span: the error's code or class name, never its message. */
export function errorType(err: unknown): string {
  if (err && typeof err === 'object') {
    const code = (err as { code?: unknown }).code;
    if (typeof code === 'string' && /^[A-Za-z0-9_.-]{1,40}$/.test(code)) return code;
    if (err instanceof Error) return err.name;
  }
  return typeof err;
}

/** Marks `span` failed with {@link errorType} (no message: messages can quote user input). */
export function failSpan(span: Span, err: unknown): void {
  span.setAttribute('error.type', errorType(err));
  span.setStatus({ code: SpanStatusCode.ERROR });
}

/** Runs `work` inside a new active span named `name`, ending it when the work settles. */
export async function inSpan<T>(name: string, attributes: Attributes, work: (span: Span) => Promise<T>, kind: SpanKind = SpanKind.INTERNAL): Promise<T> {
  return tracer().startActiveSpan(name, { kind, attributes }, async (span) => {
    try {
      return await work(span);
    } catch (err) {
      failSpan(span, err);
      throw err;
    } finally {
      span.end();
    }
  });
}

/**
 * Wraps the named async methods of `target` in client spans `<prefix>.<method>` (while
 * {@link recording}), with the fixed `attributes` only (arguments are never recorded: they are
 * keys, emails, mail). Other properties (`kind`, `transport`, event methods) pass through
 * untouched.
 */
export function traced<T extends object>(target: T, prefix: string, methods: ReadonlyArray<keyof T & string>, attributes: Attributes = {}): T {
  const wrapped = new Map<PropertyKey, unknown>();
  for (const method of methods) {
    const original = target[method];
    if (typeof original !== 'function') continue;
    const name = `${prefix}.${method}`;
    const call = (args: unknown[]) => (original as (...a: unknown[]) => Promise<unknown>).apply(target, args);
    wrapped.set(method, (...args: unknown[]) => (recording() ? inSpan(name, attributes, () => call(args), SpanKind.CLIENT) : call(args)));
  }
  // Other methods are bound once, not on every access (the stores are called on every turn).
  const bound = new Map<PropertyKey, { of: unknown; fn: unknown }>();
  return new Proxy(target, {
    get(obj, prop, receiver) {
      if (wrapped.has(prop)) return wrapped.get(prop);
      const value = Reflect.get(obj, prop, receiver) as unknown;
      if (typeof value !== 'function') return value;
      const cached = bound.get(prop);
      if (cached && cached.of === value) return cached.fn;
      const fn = (value as (...a: unknown[]) => unknown).bind(obj);
      bound.set(prop, { of: value, fn });
      return fn;
    },
  });
}
