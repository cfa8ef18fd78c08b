-- Gate intake (卡口): the barrier gates of the pilot enterprises, each with
-- the Ed25519 public key its requests are signed with, the nonces already
-- used (a replay is refused), and the vehicle events they sent, matched to
-- the zone entry and exit documents whose gate pass they record.

-- +goose Up
CREATE TABLE gates (
    id          text PRIMARY KEY,
    name        text NOT NULL,
    -- Position on the zone schematic, 0–1000 on both axes.
    x           integer NOT NULL CHECK (x BETWEEN 0 AND 1000),
    y           integer NOT NULL CHECK (y BETWEEN 0 AND 1000),
    directions  text NOT NULL CHECK (directions IN ('in', 'out', 'both')),
    public_key  bytea NOT NULL CHECK (length(public_key) = 32),
    created_at  timestamptz NOT NULL,
    created_by  text NOT NULL,
    disabled_at timestamptz,
    disabled_by text NOT NULL DEFAULT ''
);

-- Nonces seen inside the timestamp window; older ones are refused by the
-- window itself and purged.
CREATE TABLE gate_nonces (
    gate_id text NOT NULL REFERENCES gates (id),
    nonce   text NOT NULL,
    seen_at timestamptz NOT NULL,
    PRIMARY KEY (gate_id, nonce)
);
CREATE INDEX gate_nonces_seen ON gate_nonces (seen_at);

CREATE TABLE gate_events (
    id            bigserial PRIMARY KEY,
    gate_id       text NOT NULL REFERENCES gates (id),
    -- The plate as the camera read it, and the vehicle the crossing is
    -- counted for: the same, unless the zone admin matched a misread plate
    -- to a document naming the vehicle.
    plate         text NOT NULL,
    vehicle       text NOT NULL,
    direction     text NOT NULL CHECK (direction IN ('in', 'out')),
    at            timestamptz NOT NULL,
    image_ref     text NOT NULL,
    -- The document number the gate sent, if any.
    document_no   text NOT NULL,
    state         text NOT NULL CHECK (state IN ('matched', 'unmatched', 'resolved', 'ignored')),
    -- The document the crossing records the gate pass of (matched by the
    -- gateway, or by the zone admin: resolved).
    document_id   text NOT NULL DEFAULT '',
    -- Why an event is unmatched (a code: no_document, ambiguous,
    -- direction_contradicts …).
    unmatched_why text NOT NULL DEFAULT '',
    ignore_reason text NOT NULL DEFAULT '',
    resolved_by   text NOT NULL DEFAULT '',
    resolved_at   timestamptz,
    -- The gate pass on the ledger: its transaction, or the chaincode's
    -- final refusal (a reason code).
    pass_tx       text NOT NULL DEFAULT '',
    pass_refused  text NOT NULL DEFAULT '',
    received_at   timestamptz NOT NULL
);
CREATE INDEX gate_events_vehicle ON gate_events (vehicle, at, id);
CREATE INDEX gate_events_state ON gate_events (state, at);
-- A document crosses the gate once: one event records its gate pass.
CREATE UNIQUE INDEX gate_events_document ON gate_events (document_id)
    WHERE document_id <> '' AND state IN ('matched', 'resolved');

-- +goose Down
DROP TABLE gate_events;
DROP TABLE gate_nonces;
DROP TABLE gates;
