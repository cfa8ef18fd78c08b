package gates

import (
	"context"
	"fmt"
)

// MonthTraffic is a zone-time month's crossings.
type MonthTraffic struct {
	Month   string `json:"month"` // YYYY-MM
	Entries int64  `json:"entries"`
	Exits   int64  `json:"exits"`
}

// Traffic is the cockpit's vehicle figures: a year's entries and exits
// (events set aside excluded), per month, and the vehicles inside now.
type Traffic struct {
	Entries int64          `json:"entries"`
	Exits   int64          `json:"exits"`
	ByMonth []MonthTraffic `json:"byMonth"` // all twelve months
	Inside  int64          `json:"inside"`
}

// Traffic answers year's vehicle figures (months in China Standard Time)
// from the sums migration 00019's triggers keep: at most 24 month rows and
// a count over the vehicles inside, whatever the number of events.
func (s *Service) Traffic(ctx context.Context, year int) (Traffic, error) {
	out := Traffic{ByMonth: make([]MonthTraffic, 12)}
	for i := range out.ByMonth {
		out.ByMonth[i].Month = fmt.Sprintf("%04d-%02d", year, i+1)
	}
	rows, err := s.pool.Query(ctx, `SELECT extract(month FROM month)::int, direction, events FROM gate_month_sums
		WHERE month >= make_date($1, 1, 1) AND month < make_date($1 + 1, 1, 1)`, year)
	if err != nil {
		return Traffic{}, wrap("month sums", err)
	}
	defer rows.Close()
	for rows.Next() {
		var month int
		var direction string
		var events int64
		if err := rows.Scan(&month, &direction, &events); err != nil {
			return Traffic{}, wrap("month sums", err)
		}
		m := &out.ByMonth[month-1]
		if direction == DirectionIn {
			m.Entries += events
			out.Entries += events
		} else {
			m.Exits += events
			out.Exits += events
		}
	}
	if err := rows.Err(); err != nil {
		return Traffic{}, wrap("month sums", err)
	}
	err = s.pool.QueryRow(ctx, `SELECT count(*) FROM gate_vehicle_states WHERE inside`).Scan(&out.Inside)
	return out, wrap("vehicles inside", err)
}
