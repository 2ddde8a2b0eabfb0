package oracle

import (
	"fmt"
	"strings"

	"github.com/migsim/migsim/spec"
	"github.com/migsim/migsim/world/observe"
)

// DocPath is where Doc's output lives, relative to the module root.
const DocPath = "docs/oracles.md"

// RegenerateDoc is the command that rewrites DocPath.
const RegenerateDoc = "go test ./oracle -run TestOraclesDoc -rewrite"

// Doc renders docs/oracles.md from the registry: every oracle with its
// meaning, what a host observes for it, the hooks it runs at and its
// requirement IDs with their text; the hooks; the verdicts that are not
// oracles.
func Doc() string {
	var b strings.Builder
	b.WriteString(docIntro)
	b.WriteString("\n| oracle | meaning | hook | requirements |\n|---|---|---|---|\n")
	for _, o := range all {
		info := o.Info()
		fmt.Fprintf(&b, "| [`%s`](#%s) | %s | %s | %s |\n", info.Name, info.Name, mdEscape(info.Doc),
			hooksText(o), orDash(strings.Join(info.Reqs, " ")))
	}
	for _, o := range all {
		writeOracle(&b, o)
	}
	b.WriteString("\n## Hooks\n\nThe world's observation points, in the order a run reaches them " +
		"(package `world/observe`: the hook interfaces and their passes).\n\n| hook | when, and what the pass carries |\n|---|---|\n")
	for _, h := range observe.Hooks {
		fmt.Fprintf(&b, "| `%s` | %s |\n", h, mdEscape(h.Doc()))
	}
	b.WriteString("\n## Verdicts that are not oracles\n\nA finding can carry these names too. No oracle " +
		"checks them: the part of migsim named reports them. `scenario`, `reference` and `panic` never match " +
		"an expectation.\n\n| verdict | meaning | reported by |\n|---|---|---|\n")
	for _, v := range verdicts {
		fmt.Fprintf(&b, "| `%s` | %s | %s |\n", v.Name, mdEscape(v.Doc), v.ReportedBy)
	}
	b.WriteString(docGaveUp)
	b.WriteString(docRunBeforeResume)
	b.WriteString(docOneRunningWiped)
	b.WriteString(docImpact)
	b.WriteString(docAdding)
	return b.String()
}

const docIntro = `# Oracles

<!-- Generated from the registry (oracle/*.go) by oracle.Doc.
     Do not edit: change the oracle, then run
     ` + RegenerateDoc + ` -->

An oracle judges a run from what a host could observe: the TLPs a function puts on the bus, the
statuses of admin commands, the bytes a context or parts read returns, the guest's own log.
"Stopped" means: the owner driver received the successful completion of the command that stopped
the member (Stop or Freeze in draft-2023, the stopped bit in virtio-1.4) and has not yet submitted
another mode command, whatever the member reports about itself. The world keeps this owner-side
view per member (package world, OwnerView): the mode the last successful mode command set, the
mode commands and other admin commands outstanding, an FLR the host saw start (100 ms, then the
mode follows mode-after-flr), a virtio reset in progress and whether the host resumed the member
(a mode command that runs it submitted, no stop completed since). A member's own account of itself
(the mode in its status, its context digest) is judged by one oracle only, self-report, which
compares it with the host's view; atomic-load and the side-effect check of admin-status also
compare a member's account before and after a failed command, and say so below.

Each oracle is a value in package ` + "`oracle`" + `, one file per oracle; the world calls it at the
hooks it implements and it reports through the pass it is handed. A finding names the oracle, the
requirement IDs of the run's edition, the step after which it was seen and the actors involved;
the first finding of a run ends it. Within one hook the oracles run in the order below, so when two
fire on the same step the first one listed is reported. ` + "`migsim oracles`" + ` prints this table.
`

