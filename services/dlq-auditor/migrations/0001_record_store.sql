-- The record store: one hash-chained, append-only table of dead-lettered and quarantined
-- records, and the data keys that make their personal part readable.
--
-- Personal data never appears in a plain column: it is sealed with AES-256-GCM under a data key
-- of its own (see data_key). The chain covers the sealed bytes and the non-personal columns, so
-- destroying a data key (crypto-shredding) leaves every hash intact.

CREATE SCHEMA IF NOT EXISTS auditor;

CREATE TABLE auditor.audit_record (
  position          bigint      PRIMARY KEY CHECK (position >= 1),
  kind              text        NOT NULL
                    CHECK (kind IN ('dead_letter', 'quarantine', 'undecodable')),
  record_id         text        NOT NULL,
  source_topic      text        NOT NULL,
  source_partition  integer     NOT NULL,
  source_offset     bigint      NOT NULL,
  occurred_at       timestamptz NOT NULL,
  ingested_at       timestamptz NOT NULL,
  request_id        text,
  action            text,
  source_system     text,
  lane              text,
  error_code        text,
  error_category    text,
  attempts          integer,
  breaker_refusal   boolean,
  received_at       timestamptz,
  deadline          timestamptz,
  reason_codes      text[],
  detail            text,
  schema_id         integer,
  master_key_id     text        NOT NULL,
  data_key_id       uuid        NOT NULL UNIQUE,
  nonce             bytea       NOT NULL,
  sealed            bytea       NOT NULL,
  prev_hash         bytea       NOT NULL CHECK (octet_length(prev_hash) = 32),
  hash              bytea       NOT NULL CHECK (octet_length(hash) = 32),
  -- A record read twice from Kafka (after a crash between the database commit and the offset
  -- commit) is recognised by its coordinates and stored once.
  UNIQUE (source_topic, source_partition, source_offset)
);

CREATE INDEX audit_record_occurred_at ON auditor.audit_record (occurred_at);
CREATE INDEX audit_record_request_id ON auditor.audit_record (request_id);

-- One data key per record, wrapped by a master key named by master_key_id. The subject's keyed
-- hash lives here rather than on the record, so it disappears together with the key.
CREATE TABLE auditor.data_key (
  id             uuid        PRIMARY KEY,
  master_key_id  text        NOT NULL,
  wrapped_key    bytea       NOT NULL,
  subject_key    text,
  occurred_at    timestamptz NOT NULL,
  created_at     timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX data_key_subject_key ON auditor.data_key (subject_key);
CREATE INDEX data_key_occurred_at ON auditor.data_key (occurred_at);

-- What the retention job destroyed and when; the proof that shredding happened.
CREATE TABLE auditor.shred_event (
  id             bigserial   PRIMARY KEY,
  data_key_id    uuid        NOT NULL UNIQUE,
  position       bigint      NOT NULL,
  master_key_id  text        NOT NULL,
  occurred_at    timestamptz NOT NULL,
  shredded_at    timestamptz NOT NULL DEFAULT now()
);

-- Settings only the owner may change; one row.
CREATE TABLE auditor.policy (
  singleton     boolean  PRIMARY KEY DEFAULT true CHECK (singleton),
  retention_ms  bigint   NOT NULL CHECK (retention_ms >= 0)
);
INSERT INTO auditor.policy (retention_ms) VALUES (730::bigint * 24 * 60 * 60 * 1000);

CREATE FUNCTION auditor.refuse_change() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'auditor.% is append-only: % refused', TG_TABLE_NAME, TG_OP
    USING ERRCODE = 'insufficient_privilege';
END
$$;

CREATE TRIGGER audit_record_append_only BEFORE UPDATE OR DELETE ON auditor.audit_record
  FOR EACH ROW EXECUTE FUNCTION auditor.refuse_change();
CREATE TRIGGER audit_record_no_truncate BEFORE TRUNCATE ON auditor.audit_record
  FOR EACH STATEMENT EXECUTE FUNCTION auditor.refuse_change();
CREATE TRIGGER shred_event_append_only BEFORE UPDATE OR DELETE ON auditor.shred_event
  FOR EACH ROW EXECUTE FUNCTION auditor.refuse_change();
CREATE TRIGGER shred_event_no_truncate BEFORE TRUNCATE ON auditor.shred_event
  FOR EACH STATEMENT EXECUTE FUNCTION auditor.refuse_change();

-- A data key is never rewritten, and it may only be deleted once its record has passed the
-- retention period: even the owner cannot shred a record early without disabling this trigger.
CREATE FUNCTION auditor.guard_data_key() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
  keep_ms bigint;
BEGIN
  IF TG_OP = 'DELETE' THEN
    SELECT retention_ms INTO keep_ms FROM auditor.policy;
    IF OLD.occurred_at + make_interval(secs => keep_ms / 1000.0) <= now() THEN
      RETURN OLD;
    END IF;
    RAISE EXCEPTION 'data key % is within its retention period', OLD.id
      USING ERRCODE = 'insufficient_privilege';
  END IF;
  RAISE EXCEPTION 'auditor.data_key: % refused', TG_OP USING ERRCODE = 'insufficient_privilege';
END
$$;

CREATE TRIGGER data_key_guard BEFORE UPDATE OR DELETE ON auditor.data_key
  FOR EACH ROW EXECUTE FUNCTION auditor.guard_data_key();
CREATE TRIGGER data_key_no_truncate BEFORE TRUNCATE ON auditor.data_key
  FOR EACH STATEMENT EXECUTE FUNCTION auditor.refuse_change();

-- The only way the service role can destroy keys: every key past retention, each with a
-- shred_event row in the same transaction. Runs with the owner's rights; the service role has
-- no DELETE privilege of its own.
CREATE FUNCTION auditor.shred_expired_data_keys(max_keys integer)
RETURNS TABLE (data_key_id uuid, record_position bigint)
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, auditor AS $$
DECLARE
  keep_ms bigint;
BEGIN
  SELECT p.retention_ms INTO keep_ms FROM auditor.policy p;
  RETURN QUERY
  WITH expired AS (
    SELECT k.id, k.master_key_id, k.occurred_at
    FROM auditor.data_key k
    WHERE k.occurred_at + make_interval(secs => keep_ms / 1000.0) <= now()
    ORDER BY k.occurred_at
    LIMIT max_keys
    FOR UPDATE SKIP LOCKED
  ), removed AS (
    DELETE FROM auditor.data_key k USING expired e WHERE k.id = e.id
    RETURNING k.id, k.master_key_id, k.occurred_at
  ), logged AS (
    INSERT INTO auditor.shred_event (data_key_id, position, master_key_id, occurred_at)
    SELECT r.id, a.position, r.master_key_id, r.occurred_at
    FROM removed r JOIN auditor.audit_record a ON a.data_key_id = r.id
    RETURNING shred_event.data_key_id, shred_event.position
  )
  SELECT l.data_key_id, l.position FROM logged l;
END
$$;

REVOKE ALL ON FUNCTION auditor.shred_expired_data_keys(integer) FROM PUBLIC;
