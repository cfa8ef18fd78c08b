package main

import (
	"errors"
	"flag"
	"strconv"

	"zonetrace/gateway/customsmsg/send"
)

// customsMessageFlags say how national messages reach customs' own systems
// (gateway/customsmsg/send).
type customsMessageFlags struct {
	dir, endpoint, area, sysID, operator, icCard, auto string
}

func newCustomsMessageFlags(flags *flag.FlagSet, getenv func(string) string) *customsMessageFlags {
	c := &customsMessageFlags{}
	flags.StringVar(&c.dir, "customs-outbox-dir", getenv("ZT_CUSTOMS_OUTBOX_DIR"),
		"the Single Window client's import folder national messages are dropped into (env ZT_CUSTOMS_OUTBOX_DIR)")
	flags.StringVar(&c.endpoint, "customs-endpoint", getenv("ZT_CUSTOMS_ENDPOINT"),
		"or an HTTP endpoint national messages are posted to (env ZT_CUSTOMS_ENDPOINT); neither sends none")
	flags.StringVar(&c.area, "customs-area", getenv("ZT_CUSTOMS_AREA"), "4-digit 主管关区 of the zone (env ZT_CUSTOMS_AREA)")
	flags.StringVar(&c.sysID, "customs-sysid", getenv("ZT_CUSTOMS_SYSID"), "INV101 SysId of the zone's ledgers (env ZT_CUSTOMS_SYSID)")
	flags.StringVar(&c.operator, "customs-operator", getenv("ZT_CUSTOMS_OPERATOR"),
		"customs code of the IC-card holder declaring (OperCusRegCode; default the declarant's; env ZT_CUSTOMS_OPERATOR)")
	flags.StringVar(&c.icCard, "customs-ic-card", getenv("ZT_CUSTOMS_IC_CARD"), "the IC card number (env ZT_CUSTOMS_IC_CARD)")
	flags.StringVar(&c.auto, "customs-auto-send", getenv("ZT_CUSTOMS_AUTO_SEND"),
		"send checklists, warehouse receipts and gate registrations on declaration (default true; env ZT_CUSTOMS_AUTO_SEND)")
	return c
}

func (c *customsMessageFlags) config() (send.Config, error) {
	cfg := send.Config{CustomsArea: c.area, SysID: c.sysID, OperatorCode: c.operator, IcCardNo: c.icCard, Auto: true}
	switch {
	case c.dir != "" && c.endpoint != "":
		return cfg, errors.New("--customs-outbox-dir and --customs-endpoint exclude each other")
	case c.dir != "":
		cfg.Transport = send.Directory{Dir: c.dir}
	case c.endpoint != "":
		cfg.Transport = send.HTTP{URL: c.endpoint}
	}
	if c.auto != "" {
		auto, err := strconv.ParseBool(c.auto)
		if err != nil {
			return cfg, errors.New("--customs-auto-send: " + err.Error())
		}
		cfg.Auto = auto
	}
	// Both go into every checklist (INV101): without them each message
	// would fail its field check, so refuse to start instead.
	if cfg.Transport != nil && c.area == "" {
		return cfg, errors.New("--customs-area is required to send national messages")
	}
	if cfg.Transport != nil && c.sysID == "" {
		return cfg, errors.New("--customs-sysid is required to send national messages")
	}
	return cfg, nil
}