const docGaveUp = `
## A guest that gave up or hung

The guest drivers record, beside the text of each log line that tells of trouble, what it is
(package ` + "`guest`" + `, ` + "`Trouble`" + `; the text stays as it was): a command the driver gave up on (its
` + "`FAIL`" + ` line), a request the device completed with a failed status (a virtio-blk status other than
VIRTIO_BLK_S_OK, a failed flush among them; a virtio-net control command acked VIRTIO_NET_ERR), a
wait that ended with requests outstanding and no interrupt left to come (the guest hung), each with
the features its command needs and the features the driver had negotiated. ` + "`gave-up`" + ` judges them
in the migrated run, against the run without migration, for these reasons:

- **Against the run without migration, as ` + "`transparent`" + ` does.** A trouble only the migrated run shows
  is the migration's doing: the guest can tell it moved (or, when the VM ends where it started, that a
  migration was attempted), which is ` + "`transparent`" + `'s finding (it runs
  first at the same hook, so the rows that expect it keep their verdict). What ` + "`transparent`" + ` cannot
  see is the trouble both runs show: the logs are equal, yet the guest gave up or hung. That is the
  one ` + "`gave-up`" + ` reports, and the migration cannot explain it. Judging the migrated log alone would
  also claim the migration's own damage whenever ` + "`transparent`" + ` is left out (the replays that decide
  a finding's impact leave oracles out).
- **In the migrated run, not in the run without migration itself.** A finding of a run without
  migration is a ` + "`reference`" + ` defect: it never matches an expectation, carries no schedule and stops
  the row. A finding of a migrated run is shrunk, explained, replayed and stored like every other,
  and ` + "`migsim run`" + `, ` + "`migsim explore`" + ` and the regression schedules see it with any device. Since the
  same trouble is in both runs, the first migrated run of a row already shows it.
- **Only where ` + "`transparent`" + ` compares logs**: the flow succeeded, or stopped on a compatibility check
  (the precheck, or a destination's load check refusing a saved state) with the VM's vCPUs running:
  the check stopped the migration before anything moved, or ` + "`on-error=rollback`" + ` resumed the VM on
  the source, so the guest may notice nothing. A flow that stopped with another error is that
  error's verdict; the failed migration may well show in the guest's log. So is a compatibility
  check that left the vCPUs halted (` + "`on-error=stop`" + ` after ` + "`halt-vcpus`" + `): nobody resumes them, and
  the guest's log ends where the halt caught it, which is the failed flow showing, not a migration
  the guest can tell (` + "`error corrupt`" + ` or ` + "`error incompatible`" + `, as docs/scenarios.md says of a flow
  that stops with an error while the vCPUs are halted).
- **Excused: a command that needs a feature the driver's probe did not negotiate** (` + "`Trouble.Excused`" + `):
  the driver fails it whatever the device does, as Linux's drivers test the feature before they send
  the command (virtio-blk's flush VIRTIO_BLK_F_FLUSH and write-cache toggle VIRTIO_BLK_F_CONFIG_WCE;
  a virtio-net control command VIRTIO_NET_F_CTRL_VQ and its class's feature, more than one queue pair
  VIRTIO_NET_F_MQ; virtio spec, "Block Device" and "Network Device", "Feature bits" and "Control
  Virtqueue"). Nothing else is excused: with the reference devices no catalog row shows such a
  trouble in both runs.
- **Worded for the scenario's author: a command on a queue, queue pair or feature the program never set up** (` + "`Trouble.Unprepared`" + `,
  virtio-blk's submit and kick, virtio-net's transmit and kick, before ` + "`probe`" + ` or after a reset
  without one; a feature-gated command before any probe negotiated anything, such as a virtio-net
  control command, ` + "`mq`" + ` or virtio-blk's ` + "`wce`" + `; a virtio-net control command after a probe that
  negotiated VIRTIO_NET_F_CTRL_VQ but stopped before it set the control queue up; a virtio-net transmit
  or kick on a queue pair above the first with VIRTIO_NET_F_MQ negotiated that the probe stopped before or
  no ` + "`mq`" + ` command put in use — a pair the scenario's ` + "`queues`" + ` do not give the driver is refused
  when the scenario loads): the driver gives up
  before the device sees anything, so the finding says the guest's program, not the device, fails
  it. It stays a finding, and is not excused though the command needs a feature nothing negotiated,
  so that a scenario whose guest never reaches the device cannot pass.

The conformance kit judges a passing row's run without migration with the same function
(` + "`oracle.DeviceTrouble`" + `) and wording (` + "`oracle.TroubleText`" + `), docs/conformance.md.
`

