package compat

import (
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// trialDir holds saved states and descriptions a new user wrote by hand
// from docs/compat.md: hand-made corruptions of a virtio-net state with the
// header of docs/examples/compat/src-net-v3.json (x-*: the header, y-*:
// header fields and payloads, z-*: payloads cut short), and descriptions
// (s-*, d-*). Their payloads of parts are the runs the docs' example held
// before it was made a complete DEV_PARTS_GET ALL result: no
// PCI_COMMON_CFG, no DEVICE_STATUS.
const trialDir = "testdata/trial"

func trialFile(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(trialDir, name))
	require.NoError(t, err)
	return b
}

// The three mismatches of every run the old example wrote, after whatever
// the case adds; end is where its payload ends.
func incompleteRun(end string) []string {
	return []string{
		"context payload (virtio-1.4 device parts): end of the run at " + end + ": missing: a complete run holds exactly one DEVICE_STATUS",
		"context manifest part 2 (PCI_COMMON_CFG): the payload holds no PCI_COMMON_CFG part",
		"context manifest part 3 (DEVICE_STATUS): the payload holds no DEVICE_STATUS part",
	}
}

// TestCheckSavedStateTrialFiles checks the verdict of every hand-made
// state against d-nomq.json (a virtio-net destination: num-queues 1-4,
// VERSION_1, MRG_RXBUF and CTRL_VQ, no MQ): every problem is found and
// named with its byte offset, and input that is not a saved state at all
// is told apart (CompatDecodeError.NotState).
func TestCheckSavedStateTrialFiles(t *testing.T) {
	dst, err := ParseDestinationDescription(trialFile(t, "d-nomq.json"))
	require.NoError(t, err)
	cases := []struct {
		file     string
		notState bool
		want     []string // every mismatch; nil: compatible
	}{
		{file: "x-empty.state", notState: true, want: []string{"format header: byte 0: truncated: 0 bytes, the magic needs 4"}},
		{file: "x-magic.state", notState: true, want: []string{`format header: byte 0: bad magic "MGSX", want "MGSC"`}},
		{file: "x-trunc10.state", notState: true, want: []string{"format header: byte 10: truncated: 10 bytes, the fixed header needs 32"}},
		{file: "x-trunc40.state", notState: true, want: []string{"format header: byte 8: truncated: header_len 145, the input has 40 bytes"}},
		{file: "x-hlen-big.state", notState: true, want: []string{"format header: byte 8: truncated: header_len 100000, the input has 466 bytes"}},
		{file: "x-hlen-small.state", want: []string{"format header: byte 8: header_len 20 below the 32 bytes of the fixed header"}},
		{file: "x-hlen-off.state", want: []string{"format header: byte 130: header_len 150, but the header fields end at byte 130"}},
		{file: "x-major2.state", want: []string{"format header: byte 4: fmt_major 2, this reader knows 1"}},
		{file: "x-modellen.state", want: []string{"format header: byte 32: model length 4294967280 exceeds the 109 bytes left in the header"}},
		{file: "x-param-unsorted.state", want: []string{`format header: byte 98: param 1 (a): not sorted after "num-queues" or duplicate`}},
		{file: "x-tlv-drvfeat-short.state", want: []string{"format header: byte 130: tlv 0 (driver-features): length 2, want 8"}},
		{file: "x-tlv-dup.state", want: []string{"format header: byte 146: tlv 1: duplicate driver-features TLV"}},
		{file: "x-tlv-unknown-mand.state", want: []string{"format header: byte 130: tlv 0: unknown type 9 without the OPTIONAL flag (fmt_minor 0)"}},
		{file: "y-manifest-flags.state", want: []string{"format header: byte 104: part 0 (DEV_FEATURES): flags 0x80, only bit 0 (OPTIONAL) is defined"}},
		{file: "y-param-badtype.state", want: []string{"format header: byte 89: param 0 (num-queues): unknown type 7"}},
		{file: "y-param-bool2.state", want: []string{"format header: byte 84: param 0 (flag): bool value 2, want 0 or 1"}},
		{file: "x-extra.state", want: []string{"corrupt payload_len: byte 12: payload_len 336, but 340 bytes follow the header"}},
		{file: "x-plen.state", want: []string{"corrupt payload_len: byte 12: payload_len 10, but 336 bytes follow the header"}},
		{file: "x-trunc-payload.state", want: []string{"corrupt payload_len: byte 12: payload truncated: payload_len 336, only 331 bytes follow the header"}},
		{file: "y-devid.state", want: []string{"corrupt virtio_device_id: source 2, destination expects 1 for the model"}},
		{file: "x-tlv-drvfeat.state", want: []string{"context driver_features bit 22 (VIRTIO_NET_F_MQ): acknowledged by the driver, not offered by the device"}},
		{file: "x-good.state", want: incompleteRun("byte 481 (payload offset 336)")},
		{file: "x-minor5.state", want: incompleteRun("byte 466 (payload offset 336)")},
		{file: "x-tlv-unknown-opt.state", want: incompleteRun("byte 477 (payload offset 336)")},
		{file: "y-nq2.state", want: append(incompleteRun("byte 466 (payload offset 336)"),
			"context part 4 (VQ_CFG) selector: source vq 2, destination num-queues 2 (vq 0-1)",
			"context part 5 (VQ_CFG) selector: source vq 3, destination num-queues 2 (vq 0-1)",
			"context part 8 (VQ_NOTIFY_CFG) selector: source vq 2, destination num-queues 2 (vq 0-1)",
			"context part 9 (VQ_NOTIFY_CFG) selector: source vq 3, destination num-queues 2 (vq 0-1)")},
		{file: "y-payload-bad-order.state", want: []string{"context payload (virtio-1.4 device parts): part 1 (DEV_FEATURES) at byte 147 (payload offset 17): out of order: DEV_FEATURES after DEVICE_STATUS"}},
		{file: "y-payload-dup.state", want: []string{"context payload (virtio-1.4 device parts): part 1 (DEV_FEATURES) at byte 154 (payload offset 24): duplicate: DEV_FEATURES already given by part 0"}},
		{file: "y-payload-statuslen.state", want: []string{"context payload (virtio-1.4 device parts): part 2 (DEVICE_STATUS) at byte 178 (payload offset 48): length 3, want 1"}},
		{file: "y-payload-empty.state", want: []string{
			"context payload (virtio-1.4 device parts): end of the run at byte 130 (payload offset 0): missing: a complete run holds exactly one DEVICE_STATUS",
			"context manifest part 0 (DEV_FEATURES): the payload holds no DEV_FEATURES part",
			"context manifest part 1 (DRV_FEATURES): the payload holds no DRV_FEATURES part",
			"context manifest part 2 (PCI_COMMON_CFG): the payload holds no PCI_COMMON_CFG part",
			"context manifest part 3 (DEVICE_STATUS): the payload holds no DEVICE_STATUS part",
			"context manifest part 4 (VQ_CFG): the payload holds no VQ_CFG part",
			"context manifest part 5 (VQ_NOTIFY_CFG): the payload holds no VQ_NOTIFY_CFG part"}},
		{file: "y-payload-feat-mismatch.state", want: append(incompleteRun("byte 466 (payload offset 336)"),
			"context DEV_FEATURES bit 15 (VIRTIO_NET_F_MRG_RXBUF): the header's device_features has it, payload part 0 (byte 130) does not",
			"context DEV_FEATURES bit 17 (VIRTIO_NET_F_CTRL_VQ): the header's device_features has it, payload part 0 (byte 130) does not",
			"context DEV_FEATURES bit 22 (VIRTIO_NET_F_MQ): payload part 0 (byte 130) offers it, the header's device_features does not")},
		{file: "y-payload-garbage.state", want: []string{"context payload (virtio-1.4 device parts): part 0 (PART_0xffff) at byte 130 (payload offset 0): truncated: length 4294967295 runs past the end (24 bytes left)"}},
		{file: "y-payload-unknown.state", want: append(incompleteRun("byte 483 (payload offset 353)"),
			"context payload part 10 (PART_0x03ff): at byte 466 (payload offset 336): the manifest does not list PART_0x03ff",
			"part-unknown payload part 10 (PART_0x03ff): source sends it without OPTIONAL, destination does not know it")},
		{file: "z-cut-hdr.state", want: []string{"context payload (virtio-1.4 device parts): part 1 (DRV_FEATURES) at byte 154 (payload offset 24): truncated: header needs 16 bytes, 5 left"}},
		{file: "z-cut.state", want: []string{"context payload (virtio-1.4 device parts): part 9 (VQ_NOTIFY_CFG) at byte 442 (payload offset 312): truncated: length 8 runs past the end (5 bytes left)"}},
		{file: "y-payload-draft.state"},
		{file: "y-payload-draft-bad.state", want: []string{"context payload (draft-2023 context): field 0 (FIELD_0x000b) at byte 114 (payload offset 8): unknown field type 0xb (known 0x1-0xa, device-type 0x1000-0x1fff)"}},
		{file: "y-payload-draft-badvalue.state", want: []string{"context payload field 0 (DEVICE_STATUS): at byte 114 (payload offset 8): DEVICE_STATUS value at offset 0: length 1, want 8"}},
		{file: "y-payload-draft-vq9.state", want: []string{"context field 0 (PCI_VQ_CFG) selector: source vq 9, destination num-queues 4 (vq 0-3)"}},
	}
	files, err := filepath.Glob(filepath.Join(trialDir, "*.state"))
	require.NoError(t, err)
	require.Len(t, cases, len(files), "a case per state of %s", trialDir)
	for _, c := range cases {
		t.Run(c.file, func(t *testing.T) {
			saved := trialFile(t, c.file)
			_, _, herr := DecodeHeader(saved)
			var de *CompatDecodeError
			assert.Equal(t, c.notState, errors.As(herr, &de) && de.NotState, "NotState: %v", herr)
			_, err := CheckSavedState(saved, dst, Where{Phase: PhaseLoad})
			if c.want == nil {
				require.NoError(t, err)
				return
			}
			var ie *IncompatibleError
			require.True(t, errors.As(err, &ie), "%v", err)
			var got []string
			for _, m := range ie.Mismatches {
				got = append(got, m.String())
			}
			assert.Equal(t, c.want, got)
		})
	}
}
