-- The cockpit's vehicle figures (issue 12), kept with the gate events so a
-- page load reads a few rows instead of scanning every crossing:
--   gate_month_sums     per zone-time month (China Standard Time, UTC+8)
--                       and direction, the events not ignored;
--   gate_vehicle_states per vehicle, its latest event not ignored (by at,
--                       then id): inside when that event is an entry.
-- Statement triggers on gate_events keep both exact on every insert, update
-- (the zone admin ignoring an event or matching it to a document naming
-- another vehicle) and delete, in the changing transaction; a bulk insert
-- is one aggregate, not a trigger per row.

-- +goose Up
CREATE TABLE gate_month_sums (
    -- The first day of the month in zone time.
    month     date NOT NULL,
    direction text NOT NULL CHECK (direction IN ('in', 'out')),
    -- No CHECK (events >= 0): an upsert checks the row it would insert,
    -- and a decrement proposes a negative one before it adds.
    events    bigint NOT NULL,
    PRIMARY KEY (month, direction)
);

CREATE TABLE gate_vehicle_states (
    vehicle  text PRIMARY KEY,
    -- The vehicle's latest event not ignored was an entry.
    inside   boolean NOT NULL,
    -- That event and its time; NULL when every event of the vehicle is
    -- ignored or now counts for another vehicle. No foreign key: a
    -- deleted event's check would run before the trigger moves the state
    -- off it.
    since    timestamptz,
    event_id bigint
);
CREATE INDEX gate_vehicle_states_inside ON gate_vehicle_states (since, event_id) WHERE inside;

-- +goose StatementBegin
CREATE FUNCTION gate_zone_month(at timestamptz) RETURNS date
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$ SELECT date_trunc('month', at AT TIME ZONE INTERVAL '+08:00')::date $$;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE FUNCTION gate_sums_apply() RETURNS trigger
LANGUAGE plpgsql
AS $$
DECLARE
    -- The vehicles whose latest counted event may have changed.
    touched text[];
BEGIN
    IF TG_OP = 'INSERT' THEN
        INSERT INTO gate_month_sums AS s (month, direction, events)
        SELECT gate_zone_month(at), direction, count(*) FROM new_rows WHERE state <> 'ignored'
        GROUP BY 1, 2 ORDER BY 1, 2
        ON CONFLICT (month, direction) DO UPDATE SET events = s.events + EXCLUDED.events;
        touched := ARRAY(SELECT DISTINCT vehicle FROM new_rows WHERE state <> 'ignored');
    ELSIF TG_OP = 'UPDATE' THEN
        -- Only a change of what is counted matters (the gate pass worker
        -- updates events too).
        WITH changed AS (
            SELECT o.at AS old_at, o.direction AS old_direction, o.state <> 'ignored' AS old_counted,
                   n.at, n.direction, n.state <> 'ignored' AS counted
            FROM old_rows o JOIN new_rows n ON n.id = o.id
            WHERE (o.vehicle, o.direction, o.at, o.state <> 'ignored') IS DISTINCT FROM (n.vehicle, n.direction, n.at, n.state <> 'ignored')
        ), delta AS (
            SELECT old_at AS at, old_direction AS direction, -1 AS events FROM changed WHERE old_counted
            UNION ALL
            SELECT at, direction, 1 FROM changed WHERE counted
        )
        INSERT INTO gate_month_sums AS s (month, direction, events)
        SELECT gate_zone_month(at), direction, sum(events) FROM delta
        GROUP BY 1, 2 HAVING sum(events) <> 0 ORDER BY 1, 2
        ON CONFLICT (month, direction) DO UPDATE SET events = s.events + EXCLUDED.events;
        touched := ARRAY(
            SELECT DISTINCT v FROM old_rows o JOIN new_rows n ON n.id = o.id,
                LATERAL (VALUES (CASE WHEN o.state <> 'ignored' THEN o.vehicle END),
                                (CASE WHEN n.state <> 'ignored' THEN n.vehicle END)) x (v)
            WHERE v IS NOT NULL
              AND (o.vehicle, o.direction, o.at, o.state <> 'ignored') IS DISTINCT FROM (n.vehicle, n.direction, n.at, n.state <> 'ignored'));
    ELSE
        INSERT INTO gate_month_sums AS s (month, direction, events)
        SELECT gate_zone_month(at), direction, -count(*) FROM old_rows WHERE state <> 'ignored'
        GROUP BY 1, 2 ORDER BY 1, 2
        ON CONFLICT (month, direction) DO UPDATE SET events = s.events + EXCLUDED.events;
        touched := ARRAY(SELECT DISTINCT vehicle FROM old_rows WHERE state <> 'ignored');
    END IF;
    IF cardinality(touched) = 0 THEN
        RETURN NULL;
    END IF;
    -- Lock the touched vehicles' rows, in plate order so two statements
    -- never wait on each other crosswise. The lock is held to commit, so
    -- of two transactions changing one vehicle's events the second
    -- recomputes after the first committed; and under READ COMMITTED the
    -- next statement's snapshot is taken after the lock, so it sees the
    -- first one's events: the state cannot be left stale.
    INSERT INTO gate_vehicle_states AS s (vehicle, inside)
    SELECT v, false FROM unnest(touched) v ORDER BY v
    ON CONFLICT (vehicle) DO UPDATE SET vehicle = s.vehicle;
    UPDATE gate_vehicle_states s
    SET inside = coalesce(l.direction = 'in', false), since = l.at, event_id = l.id
    FROM unnest(touched) v
    LEFT JOIN LATERAL (
        SELECT e.direction, e.at, e.id FROM gate_events e
        WHERE e.vehicle = v AND e.state <> 'ignored'
        ORDER BY e.at DESC, e.id DESC LIMIT 1
    ) l ON true
    WHERE s.vehicle = v;
    RETURN NULL;
END
$$;
-- +goose StatementEnd

-- Transition tables allow one event per trigger: three triggers, one
-- function.
CREATE TRIGGER gate_sums_insert AFTER INSERT ON gate_events
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION gate_sums_apply();
CREATE TRIGGER gate_sums_update AFTER UPDATE ON gate_events
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION gate_sums_apply();
CREATE TRIGGER gate_sums_delete AFTER DELETE ON gate_events
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION gate_sums_apply();

-- The events stored before this migration.
INSERT INTO gate_month_sums (month, direction, events)
SELECT gate_zone_month(at), direction, count(*) FROM gate_events WHERE state <> 'ignored' GROUP BY 1, 2;
INSERT INTO gate_vehicle_states (vehicle, inside, since, event_id)
SELECT DISTINCT ON (vehicle) vehicle, direction = 'in', at, id FROM gate_events WHERE state <> 'ignored'
ORDER BY vehicle, at DESC, id DESC;

-- +goose Down
DROP TRIGGER gate_sums_delete ON gate_events;
DROP TRIGGER gate_sums_update ON gate_events;
DROP TRIGGER gate_sums_insert ON gate_events;
DROP FUNCTION gate_sums_apply();
DROP FUNCTION gate_zone_month(timestamptz);
DROP TABLE gate_vehicle_states;
DROP TABLE gate_month_sums;
