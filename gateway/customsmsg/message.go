package customsmsg

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// Kind says what a customs message is.
type Kind int

// Kinds of customs messages.
const (
	// KindReceipt is a receipt pocket (root Package).
	KindReceipt Kind = iota + 1
	// KindImportResult is the Single Window client's import result (root
	// CommonResponeMessage, sic).
	KindImportResult
	// KindStorageReceipt is a sub-message storage receipt (INV200, SAS200
	// …): customs stored, or failed to store, a message we sent.
	KindStorageReceipt
)

// Message is one parsed file.
type Message struct {
	Kind Kind
	// Pocket is set for KindReceipt.
	Pocket Pocket
	// ImportResult is set for KindImportResult.
	ImportResult ImportResult
	// Storage is set for KindStorageReceipt.
	Storage StorageReceipt
}

// Pocket is one packet of a receipt; a receipt too large for one packet is
// split into Total pockets sharing ID (PocketInfo), reassembled by Assemble.
type Pocket struct {
	// ID is PocketInfo.pocket_id; empty when the receipt has no PocketInfo.
	ID          string
	No          int
	Total       int
	MessageType string
	Raw         []byte
	// tree is Raw as read by Parse, so that Assemble need not read it
	// again; nil for a pocket built otherwise (e.g. loaded from storage).
	tree *node
}

// Split reports a pocket that is one of several.
func (p Pocket) Split() bool { return p.Total > 1 }

// Parse reads one customs message file. A receipt pocket is only checked
// for its envelope here; Assemble reads the result once all pockets are in.
func Parse(raw []byte) (Message, error) {
	root, err := parseTree(raw)
	if err != nil {
		return Message{}, err
	}
	switch {
	case strings.EqualFold(root.name, "CommonResponeMessage"):
		r, err := importResult(root)
		if err != nil {
			return Message{}, err
		}
		r.Raw = raw
		return Message{Kind: KindImportResult, ImportResult: r}, nil
	case packageOf(root) != nil:
		p, err := pocket(packageOf(root))
		if err != nil {
			return Message{}, err
		}
		if slices.Contains(StorageMessageTypes, p.MessageType) {
			r, err := storageReceipt(p.MessageType, packageOf(root))
			if err != nil {
				return Message{}, err
			}
			r.Raw = raw
			return Message{Kind: KindStorageReceipt, Storage: r}, nil
		}
		p.Raw, p.tree = raw, root
		return Message{Kind: KindReceipt, Pocket: p}, nil
	default:
		return Message{}, fmt.Errorf("%w: unknown root element <%s> (want Package or CommonResponeMessage)", ErrMalformed, root.name)
	}
}

// packageOf finds the Package element: the root of a receipt, or inside
// Signature/Object when a client kept the signature envelope.
func packageOf(root *node) *node {
	if strings.EqualFold(root.name, "Package") {
		return root
	}
	if strings.EqualFold(root.name, "Signature") {
		return root.path("Object", "Package")
	}
	return nil
}

func pocket(pkg *node) (Pocket, error) {
	p := Pocket{MessageType: strings.ToUpper(pkg.value("EnvelopInfo", "message_type")), No: 1, Total: 1}
	if p.MessageType == "" {
		return Pocket{}, fmt.Errorf("%w: EnvelopInfo/message_type is missing", ErrMalformed)
	}
	info := pkg.path("DataInfo", "PocketInfo")
	if info == nil {
		return p, nil
	}
	p.ID = info.value("pocket_id")
	var err error
	if p.Total, err = intOr(info.value("total_pocket_qty"), 1); err != nil {
		return Pocket{}, fmt.Errorf("%w: PocketInfo/total_pocket_qty: %w", ErrMalformed, err)
	}
	if p.No, err = intOr(info.value("cur_pocket_no"), 1); err != nil {
		return Pocket{}, fmt.Errorf("%w: PocketInfo/cur_pocket_no: %w", ErrMalformed, err)
	}
	switch {
	case p.Total < 1 || p.Total > MaxPockets:
		return Pocket{}, fmt.Errorf("%w: PocketInfo/total_pocket_qty %d is not within 1-%d", ErrMalformed, p.Total, MaxPockets)
	case p.No < 1 || p.No > p.Total:
		return Pocket{}, fmt.Errorf("%w: PocketInfo/cur_pocket_no %d is not within 1-%d", ErrMalformed, p.No, p.Total)
	case p.Total > 1 && p.ID == "":
		return Pocket{}, fmt.Errorf("%w: PocketInfo/pocket_id is missing in a split receipt", ErrMalformed)
	}
	return p, nil
}

// MaxPockets bounds how many pockets a split receipt may announce, so a
// garbled count cannot make us wait for thousands.
const MaxPockets = 100

func intOr(s string, def int) (int, error) {
	if s == "" {
		return def, nil
	}
	n, err := strconv.Atoi(s)
	if err != nil {
		return 0, fmt.Errorf("parse %q: %w", s, err)
	}
	return n, nil
}
