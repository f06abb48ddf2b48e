import type { Producer } from 'kafkajs';
import type { BenchContext } from '../bench-context';
import type { BenchLayout } from '../kafka/bench-layout';
import { fastEncoder } from './fast-encoder';
import { requestIdOf, serdeFor } from './preload';
import { intakeTask, type TaskKind } from './task-samples';

/** A probe task: sent alone, timed from the moment it was sent. */
export interface SentProbe {
  requestId: string;
  kind: TaskKind;
  sentAt: number;
}

/**
 * Sends single intake tasks, one record per request, the way an upstream system submits one
 * request at a time, and remembers when each was sent.
 */
export class ProbeSender {
  readonly sent = new Map<string, SentProbe>();
  readonly #context: BenchContext;
  readonly #layout: BenchLayout;
  readonly #producer: Producer;
  /** Makes request ids unique to one measurement: ingest refuses a request id seen before. */
  readonly #tag: string;
  #encode: ((value: ReturnType<typeof intakeTask>) => Buffer) | undefined;
  #count = 0;

  constructor(context: BenchContext, layout: BenchLayout, tag: string) {
    this.#context = context;
    this.#tag = tag;
    this.#layout = layout;
    this.#producer = context.kafka.producer({ allowAutoTopicCreation: false });
  }

  async start(): Promise<void> {
    const topic = this.#layout.layout.topics.intake;
    const sample = intakeTask(requestIdOf(this.#context, 'probe-sample', 0), 'high');
    this.#encode = await fastEncoder(
      serdeFor(this.#context, this.#layout),
      topic,
      'intake-task.avsc',
      sample,
    );
    await this.#producer.connect();
  }

  /** Sends one probe of each kind, concurrently. */
  async sendPair(): Promise<void> {
    await Promise.all([this.#send('high'), this.#send('standard')]);
  }

  close(): Promise<void> {
    return this.#producer.disconnect();
  }

  async #send(kind: TaskKind): Promise<void> {
    this.#count += 1;
    const requestId = requestIdOf(this.#context, `${this.#tag}-probe-${kind}`, this.#count);
    const sentAt = Date.now();
    const value = this.#encode!(intakeTask(requestId, kind, sentAt));
    this.sent.set(requestId, { requestId, kind, sentAt });
    await this.#producer.send({
      topic: this.#layout.layout.topics.intake,
      messages: [{ key: requestId, value }],
      acks: -1,
    });
  }
}
