package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/migsim/migsim/catalog"
	"github.com/migsim/migsim/engine"
)

// shardFileFormat is the version of the shard summary files explore writes
// with --shard and merge reads. Version 2 added the shrink's Executed count
// (engine.ShrinkResult); merge refuses files of another version.
const shardFileFormat = 2

// shardFile is a shard's summary file: the report explore printed, as
// JSON (the summary under engine.Summary's field names), and the file name
// the unsharded schedule would have.
type shardFile struct {
	Format       int           `json:"format"`
	Module       string        `json:"module"`
	ScheduleName string        `json:"schedule_name,omitempty"`
	Report       exploreReport `json:"report"`
}

// writeShardFile writes a shard's report to path.
func writeShardFile(path string, rep *exploreReport) error {
	sf := shardFile{Format: shardFileFormat, Module: engine.ModuleVersion(), Report: *rep}
	if rep.Schedule != nil {
		sf.ScheduleName = catalog.ScheduleRegressName(rep.Schedule)
	}
	b, err := json.MarshalIndent(&sf, "", "  ")
	if err != nil {
		return fmt.Errorf("shard summary %s: encode: %w", path, err)
	}
	if err := os.WriteFile(path, append(b, '\n'), 0o644); err != nil {
		return fmt.Errorf("shard summary: %w", err)
	}
	return nil
}

// readShardFile reads and checks a shard summary file.
func readShardFile(path string) (*shardFile, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("shard summary: %w", err)
	}
	sf, err := parseShardFile(b)
	if err != nil {
		return nil, fmt.Errorf("shard summary %s: %w", path, err)
	}
	return sf, nil
}

// parseShardFile decodes a shard summary strictly (unknown fields are
// errors) and checks what merge relies on.
func parseShardFile(b []byte) (*shardFile, error) {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	var sf shardFile
	if err := dec.Decode(&sf); err != nil {
		var syn *json.SyntaxError
		if errors.As(err, &syn) {
			return nil, fmt.Errorf("malformed JSON at byte offset %d: %w", syn.Offset, err)
		}
		return nil, fmt.Errorf("decode: %w", err)
	}
	if dec.More() {
		return nil, fmt.Errorf("trailing data at byte offset %d", dec.InputOffset())
	}
	r, sum := &sf.Report, &sf.Report.Summary
	switch {
	case sf.Format != shardFileFormat:
		return nil, fmt.Errorf("field format: version %d, want %d", sf.Format, shardFileFormat)
	case r.Target == "" || r.Budget == "":
		return nil, errors.New("field report.target or report.budget: empty")
	case r.Strategy != engine.StrategyRandom && r.Strategy != engine.StrategyPCT && r.Strategy != engine.StrategyDFS:
		return nil, fmt.Errorf("field report.strategy: %q, want random, pct or dfs", r.Strategy)
	case sum.Strategy != r.Strategy:
		return nil, fmt.Errorf("field report.summary.Strategy: %q, report.strategy is %q", sum.Strategy, r.Strategy)
	case sum.Shards < 2 || sum.Shard < 0 || sum.Shard >= sum.Shards:
		return nil, fmt.Errorf("field report.summary.Shard: %d/%d is not a shard", sum.Shard, sum.Shards)
	case sf.ScheduleName != "" && (sf.ScheduleName != filepath.Base(sf.ScheduleName) ||
		!strings.HasSuffix(sf.ScheduleName, ".json") || strings.HasPrefix(sf.ScheduleName, ".")):
		return nil, fmt.Errorf("field schedule_name: %q is not a schedule file name", sf.ScheduleName)
	case (r.Schedule == nil) != (sf.ScheduleName == "") || (r.Schedule == nil) != (r.Shrunk == nil):
		return nil, errors.New("field report.schedule: schedule, its name and its shrink result go together")
	case r.Schedule != nil && len(sum.Findings) == 0:
		return nil, errors.New("field report.schedule: a schedule without a finding")
	}
	if r.Schedule != nil {
		if err := r.Schedule.Validate(); err != nil {
			return nil, fmt.Errorf("field report.schedule: %w", err)
		}
	}
	for i, f := range sum.Findings {
		if f.Finding.Oracle == "" {
			return nil, fmt.Errorf("field report.summary.Findings[%d].Finding.oracle: empty", i)
		}
	}
	return &sf, nil
}
