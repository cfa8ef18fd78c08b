package warehouse

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"zonetrace/chaincode/model"
	"zonetrace/gateway/accounts"
)

// Location is a storage location as it is now.
type Location struct {
	EnterpriseID string              `json:"enterpriseId"`
	Code         string              `json:"code"`
	Name         string              `json:"name"`
	Level        model.LocationLevel `json:"level"`
	ParentCode   string              `json:"parentCode"`
	Disabled     bool                `json:"disabled"`
	model.LocationAttributes
	Version   int       `json:"version"`
	UpdatedBy string    `json:"updatedBy"`
	UpdatedAt time.Time `json:"updatedAt"`
}

// LocationVersion is one kept version of a location: what the change made
// of it, who made it and when.
type LocationVersion struct {
	Version    int                  `json:"version"`
	Action     model.LocationAction `json:"action"`
	Name       string               `json:"name"`
	ParentCode string               `json:"parentCode"`
	Disabled   bool                 `json:"disabled"`
	model.LocationAttributes
	ChangedBy string    `json:"changedBy"`
	ChangedAt time.Time `json:"changedAt"`
}

const locationColumns = `l.enterprise_id, l.code, l.name, l.level, coalesce(p.code, ''), l.disabled, l.temperature_controlled,
	l.capacity_grams, l.version, l.updated_by, l.updated_at`

func scanLocation(r pgx.CollectableRow) (Location, error) {
	var l Location
	err := r.Scan(&l.EnterpriseID, &l.Code, &l.Name, &l.Level, &l.ParentCode, &l.Disabled, &l.TemperatureControlled,
		&l.CapacityGrams, &l.Version, &l.UpdatedBy, &l.UpdatedAt)
	return l, err
}

// Locations lists an operator's locations from the top down, each after its
// parent (enterprises: their own; others name the enterprise).
func (s *Service) Locations(ctx context.Context, u accounts.User, enterpriseID string) ([]Location, error) {
	enterprise, err := scope(u, enterpriseID, true)
	if err != nil {
		return nil, err
	}
	rows, err := s.pool.Query(ctx, `SELECT `+locationColumns+`
		FROM warehouse_locations l LEFT JOIN warehouse_locations p ON p.id = l.parent_id
		WHERE l.enterprise_id = $1
		ORDER BY array_position(ARRAY['area', 'warehouse', 'shelf', 'bin'], l.level), l.code`, enterprise)
	if err != nil {
		return nil, fmt.Errorf("warehouse: locations: %w", err)
	}
	out, err := pgx.CollectRows(rows, scanLocation)
	if err != nil {
		return nil, fmt.Errorf("warehouse: locations: %w", err)
	}
	return out, nil
}

// CreateLocation creates a location of the caller's operator in its parent
// (of the level above; areas have none) and keeps it as version 1.
func (s *Service) CreateLocation(ctx context.Context, u accounts.User, n model.NewLocation) (Location, error) {
	enterprise, err := s.operator(ctx, u)
	if err != nil {
		return Location{}, err
	}
	if ps := model.CheckNewLocation(n); len(ps) > 0 {
		return Location{}, invalid(ps...)
	}
	var out Location
	err = pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		var parentID *int64
		if n.Level != model.LevelArea {
			id, err := s.parentFor(ctx, tx, enterprise, n.Code, n.Level, n.ParentCode)
			if err != nil {
				return err
			}
			parentID = &id
		}
		var id int64
		err := tx.QueryRow(ctx, `INSERT INTO warehouse_locations (enterprise_id, code, name, level, parent_id, temperature_controlled,
				capacity_grams, version, updated_by, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, 1, $8, $9) RETURNING id`,
			enterprise, n.Code, n.Name, string(n.Level), parentID, n.Attributes.TemperatureControlled, n.Attributes.CapacityGrams,
			u.Username, s.now()).Scan(&id)
		var pg *pgconn.PgError
		if errors.As(err, &pg) && pg.Code == "23505" {
			return model.Refuse(model.ReasonLocationExists, model.Params{"code": n.Code}, "location %s exists", n.Code)
		}
		if err != nil {
			return fmt.Errorf("warehouse: create location: %w", err)
		}
		if out, err = keepVersion(ctx, tx, id, model.LocationCreate); err != nil {
			return err
		}
		return nil
	})
	return out, err
}

