package main

import "github.com/migsim/migsim/internal/cmdconform"

func init() {
	register(command{name: "conform", summary: cmdconform.Summary, run: cmdconform.Run})
}
