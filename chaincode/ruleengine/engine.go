// Package ruleengine compiles and evaluates the conditions of customs'
// review rules (chaincode/model/rules.go) inside the chaincode. Conditions
// are expr-lang expressions over model.RuleInput, type-checked when customs
// writes them and refused when their estimated cost is too high. Only pure
// builtins are enabled: nothing reads a clock, a random source or a map's
// iteration order, so every endorser and every replay gets the same answer.
// docs/architecture.md "Review rules" explains the choice of expr-lang.
package ruleengine

import (
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/expr-lang/expr"
	"github.com/expr-lang/expr/ast"
	"github.com/expr-lang/expr/file"
	"github.com/expr-lang/expr/vm"

	"zonetrace/chaincode/model"
)

// builtins are the expr-lang builtins a condition may call: pure functions
// of their arguments whose results do not depend on map iteration order.
// now, date, duration, timezone (clock), keys, values, toPairs, groupBy
// (map order) and fromJSON/toJSON (maps) stay disabled.
var builtins = []string{"all", "none", "any", "one", "filter", "map", "find", "findIndex", "findLast",
	"findLastIndex", "count", "sum", "len", "abs", "ceil", "floor", "round", "int", "float", "string",
	"trim", "trimPrefix", "trimSuffix", "upper", "lower", "split", "indexOf", "lastIndexOf", "hasPrefix",
	"hasSuffix", "max", "min", "mean", "first", "last", "uniq", "reverse", "concat", "join", "repeat"}

func options() []expr.Option {
	opts := []expr.Option{expr.Env(model.RuleInput{}), expr.AsBool(), expr.DisableAllBuiltins(),
		expr.MaxNodes(model.MaxConditionLength)}
	for _, b := range builtins {
		opts = append(opts, expr.EnableBuiltin(b))
	}
	return opts
}

// cache holds compiled conditions by their text: compilation is a pure
// function of the text, so a peer compiles each condition once however many
// declarations and configuration versions use it.
var cache = struct {
	sync.Mutex
	programs map[string]*vm.Program
}{programs: map[string]*vm.Program{}}

// maxCached bounds the cache; 200 rules × a few versions fit comfortably.
const maxCached = 2048

// Compile returns the program of a condition, or a CONDITION_INVALID or
// COST_TOO_HIGH problem on field.
func Compile(field, condition string) (*vm.Program, model.Problems) {
	cache.Lock()
	p, ok := cache.programs[condition]
	cache.Unlock()
	if ok {
		return p, nil
	}
	var ps model.Problems
	p, err := expr.Compile(condition, options()...)
	if err != nil {
		params := model.Params{"line": 1, "column": 1, "detail": err.Error()}
		var fe *file.Error
		if errors.As(err, &fe) {
			params = model.Params{"line": fe.Line, "column": fe.Column + 1, "detail": fe.Message}
		}
		ps.Add(field, model.RuleConditionInvalid, params)
		return nil, ps
	}
	if c := Cost(p.Node()); c > model.MaxRuleCost {
		ps.Add(field, model.RuleCostTooHigh, model.Params{"cost": c, "max": model.MaxRuleCost})
		return nil, ps
	}
	cache.Lock()
	if len(cache.programs) >= maxCached {
		clear(cache.programs)
	}
	cache.programs[condition] = p
	cache.Unlock()
	return p, nil
}