// parentFor is the id of the enabled location parentCode, which must be of
// the level above level.
func (s *Service) parentFor(ctx context.Context, tx pgx.Tx, enterprise, code string, level model.LocationLevel, parentCode string) (int64, error) {
	want, _ := model.ParentLevel(level)
	var (
		id       int64
		got      string
		disabled bool
	)
	err := tx.QueryRow(ctx, `SELECT id, level, disabled FROM warehouse_locations WHERE enterprise_id = $1 AND code = $2 FOR SHARE`,
		enterprise, parentCode).Scan(&id, &got, &disabled)
	switch {
	case errors.Is(err, pgx.ErrNoRows):
		return 0, model.Refuse(model.ReasonLocationNotFound, model.Params{"code": parentCode}, "location %s does not exist", parentCode)
	case err != nil:
		return 0, fmt.Errorf("warehouse: parent location: %w", err)
	case model.LocationLevel(got) != want:
		return 0, model.Refuse(model.ReasonLocationParentLevel, model.Params{"code": code, "level": string(level), "parentLevel": string(want)},
			"%s is a %s; its parent must be a %s", code, level, want)
	case disabled:
		return 0, model.Refuse(model.ReasonLocationParentDisabled, model.Params{"code": parentCode}, "location %s is disabled", parentCode)
	}
	return id, nil
}

// keepVersion copies the location's current state into its versions.
func keepVersion(ctx context.Context, tx pgx.Tx, id int64, action model.LocationAction) (Location, error) {
	_, err := tx.Exec(ctx, `INSERT INTO warehouse_location_versions (location_id, version, action, name, parent_code, disabled,
			temperature_controlled, capacity_grams, changed_by, changed_at)
		SELECT l.id, l.version, $2, l.name, coalesce(p.code, ''), l.disabled, l.temperature_controlled, l.capacity_grams,
			l.updated_by, l.updated_at
		FROM warehouse_locations l LEFT JOIN warehouse_locations p ON p.id = l.parent_id WHERE l.id = $1`, id, string(action))
	if err != nil {
		return Location{}, fmt.Errorf("warehouse: keep location version: %w", err)
	}
	rows, err := tx.Query(ctx, `SELECT `+locationColumns+`
		FROM warehouse_locations l LEFT JOIN warehouse_locations p ON p.id = l.parent_id WHERE l.id = $1`, id)
	if err != nil {
		return Location{}, fmt.Errorf("warehouse: read location: %w", err)
	}
	return pgx.CollectExactlyOneRow(rows, scanLocation)
}