const docImpact = `
## Impact of a finding

Every finding the catalog's judge reports (` + "`migsim run`" + `, the regression schedules, ` + "`migsim report`" + `,
docs/questions.md) says what it did to the guest, decided from what its run observed, not from
the oracle's name:

- **guest-visible**: harm reached the guest. The finding is ` + "`transparent`" + `, ` + "`gave-up`" + ` or a deadlock (` + "`live`" + `), or it is
  another oracle's and the run, replayed without that oracle (and without every other
  non-guest-visible oracle that fires on the way, each named), ends in one of them.
- **rule-only**: a rule of the edition broke and, in that run, nothing the guest sees was damaged:
  the replay without the rule oracles that fired runs to its end (or to a flow error) with no
  guest-visible finding. The FLR that completes inside Freeze and resumes the abandoned source
  after switchover (` + "`one-running`" + `) is one.
- **flow-error**: the hypervisor's flow stopped with a named error; the migration failed and no
  guest-visible oracle fired (the transparent oracle does not compare a failed migration's log).
- **step-bound**: the run reached its step bound (` + "`--max-steps`" + `, default 200,000) before it ended,
  directly or in the replay without the rule oracles that fired. That is a livelock or only a run
  longer than the bound, which a larger ` + "`--max-steps`" + ` tells apart; the guest's final log was never
  compared, so nothing is claimed about the guest. A deadlock is ` + "`live`" + ` and guest-visible.

Defects (` + "`scenario`" + `, ` + "`reference`" + `, ` + "`panic`" + `) have no impact. The replay follows the
shrunk schedule and then continues the last actor, so the impact is that of one concrete run.

A finding's requirement IDs are derived from the same run, from what the host observed of it
(the admin commands its owner driver completed and the requests that crossed the bus, never a
member's account of itself): a rule oracle's finding names the requirement of the rule that
broke (what the oracle reported); a guest-visible finding, a flow error, or a rule finding whose
oracle names none, names the driver-side rules the host saw the run break and the requirements
of its oracle and of its scenario that apply to the edition and that the run involved. A
device requirement is involved when the trace shows what it is about: a mode the host set by a
successful DEV_MODE_SET, a successful context read or write or parts command, an FLR or a reset
the host saw in progress, a request of a vCPU or a peer that reached a member in the mode the
requirement covers (a transparent finding after a write reached a member in Stop names the Stop
rule; after a Stop nothing reached, it does not), a 64-bit field of the common configuration
(queue_desc, queue_driver, queue_device) that a vCPU or a peer wrote in 32-bit halves with a
mode change of the member the first half reached between them (PCI-DEV-02: the member had to
keep the lone half across it). A driver-side rule is named when the host saw
it broken: a vCPU's request reaching a member it had frozen (DRAFT-FLOW-02), a peer's reaching a
frozen member after a source frozen straight from Active (DRAFT-FLOW-01), a vCPU's access to the
device configuration of a member it had stopped (DP-DRV-03), a DEV_PARTS_SET sent to a member it
had not stopped (DP-DRV-01, whatever the device answered; the trace records the completion, which
stands for the submission). A member that accepted such a DEV_PARTS_SET broke DP-DEV-04 and
DP-DEV-08 itself, and those are named too. The host's mode of a member is that of its owner
record (world/ownerview) replayed from the trace: the last successful mode command, and at the
end of an FLR (100 ms of virtual time after Initiate FLR) the mode mode-after-flr gives it
(flr-vs-mode=defer-flr defers that while the member is quiesced). A reset is in progress from a
write of 0 to device_status until a read of it returns 0 or a non-zero status is written; an
access is to device_status when its range covers the register.
When a broken rule is a driver MUST, the device requirements it explains (` + "`driverExplains`" + `) are
left out when only the members it concerns exercised them: a hypervisor that freezes a member its
vCPUs still access is to blame for what the guest then sees of that member and of the destination
its context migrates to (the Freeze, PCI-transport and context rules), and its finding names
DRAFT-FLOW-02 alone; an FLR's or a reset's requirement, or one another member exercised, stays.
The table of those triggers is ` + "`reqTriggers`" + ` in catalog/finding_reqs.go; package catalog/runfacts
reads the facts from the run's trace. The list an oracle declares (the requirements column of the oracle table) is what it
can name, not what a finding names: every output that shows a finding's requirements (` + "`migsim explore`" + `'s
finding list and shrunk finding, ` + "`replay`" + `, ` + "`trace --format json`" + `, ` + "`report`" + `, the schedule file's
` + "`reqs`" + `) shows this derivation from the run it shows, and tells the requirements a check judged
broken (a rule oracle's rule, a driver-side rule or a device requirement the host saw broken: the
schedule file's ` + "`reqs_broken`" + `; "broken" in text, **broken** in a report) from those the run only
involved (its trigger held: the run exercised what the requirement is about, no check judged it;
"involved"). A transparent finding's device requirements are involved, not shown broken: the
guest saw a difference, and the trace shows the run exercised them, but which one the device
failed is for the reader to tell. A finding's actors are the ones its oracle
named, then every actor (guest vCPU, peer, hypervisor) with a step in the run's causal slice
(docs/engine.md, "Shrinking").
`

