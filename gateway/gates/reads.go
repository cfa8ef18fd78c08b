package gates

import (
	"context"
	"time"

	"zonetrace/gateway/validation"
	"zonetrace/internal/pgpage"
)

// EventFilter selects events, newest first.
type EventFilter struct {
	State string
	Plate string
	Page  int
	Size  int
}

// EventPage is a page of events.
type EventPage struct {
	Items    []Event `json:"items"`
	Total    int     `json:"total"`
	Page     int     `json:"page"`
	PageSize int     `json:"pageSize"`
}

// Events lists events by state and plate (read or attributed), newest
// first.
func (s *Service) Events(ctx context.Context, f EventFilter) (EventPage, error) {
	switch f.State {
	case "", StateMatched, StateUnmatched, StateResolved, StateIgnored:
	default:
		var p validation.Problems
		p.Add("state", "unknown state", "过卡记录状态无效")
		return EventPage{}, p
	}
	if f.Page < 1 {
		f.Page = 1
	}
	if f.Size < 1 {
		f.Size = 20
	}
	items, total, err := pgpage.Read(ctx, s.pool, pgpage.List{Columns: eventColumns,
		From:    eventTables + ` WHERE ($1 = '' OR e.state = $1) AND ($2 = '' OR e.plate = $2 OR e.vehicle = $2)`,
		OrderBy: `e.at DESC, e.id DESC`}, []any{f.State, NormalisePlate(f.Plate)}, f.Size, (f.Page-1)*f.Size, scanEvent)
	if err != nil {
		return EventPage{}, wrap("list events", err)
	}
	return EventPage{Items: items, Total: total, Page: f.Page, PageSize: f.Size}, nil
}

// Vehicle is a vehicle inside the zone: its last crossing was in.
type Vehicle struct {
	Plate      string    `json:"plate"`
	Since      time.Time `json:"since"`
	GateID     string    `json:"gateId"`
	GateName   string    `json:"gateName"`
	EventID    int64     `json:"eventId"`
	DocumentID string    `json:"documentId"`
}

// Inside lists the vehicles whose last crossing (events set aside
// excluded) was into the zone, longest inside first. It reads the state
// migration 00019's triggers keep per vehicle, not every event. The ids
// are an array rather than a join: the planner, estimating a few thousand
// vehicles inside, would join them to a full scan of the events; the
// array keeps it on their primary key (docs/benchmarks.md "Cockpit").
func (s *Service) Inside(ctx context.Context) ([]Vehicle, error) {
	last, err := queryEvents(ctx, s.pool, `WHERE e.id = ANY (ARRAY(SELECT event_id FROM gate_vehicle_states WHERE inside))
		ORDER BY e.at, e.id`)
	if err != nil {
		return nil, wrap("vehicles inside", err)
	}
	out := make([]Vehicle, len(last))
	for i, e := range last {
		out[i] = Vehicle{Plate: e.Vehicle, Since: e.At, GateID: e.GateID, GateName: e.GateName, EventID: e.ID, DocumentID: e.DocumentID}
	}
	return out, nil
}

// Route is a vehicle's crossings in order, each with its gate's position
// on the zone schematic.
type Route struct {
	Plate  string  `json:"plate"`
	Inside bool    `json:"inside"`
	Events []Event `json:"events"`
}

// RouteOf is the route of the vehicle of plate.
func (s *Service) RouteOf(ctx context.Context, plate string) (Route, error) {
	plate = NormalisePlate(plate)
	if plate == "" {
		var p validation.Problems
		p.Add("plate", "plate is required", "车牌号必填")
		return Route{}, p
	}
	events, err := queryEvents(ctx, s.pool, `WHERE e.vehicle = $1 ORDER BY e.at, e.id`, plate)
	if err != nil {
		return Route{}, wrap("route", err)
	}
	r := Route{Plate: plate, Events: events}
	for i := len(events) - 1; i >= 0; i-- {
		if events[i].State != StateIgnored {
			r.Inside = events[i].Direction == DirectionIn
			break
		}
	}
	return r, nil
}
