package platform

import (
	"context"
	"log/slog"

	"zonetrace/gateway/verifyruns"
)

// verifyRunner carries out the audits started from the web app: Audit,
// exactly as `zonetrace verify` runs it, recording progress and the outcome
// in the run.
type verifyRunner struct {
	cfg  AuditConfig
	runs *verifyruns.Store
	log  *slog.Logger
}

// Verify runs the audit of run id, unless the run is no longer running
// (a restart abandoned it).
func (r *verifyRunner) Verify(ctx context.Context, id int64) error {
	run, err := r.runs.Get(ctx, id)
	if err != nil {
		return err
	}
	if run.Status != verifyruns.StatusRunning {
		return nil
	}
	cfg := r.cfg
	cfg.Progress = func(checked, height uint64) {
		// About a hundred updates over the chain, and the last block.
		if step := max(height/100, 1); checked%step != 0 && checked != height {
			return
		}
		if err := r.runs.Progress(ctx, id, checked, height); err != nil {
			r.log.Warn("record verify progress", "run", id, "err", err)
		}
	}
	report, err := Audit(ctx, cfg)
	outcome := verifyruns.Outcome{Status: verifyruns.StatusPassed}
	switch {
	case err == nil:
		outcome.Blocks, outcome.Tables, outcome.Lag = report.Blocks, report.Tables, report.Lag
	case IsAuditFinding(err):
		outcome.Status, outcome.Message = verifyruns.StatusFailed, err.Error()
	default:
		outcome.Status, outcome.Message = verifyruns.StatusError, err.Error()
	}
	r.log.Info("verify run finished", "run", id, "status", outcome.Status)
	return r.runs.Finish(context.WithoutCancel(ctx), id, outcome)
}