const docAdding = `
## Adding an oracle

1. Write ` + "`oracle/<name>.go`" + `: an exported value of an unexported type with ` + "`Info()`" + ` (name,
   meaning, requirement IDs from ` + "`spec.LookupRequirement`" + `, what a host observes) and the
   check of each hook it needs (` + "`CheckEvent`" + `, ` + "`CheckReceived`" + `, ` + "`CheckRejectedLoad`" + `, ` + "`CheckFlowEnd`" + `,
   ` + "`CheckFinish`" + `). Judge only what the pass carries; report with ` + "`Report`" + ` or
   ` + "`ReportReqs`" + `.
2. Add it to the registry (` + "`oracle/registry.go`" + `) where its place in the order is right.
3. Plant a bug it must find and a clean case it must not (` + "`oracle/planted_test.go`" + `): a
   wrapper around the reference device, an owner fault or a hypervisor program, and say what the
   run gives without the oracle.
4. Regenerate this file: ` + "`" + RegenerateDoc + "`" + `.

If the oracle needs an observation no hook carries yet, add it to the pass in package ` + "`world/observe`" + `
(world/observe/pass.go), filled where the world sees it (world/oracle_hooks.go, world/passes); never let an oracle reach into a device.

Keep the oracle's type a struct without fields: what it needs to remember belongs in the hosts'
records (package ` + "`world/ownerview`" + `), which the world hashes. A dfs proof skips a step it already judged
from the same state and the same oracle state (known transitions, docs/engine.md); an oracle that
must keep state of its own implements ` + "`observe.StateHasher`" + `, and one that holds something it does
not hash turns that off. An event oracle that keeps nothing between events also says so with
` + "`PerEvent()`" + ` (` + "`observe.PerEventOracle`" + `), so that replayed steps are not judged twice.
`

func writeOracle(b *strings.Builder, o observe.Oracle) {
	info := o.Info()
	fmt.Fprintf(b, "\n## %s\n\n%s.\n\n**What a host observes.** %s.\n\n**Hook.** ", info.Name, upperFirst(info.Doc), upperFirst(info.Observes))
	var hooks []string
	for _, h := range observe.HooksOf(o) {
		hooks = append(hooks, "`"+string(h)+"`")
	}
	b.WriteString(strings.Join(hooks, ", ") + ".\n")
	if info.Name == Live.Info().Name {
		b.WriteString("\nThe engine reports `live` too, for a deadlock or the step bound (see below).\n")
	}
	b.WriteString(spec.RequirementsSection(info.Reqs))
	fmt.Fprintf(b, "\n**Planted bugs.** `go test ./oracle -run 'TestPlanted/%s/'`.\n", info.Name)
}

func hooksText(o observe.Oracle) string {
	var out []string
	for _, h := range observe.HooksOf(o) {
		out = append(out, string(h))
	}
	return strings.Join(out, ", ")
}

func upperFirst(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

func orDash(s string) string {
	if s == "" {
		return "—"
	}
	return s
}

// mdEscape keeps free text from breaking a Markdown table row.
func mdEscape(s string) string { return strings.ReplaceAll(s, "|", `\|`) }