// ChangeLocation renames, moves, disables, enables or changes the
// attributes of a location of the caller's operator, as a new version. A
// location with enabled locations in it cannot be disabled; nothing is
// moved into or enabled under a disabled location.
func (s *Service) ChangeLocation(ctx context.Context, u accounts.User, code string, c model.LocationChange) (Location, error) {
	enterprise, err := s.operator(ctx, u)
	if err != nil {
		return Location{}, err
	}
	if ps := model.CheckLocationChange(c); len(ps) > 0 {
		return Location{}, invalid(ps...)
	}
	var out Location
	err = pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		var (
			id       int64
			level    string
			parentID *int64
		)
		err := tx.QueryRow(ctx, `SELECT id, level, parent_id FROM warehouse_locations WHERE enterprise_id = $1 AND code = $2 FOR UPDATE`,
			enterprise, code).Scan(&id, &level, &parentID)
		if errors.Is(err, pgx.ErrNoRows) {
			return model.Refuse(model.ReasonLocationNotFound, model.Params{"code": code}, "location %s does not exist", code)
		}
		if err != nil {
			return fmt.Errorf("warehouse: change location: %w", err)
		}
		set, args := "", []any{id, u.Username, s.now()}
		switch c.Action {
		case model.LocationRename:
			set, args = "name = $4", append(args, c.Name)
		case model.LocationMove:
			if level == string(model.LevelArea) {
				return invalid(model.Problem{Field: "location.parentCode", Rule: model.RuleInvalid}) // an area has no parent
			}
			parent, err := s.parentFor(ctx, tx, enterprise, code, model.LocationLevel(level), c.ParentCode)
			if err != nil {
				return err
			}
			set, args = "parent_id = $4", append(args, parent)
		case model.LocationDisable:
			var children int
			if err := tx.QueryRow(ctx, `SELECT count(*) FROM warehouse_locations WHERE parent_id = $1 AND NOT disabled`, id).Scan(&children); err != nil {
				return fmt.Errorf("warehouse: change location: %w", err)
			}
			if children > 0 {
				return model.Refuse(model.ReasonLocationHasChildren, model.Params{"code": code, "children": children},
					"location %s holds %d enabled locations", code, children)
			}
			set = "disabled = true"
		case model.LocationEnable:
			if err := s.parentEnabled(ctx, tx, parentID); err != nil {
				return err
			}
			set = "disabled = false"
		case model.LocationAttributesChange:
			set, args = "temperature_controlled = $4, capacity_grams = $5",
				append(args, c.Attributes.TemperatureControlled, c.Attributes.CapacityGrams)
		}
		if _, err := tx.Exec(ctx, `UPDATE warehouse_locations SET `+set+`, version = version + 1, updated_by = $2, updated_at = $3
			WHERE id = $1`, args...); err != nil {
			return fmt.Errorf("warehouse: change location: %w", err)
		}
		out, err = keepVersion(ctx, tx, id, c.Action)
		return err
	})
	return out, err
}

func (s *Service) parentEnabled(ctx context.Context, tx pgx.Tx, parentID *int64) error {
	if parentID == nil {
		return nil
	}
	var (
		code     string
		disabled bool
	)
	if err := tx.QueryRow(ctx, `SELECT code, disabled FROM warehouse_locations WHERE id = $1 FOR SHARE`, *parentID).Scan(&code, &disabled); err != nil {
		return fmt.Errorf("warehouse: parent location: %w", err)
	}
	if disabled {
		return model.Refuse(model.ReasonLocationParentDisabled, model.Params{"code": code}, "location %s is disabled", code)
	}
	return nil
}

// LocationHistory is every version of a location, the newest first.
func (s *Service) LocationHistory(ctx context.Context, u accounts.User, enterpriseID, code string) ([]LocationVersion, error) {
	enterprise, err := scope(u, enterpriseID, true)
	if err != nil {
		return nil, err
	}
	rows, err := s.pool.Query(ctx, `SELECT v.version, v.action, v.name, v.parent_code, v.disabled, v.temperature_controlled,
			v.capacity_grams, v.changed_by, v.changed_at
		FROM warehouse_location_versions v JOIN warehouse_locations l ON l.id = v.location_id
		WHERE l.enterprise_id = $1 AND l.code = $2 ORDER BY v.version DESC`, enterprise, code)
	if err != nil {
		return nil, fmt.Errorf("warehouse: location history: %w", err)
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (LocationVersion, error) {
		var v LocationVersion
		return v, r.Scan(&v.Version, &v.Action, &v.Name, &v.ParentCode, &v.Disabled, &v.TemperatureControlled,
			&v.CapacityGrams, &v.ChangedBy, &v.ChangedAt)
	})
	if err != nil {
		return nil, fmt.Errorf("warehouse: location history: %w", err)
	}
	if len(out) == 0 {
		return nil, model.Refuse(model.ReasonLocationNotFound, model.Params{"code": code}, "location %s does not exist", code)
	}
	return out, nil
}
