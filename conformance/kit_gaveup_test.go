package conformance_test

import (
	"encoding/binary"
	"encoding/json"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/migsim/migsim/conformance"
	"github.com/migsim/migsim/member"
	membernet "github.com/migsim/migsim/member/net"
	"github.com/migsim/migsim/pcie"
	"github.com/migsim/migsim/spec"
	"github.com/migsim/migsim/virtq"
)

// nakPort is the memory port of a planted bug around the reference
// virtio-net: the device applies VIRTIO_NET_CTRL_MAC_TABLE_SET as the
// reference does, but its ack reaches guest memory as VIRTIO_NET_ERR, in
// every run. The port follows the device's DMA: the last driver-readable
// descriptor of 2 bytes (a control command's header, struct
// virtio_net_ctrl_hdr), a read of that header naming MAC_TABLE_SET, then
// the command's 1-byte ack.
type nakPort struct {
	port    pcie.MemoryPort
	hdr     uint64
	pending bool
}

func (p *nakPort) ReadMem(rid pcie.RID, addr uint64, buf []byte) error {
	if err := p.port.ReadMem(rid, addr, buf); err != nil {
		return err
	}
	switch {
	case len(buf) == virtq.DescSize:
		if binary.LittleEndian.Uint32(buf[8:]) == 2 && binary.LittleEndian.Uint16(buf[12:])&virtq.DescFWrite == 0 {
			p.hdr = binary.LittleEndian.Uint64(buf)
		}
	case len(buf) == 2 && addr == p.hdr:
		p.pending = buf[0] == byte(spec.NetMACTableSet.Class) && buf[1] == spec.NetMACTableSet.Command
	}
	return nil
}

func (p *nakPort) WriteMem(rid pcie.RID, addr uint64, data []byte) error {
	if p.pending && len(data) == 1 {
		p.pending = false
		return p.port.WriteMem(rid, addr, []byte{spec.NetAckErr})
	}
	return p.port.WriteMem(rid, addr, data)
}

// naksMACTable builds the reference virtio-net over a nakPort.
func naksMACTable(c member.Config) member.Device {
	c.Mem = &nakPort{port: c.Mem}
	return membernet.New(c)
}

// TestGuestGaveUpWithoutMigration: a device that answers the guest's MAC
// table command with an error in every run passes the catalog's judgement
// of net-mac-table-before-stop (the guest's log is the same with and
// without migration, so the transparency oracle sees nothing), but the
// guest gave up on the command in the run without migration: the kit
// fails the row on the requirements its run exercised, with the guest's
// line, in the text, JSON and JUnit reports. The reference passes.
func TestGuestGaveUpWithoutMigration(t *testing.T) {
	const line = "vcpu0: FAIL ctrl VIRTIO_NET_CTRL_MAC_TABLE_SET uc=1 mc=1: ack 1"
	for _, tc := range []struct {
		name  string
		f     member.Factory
		fails map[string][]string // failing unit: its failure's requirements
	}{
		{"reference", membernet.New, nil},
		{"naks-mac-table", naksMACTable, map[string][]string{
			"net-mac-table-before-stop/draft-2023": {"NET-DEV-06", "NET-DEV-07"},
			"net-mac-table-before-stop/virtio-1.4": {"NET-DEV-06", "NET-DEV-07", "NET-PART-01", "NET-PART-02"},
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var text, js, junit strings.Builder
			rep, err := conformance.Check(conformance.NetFactoryDevice(tc.name, tc.f), conformance.Short(),
				conformance.Scenarios("net-mac-table-before-stop"), conformance.ReplayDir(t.TempDir()),
				conformance.WriteReport("text", &text), conformance.WriteReport("json", &js), conformance.WriteReport("junit", &junit))
			require.NoError(t, err)
			got := map[string][]string{}
			for _, u := range rep.Units {
				if u.Verdict != "fail" {
					continue
				}
				// The only failure: the catalog's judgement of the row passed.
				if assert.Len(t, u.Failures, 1, u.Name) {
					f := u.Failures[0]
					assert.Equal(t, "run without migration", f.Check, u.Name)
					assert.Equal(t, "the guest gave up on ctrl VIRTIO_NET_CTRL_MAC_TABLE_SET uc=1 mc=1 without migration: "+line, f.Message, u.Name)
					got[u.Name] = f.Requirements
				}
			}
			if tc.fails == nil {
				assert.Empty(t, got)
				assert.False(t, rep.Failed())
				return
			}
			assert.Equal(t, tc.fails, got)
			// NET-DEV-07 is a SHOULD: the failure names it, and it is a
			// warning, not a failed requirement.
			assert.Equal(t, []string{"NET-DEV-06", "NET-PART-01", "NET-PART-02"}, rep.FailedRequirements())
			for _, q := range rep.Requirements {
				if q.ID == "NET-DEV-07" {
					assert.Equal(t, "warn", q.Verdict)
				}
			}
			assert.Contains(t, text.String(), "net-mac-table-before-stop/virtio-1.4: the guest gave up on ctrl VIRTIO_NET_CTRL_MAC_TABLE_SET uc=1 mc=1 without migration: "+
				line+" (expected pass) [NET-DEV-06 NET-DEV-07 NET-PART-01 NET-PART-02]")
			var doc struct {
				Units []struct {
					Name     string `json:"name"`
					Failures []struct {
						Check   string `json:"check"`
						Message string `json:"message"`
					} `json:"failures"`
				} `json:"units"`
			}
			require.NoError(t, json.Unmarshal([]byte(js.String()), &doc))
			checks := 0
			for _, u := range doc.Units {
				for _, f := range u.Failures {
					assert.Equal(t, "run without migration", f.Check, u.Name)
					assert.Contains(t, f.Message, line, u.Name)
					checks++
				}
			}
			assert.Equal(t, 2, checks, "a failure per row in the JSON report")
			assert.Contains(t, junit.String(), `type="run without migration"`)
			assert.Contains(t, junit.String(), "the guest gave up on ctrl VIRTIO_NET_CTRL_MAC_TABLE_SET uc=1 mc=1 without migration")
		})
	}
}
