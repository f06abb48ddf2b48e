-- Triage happens by appending events to a record, never by changing it; every read of personal
-- data, every replay and every refused request is appended to the access log.

CREATE TABLE auditor.record_event (
  id          bigserial   PRIMARY KEY,
  position    bigint      NOT NULL REFERENCES auditor.audit_record (position),
  kind        text        NOT NULL CHECK (kind IN ('note', 'replayed', 'resolved')),
  principal   text        NOT NULL,
  note        text,
  target      text,
  occurred_at timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX record_event_position ON auditor.record_event (position);

CREATE TABLE auditor.access_log (
  id           bigserial   PRIMARY KEY,
  occurred_at  timestamptz NOT NULL DEFAULT now(),
  request_id   text        NOT NULL,
  principal    text,
  role         text,
  operation    text        NOT NULL,
  outcome      text        NOT NULL
               CHECK (outcome IN ('allowed', 'unauthenticated', 'forbidden', 'failed')),
  position     bigint,
  http_method  text        NOT NULL,
  http_route   text        NOT NULL,
  http_status  integer
);

CREATE INDEX access_log_occurred_at ON auditor.access_log (occurred_at);

-- Each release of a private report, with the epsilon it spent from each budget period.
CREATE TABLE auditor.privacy_ledger (
  id            bigserial   PRIMARY KEY,
  report_id     uuid        NOT NULL,
  budget_period date        NOT NULL,
  epsilon       numeric     NOT NULL CHECK (epsilon > 0),
  principal     text        NOT NULL,
  spent_at      timestamptz NOT NULL DEFAULT now(),
  UNIQUE (report_id, budget_period)
);

CREATE INDEX privacy_ledger_period ON auditor.privacy_ledger (budget_period);

-- Chain heads as published to the audit topic, so a later check knows what was announced.
CREATE TABLE auditor.chain_publication (
  id           bigserial   PRIMARY KEY,
  position     bigint      NOT NULL,
  hash         bytea       NOT NULL,
  published_at timestamptz NOT NULL DEFAULT now()
);

CREATE TRIGGER record_event_append_only BEFORE UPDATE OR DELETE ON auditor.record_event
  FOR EACH ROW EXECUTE FUNCTION auditor.refuse_change();
CREATE TRIGGER record_event_no_truncate BEFORE TRUNCATE ON auditor.record_event
  FOR EACH STATEMENT EXECUTE FUNCTION auditor.refuse_change();
CREATE TRIGGER access_log_append_only BEFORE UPDATE OR DELETE ON auditor.access_log
  FOR EACH ROW EXECUTE FUNCTION auditor.refuse_change();
CREATE TRIGGER access_log_no_truncate BEFORE TRUNCATE ON auditor.access_log
  FOR EACH STATEMENT EXECUTE FUNCTION auditor.refuse_change();
CREATE TRIGGER privacy_ledger_append_only BEFORE UPDATE OR DELETE ON auditor.privacy_ledger
  FOR EACH ROW EXECUTE FUNCTION auditor.refuse_change();
CREATE TRIGGER privacy_ledger_no_truncate BEFORE TRUNCATE ON auditor.privacy_ledger
  FOR EACH STATEMENT EXECUTE FUNCTION auditor.refuse_change();
CREATE TRIGGER chain_publication_append_only BEFORE UPDATE OR DELETE ON auditor.chain_publication
  FOR EACH ROW EXECUTE FUNCTION auditor.refuse_change();
CREATE TRIGGER chain_publication_no_truncate BEFORE TRUNCATE ON auditor.chain_publication
  FOR EACH STATEMENT EXECUTE FUNCTION auditor.refuse_change();
