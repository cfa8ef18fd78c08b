-- The login guard's failure counts and locks (gateway/loginguard), kept in
-- PostgreSQL so that every gateway over the database applies the same
-- limits: an attacker spreading guesses over several gateways meets one
-- count, and a zone admin's unlock frees the user on all of them.

-- +goose Up
CREATE TABLE login_failures (
    username     text        NOT NULL,
    -- '' for the per-username record, the client address for the
    -- per-address-and-username one.
    address      text        NOT NULL,
    failures     integer     NOT NULL,
    first_at     timestamptz NOT NULL,
    locked_until timestamptz NOT NULL,
    PRIMARY KEY (username, address)
);
CREATE INDEX login_failures_first_at ON login_failures(first_at);

-- +goose Down
DROP TABLE login_failures;
