package ownerview

import (
	"encoding/binary"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/migsim/migsim/pcie"
)

// TestMSIXTargetOf: a message is judged against the entries as written,
// with the access rules member.MSIXTable applies (aligned DWORDs and
// QWORDs inside one entry); an entry never written, or written at address
// 0, is no target; a masked one is reported masked.
func TestMSIXTargetOf(t *testing.T) {
	const vf, addr = 1, 0xfee0_0000
	dw := func(v uint32) []byte { return binary.LittleEndian.AppendUint32(nil, v) }
	entry := func(i int, data uint32, ctl uint32) func(r *Record) {
		return func(r *Record) {
			base := uint64(pcie.BAR0MSIXTable + i*pcie.MSIXEntrySize)
			r.ObserveMSIXWrite(vf, base, binary.LittleEndian.AppendUint64(nil, addr)) // a QWORD
			r.ObserveMSIXWrite(vf, base+8, dw(data))
			r.ObserveMSIXWrite(vf, base+12, dw(ctl))
		}
	}
	cases := []struct {
		name   string
		writes []func(r *Record)
		data   uint32
		addr   uint64
		want   MSIXTarget
	}{
		{"nothing written", nil, 0x40, addr, MSIXTarget{Entry: -1}},
		{"written and unmasked", []func(*Record){entry(0, 0x40, 0), entry(1, 0x41, 0)}, 0x41, addr, MSIXTarget{Entry: 1}},
		{"another address", []func(*Record){entry(1, 0x41, 0)}, 0x41, addr + 0x1000, MSIXTarget{Entry: -1}},
		{"other data", []func(*Record){entry(1, 0x41, 0)}, 0x42, addr, MSIXTarget{Entry: -1}},
		{"masked", []func(*Record){entry(1, 0x41, 1)}, 0x41, addr, MSIXTarget{Entry: 1, Masked: true}},
		{"an unmasked twin wins", []func(*Record){entry(0, 0x41, 1), entry(2, 0x41, 0)}, 0x41, addr, MSIXTarget{Entry: 2}},
		{"never unmasked", []func(*Record){func(r *Record) {
			r.ObserveMSIXWrite(vf, pcie.BAR0MSIXTable, dw(addr))
			r.ObserveMSIXWrite(vf, pcie.BAR0MSIXTable+8, dw(0x40))
		}}, 0x40, addr, MSIXTarget{Entry: 0, Masked: true}},
		{"address 0 is no target", []func(*Record){func(r *Record) {
			r.ObserveMSIXWrite(vf, pcie.BAR0MSIXTable+8, dw(0))
			r.ObserveMSIXWrite(vf, pcie.BAR0MSIXTable+12, dw(0))
		}}, 0, 0, MSIXTarget{Entry: -1}},
		{"unaligned and crossing writes are dropped", []func(*Record){func(r *Record) {
			r.ObserveMSIXWrite(vf, pcie.BAR0MSIXTable+2, dw(addr))
			r.ObserveMSIXWrite(vf, pcie.BAR0MSIXTable+12, binary.LittleEndian.AppendUint64(nil, addr))
			r.ObserveMSIXWrite(vf, pcie.BAR0MSIXTable, []byte{0, 0, 0xe0, 0xfe, 0})
		}}, 0, addr, MSIXTarget{Entry: -1}},
		{"the PBA and below the table are not the table", []func(*Record){func(r *Record) {
			r.ObserveMSIXWrite(vf, pcie.BAR0MSIXPBA, dw(addr))
			r.ObserveMSIXWrite(vf, pcie.BAR0MSIXTable-4, dw(addr))
		}}, 0, addr, MSIXTarget{Entry: -1}},
		{"another member's table", []func(*Record){func(r *Record) { entry(0, 0x40, 0)(r); r.msix[vf+1] = r.msix[vf]; delete(r.msix, vf) }},
			0x40, addr, MSIXTarget{Entry: -1}},
		{"forgotten with the SR-IOV group", []func(*Record){entry(0, 0x40, 0), func(r *Record) { r.Forget() }}, 0x40, addr, MSIXTarget{Entry: -1}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := NewRecord(testEnv{})
			for _, w := range tc.writes {
				w(r)
			}
			got := r.MSIXTargetOf(vf, tc.addr, tc.data)
			assert.Equal(t, tc.want, MSIXTarget{Entry: got.Entry, Masked: got.Masked}) // TestMSIXControl judges the rest
			assert.Equal(t, tc.want.Entry >= 0, got.Found())
		})
	}
}

// TestMSIXJudgeHash: the tables as written are part of the judge hash
// and of nothing the state hash reads.
func TestMSIXJudgeHash(t *testing.T) {
	a, b := NewRecord(testEnv{}), NewRecord(testEnv{})
	b.ObserveMSIXWrite(1, pcie.BAR0MSIXTable+12, []byte{0, 0, 0, 0})
	assert.Equal(t, a.StateHash(), b.StateHash())
	assert.NotEqual(t, a.FreshJudgeHash(), b.FreshJudgeHash())
	assert.Equal(t, b.FreshJudgeHash(), b.JudgeHash())
}
