package wire

import (
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
)

// Message is one line of the protocol, in either direction. Which fields
// a message carries depends on its Op (docs/device-protocol.md, "Messages");
// the others are left out.
type Message struct {
	// ID is the request a message belongs to: the kit numbers its hello,
	// new and event requests 1, 2, 3, …; a device's reply and every nested
	// request it makes while handling one carry that request's ID, and so
	// do the kit's answers to them.
	ID uint64 `json:"id"`
	Op string `json:"op"`

	// hello.
	Protocol int                 `json:"protocol,omitempty"`
	Name     string              `json:"name,omitempty"`
	Editions []string            `json:"editions,omitempty"`
	Knobs    map[string][]string `json:"knobs,omitempty"`
	// Type is the device type a device declares: "net" (extdevice.TypeNet),
	// or absent for virtio-blk.
	Type string `json:"type,omitempty"`

	// new, event.
	Dev    uint64   `json:"dev,omitempty"`
	Config *Config  `json:"config,omitempty"`
	Drop   []uint64 `json:"drop,omitempty"`
	// Capacity is the disk's capacity in sectors now (event, with a disk).
	Capacity *uint64 `json:"capacity,omitempty"`
	Event    *Event  `json:"event,omitempty"`
	// Port is a virtio-net device's port now (event, net devices).
	Port *PortState `json:"port,omitempty"`

	// Nested requests and their answers.
	Addr   Hex64    `json:"addr,omitempty"`
	Sector uint64   `json:"sector,omitempty"`
	Len    int      `json:"len,omitempty"`
	Data   HexBytes `json:"data,omitempty"`
	Error  string   `json:"error,omitempty"`

	// ready, effects.
	ReadData    HexBytes     `json:"read_data,omitempty"`
	Interrupts  []Interrupt  `json:"interrupts,omitempty"`
	Completions []Completion `json:"completions,omitempty"`
	Timers      []Timer      `json:"timers,omitempty"`
	Steps       []Step       `json:"steps,omitempty"`
	Notes       []string     `json:"notes,omitempty"`
	Status      *Status      `json:"status,omitempty"`
	Digest      *Hex64       `json:"digest,omitempty"`
	// Wire is what a virtio-net device did on its network side while it
	// answered (ready, effects).
	Wire *Wire `json:"wire,omitempty"`
}

// Config is a new device's configuration (member.Config).
type Config struct {
	Edition string `json:"edition"`
	// Rules holds every knob by name ("flr-vs-mode": "hold-reply").
	Rules        map[string]string `json:"rules"`
	VF           int               `json:"vf"`
	RID          uint16            `json:"rid"`
	BAR0         Hex64             `json:"bar0"`
	NumQueues    uint16            `json:"num_queues"`
	QueueSizeMax uint16            `json:"queue_size_max"`
	Features     Hex64             `json:"features"`
	MSIXVectors  int               `json:"msix_vectors"`
	// Disk is the disk behind a virtio-blk device, absent for none.
	Disk *Disk `json:"disk,omitempty"`
	// Net is the network side of a virtio-net device, absent for any
	// other.
	Net *NetConfig `json:"net,omitempty"`
}

// Disk describes the kit's disk at the time a device is built.
type Disk struct {
	Serial   string `json:"serial"`
	Capacity uint64 `json:"capacity"`
}

// Event is one input to a device (member.Event).
type Event struct {
	Kind  string        `json:"kind"`
	TLP   *TLP          `json:"tlp,omitempty"`
	Admin *AdminRequest `json:"admin,omitempty"`
	Timer string        `json:"timer,omitempty"`
	Step  *Step         `json:"step,omitempty"`
}

// TLP is a configuration or memory TLP addressed to the device.
type TLP struct {
	Kind      string   `json:"kind"`
	Requester uint16   `json:"requester"`
	Completer uint16   `json:"completer"`
	Addr      Hex64    `json:"addr"`
	Data      HexBytes `json:"data,omitempty"`
	Len       int      `json:"len,omitempty"`
}