// Cost estimates the work of evaluating a node: one per node, a predicate
// body (and a range) counted once per element of the longest list an input
// can hold (model.MaxLines), so nested loops over lines are refused.
func Cost(n ast.Node) int64 {
	if n == nil {
		return 0
	}
	sum := func(ns ...ast.Node) int64 {
		var s int64
		for _, c := range ns {
			s += Cost(c)
		}
		return s
	}
	switch n := n.(type) {
	case *ast.PredicateNode:
		return 1 + model.MaxLines*Cost(n.Node)
	case *ast.UnaryNode:
		return 1 + Cost(n.Node)
	case *ast.BinaryNode:
		if n.Operator == ".." {
			return model.MaxLines + sum(n.Left, n.Right)
		}
		return 1 + sum(n.Left, n.Right)
	case *ast.ChainNode:
		return 1 + Cost(n.Node)
	case *ast.MemberNode:
		return 1 + sum(n.Node, n.Property)
	case *ast.SliceNode:
		return 1 + sum(n.Node, n.From, n.To)
	case *ast.CallNode:
		return 1 + Cost(n.Callee) + sum(n.Arguments...)
	case *ast.BuiltinNode:
		c := 1 + sum(n.Arguments...)
		if n.Map != nil {
			c += model.MaxLines * Cost(n.Map)
		}
		return c
	case *ast.ConditionalNode:
		return 1 + sum(n.Cond, n.Exp1, n.Exp2)
	case *ast.VariableDeclaratorNode:
		return 1 + sum(n.Value, n.Expr)
	case *ast.SequenceNode:
		return 1 + sum(n.Nodes...)
	case *ast.ArrayNode:
		return 1 + sum(n.Nodes...)
	case *ast.MapNode:
		return 1 + sum(n.Pairs...)
	case *ast.PairNode:
		return 1 + sum(n.Key, n.Value)
	}
	return 1
}

// CheckConfig checks a configuration: its structure (model.CheckRuleConfig)
// and that every condition compiles within the cost limit.
func CheckConfig(d model.RuleConfigDraft) model.Problems {
	ps := model.CheckRuleConfig(d)
	for i, r := range d.Rules {
		if r.Condition == "" || len(r.Condition) > model.MaxConditionLength*4 {
			continue // reported by the structural check
		}
		_, cps := Compile(fmt.Sprintf("rules[%d].condition", i), r.Condition)
		ps = append(ps, cps...)
	}
	return ps
}

// machines are reused VMs: Run resets a VM's stack, scopes and memory
// count, and keeping their buffers saves most of an evaluation's allocations.
var machines = sync.Pool{New: func() any { return &vm.VM{} }}

// Match evaluates one rule's condition. An evaluation that fails (a memory
// budget exceeded, an index out of range) is an error, never a guess.
func Match(r model.ReviewRule, in *model.RuleInput) (bool, error) {
	p, ps := Compile("condition", r.Condition)
	if len(ps) > 0 {
		return false, ps.Err()
	}
	machine := machines.Get().(*vm.VM)
	defer machines.Put(machine)
	machine.MemoryBudget = model.RuleMemoryBudget
	out, err := machine.Run(p, in)
	if err != nil {
		return false, err
	}
	ok, isBool := out.(bool)
	if !isBool {
		return false, fmt.Errorf("condition yielded %T", out)
	}
	return ok, nil
}

// Decide applies the configuration's active rules of kind at `at` to the
// input: the first matching rule decides; none matching is OutcomeNone. A
// rule whose evaluation fails sends the declaration to manual review under
// its name, so customs sees it rather than a silent pass.
func Decide(cfg model.RuleConfig, kind model.DeclarationKind, at time.Time, in *model.RuleInput) model.RuleDecision {
	return DecideRules(cfg.Version, cfg.ActiveRules(kind, at), in)
}

// DecideRules applies rules in their order to the input.
func DecideRules(version int, rules []model.ReviewRule, in *model.RuleInput) model.RuleDecision {
	for _, r := range rules {
		ok, err := Match(r, in)
		if err != nil {
			return model.RuleDecision{ConfigVersion: version, RuleID: r.ID, Outcome: model.OutcomeManual,
				Opinion: r.Opinion, Error: err.Error()}
		}
		if ok {
			return model.RuleDecision{ConfigVersion: version, RuleID: r.ID, Outcome: r.Outcome, Opinion: r.Opinion}
		}
	}
	return model.RuleDecision{ConfigVersion: version, Outcome: model.OutcomeNone}
}
