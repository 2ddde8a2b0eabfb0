package extdevice

import (
	"bytes"
	"os"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/migsim/migsim/conformance/extdevice/wire"
	"github.com/migsim/migsim/member"
	"github.com/migsim/migsim/pcie"
)

// The fuzz targets of the wire converters: each decodes a line as the kit
// or a served device does (DecodeMessage) and reads one part of it into Go
// values. A converter never panics; its errors name the field they are
// about; what it accepts goes back to the wire through the matching
// encoder unchanged and reads back to the same value. TestMain bounds
// Go's minimising of a new input (internal/fuzzflags), which stalled them
// for up to its default minute per input of a few hundred bytes.

// sessionTranscript is the transcript of a real session with
// examples/extblk (the session of extdevice_test.go), every line as the
// pool recorded it, kept by TestProtocolDocTranscript.
const sessionTranscript = "testdata/session.transcript"

// longHex matches a byte string of more than 32 hex digits.
var longHex = regexp.MustCompile(`"([0-9a-f]{32})[0-9a-f]{2,}"`)

// converterSeeds returns real lines of the protocol: every line of the
// session transcript (without its "kit> " or "dev> "), then the sample
// messages, which hold every field. Byte strings are cut to 16 bytes: the
// converters do not look inside them, and a short seed keeps the fuzzer's
// minimisation of a new input short (its last pass takes time quadratic in
// the input's length).
func converterSeeds(f *testing.F) [][]byte {
	f.Helper()
	b, err := os.ReadFile(sessionTranscript)
	require.NoError(f, err)
	var out [][]byte
	for _, l := range bytes.Split(bytes.TrimSuffix(b, []byte("\n")), []byte("\n")) {
		line, ok := bytes.CutPrefix(l, []byte("kit> "))
		if !ok {
			line, ok = bytes.CutPrefix(l, []byte("dev> "))
		}
		require.True(f, ok, "transcript line %q", l)
		out = append(out, longHex.ReplaceAll(line, []byte(`"$1"`)))
	}
	require.Greater(f, len(out), 50, "the session has its exchanges")
	for _, m := range sampleMessages() {
		out = append(out, wire.Append(nil, m))
	}
	return out
}

// addSeeds adds the converter seeds and lines of its own to a target.
func addSeeds(f *testing.F, extra ...string) {
	for _, b := range converterSeeds(f) {
		f.Add(b)
	}
	for _, s := range extra {
		f.Add([]byte(s))
	}
}

// requireField checks that err starts with a field the pattern matches,
// then ": ".
func requireField(t *testing.T, err error, field *regexp.Regexp) {
	t.Helper()
	loc := field.FindStringIndex(err.Error())
	require.True(t, loc != nil && loc[0] == 0 && strings.HasPrefix(err.Error()[loc[1]:], ": "),
		"the error does not start with the field (%s): %v", field, err)
}

// FuzzConfigFromWire reads the config of a new request: a config that
// reads writes back (ConfigToWire) with its fields and every rule it set,
// and reads back to the same configuration.
func FuzzConfigFromWire(f *testing.F) {
	addSeeds(f,
		`{"id":2,"op":"new","dev":1,"config":{"edition":"draft-2023"}}`,
		`{"id":2,"op":"new","dev":1,"config":{"edition":"virtio-1.4","rules":{"read":"sometimes"}}}`,
		`{"id":2,"op":"new","dev":1,"config":{"edition":"virtio-1.4","rules":{"speed":"fast","read":"full"}}}`,
		`{"id":2,"op":"new","dev":1,"config":{"edition":"virtio-2.0"}}`,
		`{"id":2,"op":"new","dev":1}`)
	field := regexp.MustCompile(`^config(\.edition|\.rules)?`)
	f.Fuzz(func(t *testing.T, line []byte) {
		m, err := DecodeMessage(line)
		if err != nil {
			return
		}
		c, err := ConfigFromWire(m.Config)
		if err != nil {
			requireField(t, err, field)
			return
		}
		w := ConfigToWire(c, m.Config.Disk)
		for k, v := range m.Config.Rules {
			assert.Equal(t, v, w.Rules[k], "rule %q", k)
		}
		want := *m.Config
		// The network side is read by newServedNet (FuzzNetFromWire).
		want.Rules, want.Net = w.Rules, nil
		assert.Equal(t, &want, w)
		again, err := DecodeMessage(wire.Append(nil, &Message{ID: 1, Op: OpNew, Config: w}))
		require.NoError(t, err)
		back, err := ConfigFromWire(again.Config)
		require.NoError(t, err)
		assert.Equal(t, c, back)
	})
}