// AdminRequest is an admin command the owner forwards (member.AdminRequest).
type AdminRequest struct {
	Tag       uint64   `json:"tag"`
	Opcode    uint16   `json:"opcode"`
	Data      HexBytes `json:"data,omitempty"`
	ResultCap int      `json:"result_cap"`
	ObjectID  uint32   `json:"object_id,omitempty"`
}

// Step is an internal step (member.Step).
type Step struct {
	Kind  string `json:"kind"`
	Queue uint16 `json:"queue,omitempty"`
	Tag   uint64 `json:"tag,omitempty"`
}

// Interrupt is an MSI-X message the device sends.
type Interrupt struct {
	Vector uint16 `json:"vector"`
	Addr   Hex64  `json:"addr"`
	Data   uint32 `json:"data"`
}

// Completion is a finished admin command (member.AdminCompletion).
type Completion struct {
	Tag       uint64   `json:"tag"`
	Status    uint16   `json:"status"`
	Qualifier uint16   `json:"qualifier"`
	Result    HexBytes `json:"result,omitempty"`
}

// Timer asks for a timer event after Delay nanoseconds of virtual time.
type Timer struct {
	Timer string `json:"timer"`
	Delay uint64 `json:"delay"`
}

// Status is what a device reports of itself (member.Status).
type Status struct {
	Mode         uint8 `json:"mode"`
	DeviceStatus uint8 `json:"device_status"`
	FLRPending   bool  `json:"flr_pending,omitempty"`
	ResetPending bool  `json:"reset_pending,omitempty"`
	HeldReplies  int   `json:"held_replies,omitempty"`
}

// Hex64 is a 64-bit value written as a JSON string "0x…" (lower-case hex),
// so that languages whose numbers are doubles keep every bit.
type Hex64 uint64

// MarshalJSON writes "0x…".
func (h Hex64) MarshalJSON() ([]byte, error) {
	return []byte(`"0x` + strconv.FormatUint(uint64(h), 16) + `"`), nil
}

// UnmarshalJSON reads "0x…" (1 to 16 hex digits); null reads as 0, as
// the protocol's parser reads it.
func (h *Hex64) UnmarshalJSON(b []byte) error {
	if string(b) == "null" {
		*h = 0
		return nil
	}
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return fmt.Errorf("want a \"0x…\" string, got %.40s", b)
	}
	digits, ok := strings.CutPrefix(s, "0x")
	if !ok || digits == "" || len(digits) > 16 {
		return fmt.Errorf("want a \"0x…\" string of 1 to 16 hex digits, got %q", s)
	}
	v, err := strconv.ParseUint(digits, 16, 64)
	if err != nil {
		return fmt.Errorf("bad hex %q", s)
	}
	*h = Hex64(v)
	return nil
}

// JSONKind says that a Hex64 is a JSON string, for an error that names a
// value of another kind in its place.
func (Hex64) JSONKind() string { return "string" }

// HexBytes are bytes written as a JSON string of hex digits, two per byte.
type HexBytes []byte

// MarshalJSON writes the bytes as hex.
func (b HexBytes) MarshalJSON() ([]byte, error) {
	out := make([]byte, 0, 2*len(b)+2)
	out = append(out, '"')
	out = hex.AppendEncode(out, b)
	return append(out, '"'), nil
}

// UnmarshalJSON reads a string of hex digits (an even number, either
// case; JSON escapes read as the protocol's parser reads them); null reads
// as no bytes.
func (b *HexBytes) UnmarshalJSON(data []byte) error {
	if string(data) == "null" {
		*b = nil
		return nil
	}
	var s string
	if len(data) == 0 || data[0] != '"' || json.Unmarshal(data, &s) != nil {
		return fmt.Errorf("want a string of hex digits, got %.40s", data)
	}
	out, err := hex.DecodeString(s)
	if err != nil {
		return fmt.Errorf("bad hex bytes: %v", err)
	}
	*b = out
	return nil
}

// JSONKind says that HexBytes are a JSON string, for an error that names a
// value of another kind in its place.
func (HexBytes) JSONKind() string { return "string" }
