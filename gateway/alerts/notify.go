package alerts

import (
	"context"
	"strconv"

	"github.com/jackc/pgx/v5"

	"zonetrace/gateway/accounts"
	"zonetrace/gateway/notify"
)

// Notifier tells customs of every new alert through the notification
// channels each officer subscribed to, in the alert's own transaction.
type Notifier struct{ Notifications *notify.Service }

// Alerted publishes the alert to customs' officers and administrators.
func (n Notifier) Alerted(ctx context.Context, tx pgx.Tx, a RiskAlert) error {
	params := make(map[string]any, len(a.Facts)+2)
	for k, v := range a.Facts {
		params[k] = v
	}
	params["alertId"] = a.ID
	params["configVersion"] = a.ConfigVersion
	_, err := n.Notifications.Publish(ctx, tx, notify.Message{
		Source: "risk", Kind: string(a.Kind), Subject: a.Subject, Params: params,
		Severity: notify.SeverityWarning, Link: "/alerts/" + strconv.FormatInt(a.ID, 10),
		Audience: notify.Audience{Roles: []string{string(accounts.RoleCustomsOfficer), string(accounts.RoleCustomsAdmin)}},
	})
	return err
}