// FuzzEventFromWire reads the event of an event request: an event that
// reads writes back (EventToWire) as it was and reads back to the same
// event.
func FuzzEventFromWire(f *testing.F) {
	addSeeds(f,
		`{"id":3,"op":"event","dev":1,"event":{"kind":"tlp","tlp":{"kind":"IORd"}}}`,
		`{"id":3,"op":"event","dev":1,"event":{"kind":"timer","timer":"flr","tlp":{"kind":"CfgRd","len":4}}}`,
		`{"id":3,"op":"event","dev":1,"event":{"kind":"step","step":{"kind":"rewind"}}}`,
		`{"id":3,"op":"event","dev":1,"event":{"kind":"step"}}`,
		`{"id":3,"op":"event","dev":1,"event":{"kind":"reboot"}}`,
		`{"id":3,"op":"event","dev":1}`)
	field := regexp.MustCompile(`^event(\.kind|\.tlp(\.kind)?|\.admin|\.timer|\.step(\.kind)?)?`)
	f.Fuzz(func(t *testing.T, line []byte) {
		m, err := DecodeMessage(line)
		if err != nil {
			return
		}
		ev, err := EventFromWire(m.Event)
		if err != nil {
			requireField(t, err, field)
			return
		}
		w := EventToWire(ev)
		assert.Equal(t, m.Event, w)
		again, err := DecodeMessage(wire.Append(nil, &Message{ID: 1, Op: OpEvent, Event: w}))
		require.NoError(t, err)
		back, err := EventFromWire(again.Event)
		require.NoError(t, err)
		assert.Equal(t, ev, back)
	})
}

// FuzzEffectsFromWire reads the effects and the status of a reply: effects
// that read write back (EffectsToWire) as they were, their interrupts from
// the device's routing ID, and the status writes back (StatusToWire) as it
// was.
func FuzzEffectsFromWire(f *testing.F) {
	addSeeds(f,
		`{"id":3,"op":"effects","timers":[{"timer":"flr","delay":1},{"timer":"nmi"}]}`,
		`{"id":3,"op":"effects","steps":[{"kind":"fetch"},{"kind":"admin","tag":3},{"kind":"dance"}]}`,
		`{"id":3,"op":"effects","interrupts":[{"vector":65535,"addr":"0xffffffffffffffff","data":4294967295}]}`)
	const rid = pcie.RID(0x0109)
	field := regexp.MustCompile(`^(timers\[\d+\]\.timer|steps\[\d+\]\.kind)`)
	f.Fuzz(func(t *testing.T, line []byte) {
		m, err := DecodeMessage(line)
		if err != nil {
			return
		}
		if m.Status != nil {
			assert.Equal(t, m.Status, StatusToWire(statusFromWire(m.Status)))
		}
		fx, err := effectsFromWire(m, rid)
		if err != nil {
			requireField(t, err, field)
			return
		}
		for _, i := range fx.Interrupts {
			assert.Equal(t, rid, i.Source)
		}
		var w Message
		EffectsToWire(&w, fx)
		assert.Equal(t, effectsOf(m), effectsOf(&w))
		again, err := DecodeMessage(wire.Append(nil, &Message{ID: 1, Op: OpEffects, ReadData: w.ReadData, Interrupts: w.Interrupts,
			Completions: w.Completions, Timers: w.Timers, Steps: w.Steps, Notes: w.Notes}))
		require.NoError(t, err)
		back, err := effectsFromWire(again, rid)
		require.NoError(t, err)
		assert.Equal(t, normalEffects(fx), normalEffects(back))
	})
}

