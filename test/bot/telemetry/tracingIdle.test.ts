import { expect } from 'chai';
import { trace } from '@opentelemetry/api';
import { InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-node';
import { addSpanProcessor, inSpan, recording, startTracing, traced } from '../../../bot/telemetry/tracing';

/** A store-like object whose call reports the span it ran in. */
class Store {
  readonly kind = 'test';
  async get(): Promise<string | undefined> {
    return trace.getActiveSpan()?.spanContext().spanId;
  }
  async other(): Promise<string> {
    return this.kind;
  }
}

describe('Tracing with nothing recording the spans', () => {
  it("makes no client span per call, so the call runs in the turn's span", async () => {
    startTracing();
    expect(recording(), 'no test or exporter has added a processor here').to.equal(false);
    const store = traced(new Store(), 'store', ['get']);
    const [turnSpan, callSpan] = await inSpan('bot.turn', {}, async (span) => [span.spanContext().spanId, await store.get()]);
    expect(callSpan).to.equal(turnSpan);
  });

  it('makes the client span again as soon as a processor records spans', async () => {
    const exporter = new InMemorySpanExporter();
    const remove = addSpanProcessor(new SimpleSpanProcessor(exporter));
    try {
      const store = traced(new Store(), 'store', ['get']);
      const [turnSpan, callSpan] = await inSpan('bot.turn', {}, async (span) => [span.spanContext().spanId, await store.get()]);
      expect(callSpan).to.not.equal(turnSpan);
      expect(exporter.getFinishedSpans().map((s) => s.name)).to.deep.equal(['store.get', 'bot.turn']);
    } finally {
      remove();
    }
  });

  it('passes other methods through bound to the target, the same function each time', async () => {
    const store = traced(new Store(), 'store', ['get']);
    expect(store.other).to.equal(store.other);
    const other = store.other;
    expect(await other()).to.equal('test');
  });
});
