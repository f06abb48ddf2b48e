import type { Producer } from 'kafkajs';
import type { Pool } from 'pg';
import type { AvroSerde, Logger, TopicLayout } from '@dsr/shared';
import type { Keyring } from '../crypto/keyring';
import type { PrivacyPolicy } from '../privacy/private-report';
import type { RandomSource } from '../privacy/random-source';

/** What the API's routes work with. */
export interface TriageContext {
  /** Connected as the service role (INSERT and SELECT only). */
  pool: Pool;
  keyring: Keyring;
  producer: Producer;
  serde: AvroSerde;
  layout: TopicLayout;
  subjectKeySecret: string;
  privacy: PrivacyPolicy;
  /** Randomness for report noise; the operating system's CSPRNG unless a test fixes a seed. */
  random?: RandomSource;
  logger: Logger;
}