// effectsOf keeps the effects fields of a message, empty lists as nil.
func effectsOf(m *Message) *Message {
	out := &Message{ReadData: m.ReadData, Interrupts: m.Interrupts, Completions: m.Completions, Timers: m.Timers,
		Steps: m.Steps, Notes: m.Notes}
	if len(out.ReadData) == 0 {
		out.ReadData = nil
	}
	if len(out.Notes) == 0 {
		out.Notes = nil
	}
	for i, c := range out.Completions {
		if len(c.Result) == 0 {
			out.Completions[i].Result = nil
		}
	}
	return out
}

// normalEffects makes empty and nil slices of effects compare equal.
func normalEffects(fx member.Effects) member.Effects {
	if len(fx.ReadData) == 0 {
		fx.ReadData = nil
	}
	if len(fx.Notes) == 0 {
		fx.Notes = nil
	}
	for i, c := range fx.Completions {
		if len(c.Result) == 0 {
			fx.Completions[i].Result = nil
		}
	}
	return fx
}

// FuzzInfoFromHello reads a device's hello: a declaration that reads
// writes back (infoToWire, what Serve answers) as it was and reads back
// to the same declaration.
func FuzzInfoFromHello(f *testing.F) {
	addSeeds(f,
		`{"id":1,"op":"hello","protocol":1,"editions":["draft-2023","virtio-2.0"]}`,
		`{"id":1,"op":"hello","protocol":1,"knobs":{"read":["full","never"]}}`,
		`{"id":1,"op":"hello","protocol":1,"knobs":{"warp":["9"],"read":["full"]}}`,
		`{"id":1,"op":"hello","protocol":1,"knobs":{"read":[]}}`,
		`{"id":1,"op":"hello","protocol":1,"type":"blk"}`,
		`{"id":1,"op":"hello","protocol":1,"type":"scsi"}`)
	field := regexp.MustCompile(`^(editions\[\d+\]|knobs|type)`)
	f.Fuzz(func(t *testing.T, line []byte) {
		m, err := DecodeMessage(line)
		if err != nil {
			return
		}
		info, err := infoFromHello(m)
		if err != nil {
			requireField(t, err, field)
			return
		}
		var w Message
		infoToWire(&w, info)
		want := Message{Name: m.Name, Editions: m.Editions, Knobs: m.Knobs, Type: m.Type}
		if want.Type == TypeBlk {
			want.Type = "" // the default, which Serve does not write
		}
		sameMessage(t, &want, &w)
		again, err := DecodeMessage(wire.Append(nil, &Message{ID: 1, Op: OpHello, Protocol: ProtocolVersion,
			Name: w.Name, Editions: w.Editions, Knobs: w.Knobs, Type: w.Type}))
		require.NoError(t, err)
		back, err := infoFromHello(again)
		require.NoError(t, err)
		assert.Equal(t, normalInfo(info), normalInfo(back))
	})
}

// normalInfo makes empty and nil lists of a declaration compare equal.
func normalInfo(i Info) Info {
	for k, v := range i.Knobs {
		if len(v) == 0 {
			i.Knobs[k] = nil
		}
	}
	return i
}

// FuzzParseNames reads a name as each kind of name on the wire: a TLP
// kind, a step kind, a timer, an event kind. A name that reads prints back
// as itself; an error quotes the name.
func FuzzParseNames(f *testing.F) {
	for _, s := range []string{"CfgRd", "CfgWr", "MRd", "MWr", "MsiX", "fetch", "execute", "complete", "admin",
		"finish-flr", "finish-reset", "deliver-held", "flr", "pm", "tlp", "timer", "step", "backend", "", "FLR", "fetch\x00"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		check := func(what string, name string, err error) {
			if err != nil {
				assert.Contains(t, err.Error(), what+" "+strconv.Quote(s))
				return
			}
			assert.Equal(t, s, name, what)
		}
		k, err := parseTLPKind(s)
		check("TLP kind", k.String(), err)
		st, err := parseStepKind(s)
		check("step kind", st.String(), err)
		tm, err := parseTimer(s)
		check("timer", tm.String(), err)
		ev, err := parseEventKind(s)
		check("event kind", ev.String(), err)
	})
}
