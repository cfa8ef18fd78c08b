// Package publicpage renders the public trace page: one small HTML page,
// styles inline, no script and an empty icon, so a phone on a slow network
// shows it after a single request (docs/architecture.md, "Public trace
// page").
package publicpage

import (
	"bytes"
	_ "embed"
	"fmt"
	"html/template"

	"golang.org/x/text/language"
	"golang.org/x/text/language/display"

	"zonetrace/chaincode/model"
	"zonetrace/gateway/service/publictrace"
)

//go:embed trace.html
var traceHTML string

var traceTemplate = template.Must(template.New("trace").Parse(traceHTML))

var stageLabels = map[model.MovementKind]string{
	model.MoveZoneEntry:  "进入综保区",
	model.MoveTransfer:   "区内流转",
	model.MoveConversion: "保税转非保税",
	model.MoveZoneExit:   "离开综保区",
}

var quarantineLabels = map[model.QuarantineResult][2]string{
	model.QuarantineQualified:   {"合格", "ok"},
	model.QuarantineUnqualified: {"不合格", "bad"},
	model.QuarantinePending:     {"待检疫", "wait"},
}

type stage struct {
	publictrace.Stage
	Label string
}

type page struct {
	View            publictrace.View
	Origin          string
	Quarantine      string
	QuarantineClass string
	Stages          []stage
}

var regionNames = display.Regions(language.SimplifiedChinese)

// Trace renders the page of v.
func Trace(v publictrace.View) ([]byte, error) {
	p := page{View: v, Origin: v.Origin}
	if r, err := language.ParseRegion(v.Origin); err == nil {
		if name := regionNames.Name(r); name != "" {
			p.Origin = name
		}
	}
	q, ok := quarantineLabels[v.Quarantine]
	if !ok {
		q = [2]string{string(v.Quarantine), "wait"}
	}
	p.Quarantine, p.QuarantineClass = q[0], q[1]
	for _, s := range v.Stages {
		label := stageLabels[s.Kind]
		if label == "" {
			label = string(s.Kind)
		}
		p.Stages = append(p.Stages, stage{Stage: s, Label: label})
	}
	var b bytes.Buffer
	if err := traceTemplate.Execute(&b, p); err != nil {
		return nil, fmt.Errorf("render public trace page: %w", err)
	}
	return b.Bytes(), nil
}

var messageTemplate = template.Must(template.New("message").Parse(`<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<link rel="icon" href="data:,"><title>溯源信息</title></head>
<body style="font:16px/1.5 system-ui,sans-serif;margin:0;padding:32px 16px;text-align:center;color:#1f2d3d">
<p data-test="public-message">{{.}}</p></body></html>`))

// Message renders a one-sentence page (not found, too many requests).
func Message(text string) []byte {
	var b bytes.Buffer
	// The template is fixed and text a string: execution cannot fail.
	_ = messageTemplate.Execute(&b, text)
	return b.Bytes()
}
