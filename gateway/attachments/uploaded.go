package attachments

import (
	"context"
	"fmt"
)

// Uploaded reports which of sums the enterprise uploaded itself. A file
// another enterprise uploaded is not the enterprise's to anchor on chain,
// even with the same content, so only the enterprise's own rows count.
func (s *Store) Uploaded(ctx context.Context, enterpriseID string, sums []string) (map[string]bool, error) {
	rows, err := s.pool.Query(ctx, `SELECT sha256 FROM attachments WHERE enterprise_id = $1 AND sha256 = ANY($2)`, enterpriseID, sums)
	if err != nil {
		return nil, fmt.Errorf("find uploaded attachments: %w", err)
	}
	defer rows.Close()
	out := make(map[string]bool, len(sums))
	for rows.Next() {
		var sum string
		if err := rows.Scan(&sum); err != nil {
			return nil, fmt.Errorf("find uploaded attachments: %w", err)
		}
		out[sum] = true
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("find uploaded attachments: %w", err)
	}
	return out, nil
}
