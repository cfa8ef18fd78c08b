package embedded

import (
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/hyperledger/fabric-contract-api-go/v2/contractapi"
)

// testContract exercises the stub through the real contract API.
type testContract struct {
	contractapi.Contract
	// pause, when set, runs in the middle of Incr and RangeCount, after
	// their reads, and in Put: tests use it to let another transaction
	// commit in between, or to hold transactions in simulation together.
	pause func(function string)
}

func (c *testContract) hold(function string) {
	if c.pause != nil {
		c.pause(function)
	}
}

func (c *testContract) Put(ctx contractapi.TransactionContextInterface, key, value string) error {
	c.hold("Put")
	return ctx.GetStub().PutState(key, []byte(value))
}

func (c *testContract) Del(ctx contractapi.TransactionContextInterface, key string) error {
	return ctx.GetStub().DelState(key)
}

func (c *testContract) Get(ctx contractapi.TransactionContextInterface, key string) (string, error) {
	v, err := ctx.GetStub().GetState(key)
	if err != nil {
		return "", err
	}
	if v == nil {
		return "", fmt.Errorf("NOT_FOUND: %s", key)
	}
	return string(v), nil
}

func (c *testContract) Incr(ctx contractapi.TransactionContextInterface, key string) (int, error) {
	v, err := ctx.GetStub().GetState(key)
	if err != nil {
		return 0, err
	}
	n := 0
	if v != nil {
		if n, err = strconv.Atoi(string(v)); err != nil {
			return 0, err
		}
	}
	c.hold("Incr")
	n++
	return n, ctx.GetStub().PutState(key, []byte(strconv.Itoa(n)))
}

// RangeCount counts the keys in [start, end) and, when mark is set, writes
// the count there, which makes the transaction an update.
func (c *testContract) RangeCount(ctx contractapi.TransactionContextInterface, start, end, mark string) (int, error) {
	it, err := ctx.GetStub().GetStateByRange(start, end)
	if err != nil {
		return 0, err
	}
	defer it.Close()
	n := 0
	for it.HasNext() {
		if _, err := it.Next(); err != nil {
			return 0, err
		}
		n++
	}
	c.hold("RangeCount")
	if mark != "" {
		return n, ctx.GetStub().PutState(mark, []byte(strconv.Itoa(n)))
	}
	return n, nil
}

func (c *testContract) PutComposite(ctx contractapi.TransactionContextInterface, objectType, a, b, value string) error {
	key, err := ctx.GetStub().CreateCompositeKey(objectType, []string{a, b})
	if err != nil {
		return err
	}
	return ctx.GetStub().PutState(key, []byte(value))
}

// Partial lists "a/b=value" for the composite keys of objectType starting
// with the given attributes.
func (c *testContract) Partial(ctx contractapi.TransactionContextInterface, objectType string, attrs []string) ([]string, error) {
	it, err := ctx.GetStub().GetStateByPartialCompositeKey(objectType, attrs)
	if err != nil {
		return nil, err
	}
	defer it.Close()
	out := []string{}
	for it.HasNext() {
		kv, err := it.Next()
		if err != nil {
			return nil, err
		}
		typ, parts, err := ctx.GetStub().SplitCompositeKey(kv.Key)
		if err != nil {
			return nil, err
		}
		if typ != objectType {
			return nil, fmt.Errorf("object type %q, want %q", typ, objectType)
		}
		out = append(out, parts[0]+"/"+parts[1]+"="+string(kv.Value))
	}
	return out, nil
}

// Page returns one page of [start, end) and the bookmark; with write set it
// also writes, which Fabric refuses.
func (c *testContract) Page(ctx contractapi.TransactionContextInterface, start, end string, size int, bookmark string, write bool) ([]string, error) {
	it, meta, err := ctx.GetStub().GetStateByRangeWithPagination(start, end, int32(size), bookmark)
	if err != nil {
		return nil, err
	}
	out := []string{}
	for it.HasNext() {
		kv, err := it.Next()
		if err != nil {
			return nil, err
		}
		out = append(out, kv.Key)
	}
	out = append(out, "bookmark="+meta.Bookmark)
	if write {
		return out, ctx.GetStub().PutState("page-written", []byte("x"))
	}
	return out, nil
}

type historyItem struct {
	TxID     string `json:"tx_id"`
	Value    string `json:"value"`
	IsDelete bool   `json:"is_delete"`
}

func (c *testContract) History(ctx contractapi.TransactionContextInterface, key string) (string, error) {
	it, err := ctx.GetStub().GetHistoryForKey(key)
	if err != nil {
		return "", err
	}
	defer it.Close()
	items := []historyItem{}
	for it.HasNext() {
		m, err := it.Next()
		if err != nil {
			return "", err
		}
		items = append(items, historyItem{TxID: m.TxId, Value: string(m.Value), IsDelete: m.IsDelete})
	}
	b, err := json.Marshal(items)
	return string(b), err
}

// Fail writes and then fails: nothing may be committed.
func (c *testContract) Fail(ctx contractapi.TransactionContextInterface, key, message string) error {
	if err := ctx.GetStub().PutState(key, []byte("must not stay")); err != nil {
		return err
	}
	return errors.New(message)
}

// Emit sets two events; Fabric keeps the last one.
func (c *testContract) Emit(ctx contractapi.TransactionContextInterface, name, payload string) error {
	if err := ctx.GetStub().SetEvent("overwritten", []byte("first")); err != nil {
		return err
	}
	if err := ctx.GetStub().SetEvent(name, []byte(payload)); err != nil {
		return err
	}
	return ctx.GetStub().PutState("emitted/"+name, []byte(payload))
}

// WhoAmI returns the MSP ID and client ID the chaincode sees.
func (c *testContract) WhoAmI(ctx contractapi.TransactionContextInterface) (string, error) {
	msp, err := ctx.GetClientIdentity().GetMSPID()
	if err != nil {
		return "", err
	}
	id, err := ctx.GetClientIdentity().GetID()
	return msp + " " + id, err
}

// TxTime returns the transaction timestamp the chaincode sees (RFC 3339).
func (c *testContract) TxTime(ctx contractapi.TransactionContextInterface) (string, error) {
	ts, err := ctx.GetStub().GetTxTimestamp()
	if err != nil {
		return "", err
	}
	return ts.AsTime().UTC().Format(time.RFC3339Nano), nil
}
