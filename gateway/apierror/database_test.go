package apierror_test

import (
	"context"
	"fmt"
	"io"
	"testing"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/require"

	"zonetrace/gateway/apierror"
)

func TestDatabaseUnavailableIs503(t *testing.T) {
	t.Parallel()
	pool, err := pgxpool.New(context.Background(), "postgres://postgres@127.0.0.1:1/none?sslmode=disable&connect_timeout=2")
	require.NoError(t, err)
	defer pool.Close()
	_, refused := pool.Exec(context.Background(), `SELECT 1`)
	require.Error(t, refused)
	closed, err := pgxpool.New(context.Background(), "postgres://postgres@127.0.0.1:1/none")
	require.NoError(t, err)
	closed.Close()
	_, afterClose := closed.Exec(context.Background(), `SELECT 1`)
	require.Error(t, afterClose)

	cases := []struct {
		name string
		err  error
		code apierror.Code
	}{
		{"a refused connection", fmt.Errorf("get user: %w", refused), apierror.DatabaseUnavailable},
		{"a closed pool", afterClose, apierror.DatabaseUnavailable},
		{"the server shutting down", &pgconn.PgError{Code: "57P01"}, apierror.DatabaseUnavailable},
		{"the server starting up", &pgconn.PgError{Code: "57P03"}, apierror.DatabaseUnavailable},
		{"a connection exception", &pgconn.PgError{Code: "08006"}, apierror.DatabaseUnavailable},
		{"a connection cut mid-answer", fmt.Errorf("query: %w", io.ErrUnexpectedEOF), apierror.DatabaseUnavailable},
		{"a refused value is not an outage", &pgconn.PgError{Code: "22P05"}, apierror.Internal},
		{"a unique violation is not an outage", &pgconn.PgError{Code: "23505"}, apierror.Internal},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			e := apierror.From(tc.err)
			require.Equal(t, tc.code, e.Code)
			if tc.code == apierror.DatabaseUnavailable {
				require.Equal(t, 503, e.Status)
			}
		})
	}
}
