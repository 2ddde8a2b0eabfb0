package extdevice

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"slices"

	"github.com/migsim/migsim/conformance/extdevice/wire"
	"github.com/migsim/migsim/member"
	"github.com/migsim/migsim/spec"
)

// Info is what a device declares in its hello: a name for reports, the
// editions it implements and, per knob, the values it implements (a knob
// it does not list is implemented at the edition's default value only),
// and its device type: TypeNet, or "" (TypeBlk) for virtio-blk.
type Info struct {
	Name     string
	Editions []spec.Edition
	Knobs    map[string][]string
	Type     string
}

// AllKnobs lists every value of every knob: a device that reads its
// member.Config.Rules, as the reference core does, implements them all.
func AllKnobs() map[string][]string {
	m := make(map[string][]string, len(spec.Knobs))
	for _, k := range spec.Knobs {
		m[k.Name] = slices.Clone(k.Values)
	}
	return m
}

// Serve answers the kit's requests read from r on w with devices built by
// f, until r ends (nil) or the kit breaks the protocol (an error naming
// the message). Guest memory and the disk are reached through the kit: a
// device's member.Config.Mem and (for a config with a disk) Backing, a
// blk.Storage, send nested requests and wait for their answers. Serve is
// what an external device written in Go runs in its main (examples/extblk).
func Serve(r io.Reader, w io.Writer, f member.Factory, info Info) error {
	s := &server{in: bufio.NewReaderSize(r, MaxLine), out: bufio.NewWriter(w), f: f, info: info,
		devs: map[uint64]*served{}}
	return s.loop()
}

// server is one Serve: the devices it holds and the request in progress.
type server struct {
	in   *bufio.Reader
	out  *bufio.Writer
	f    member.Factory
	info Info
	devs map[uint64]*served
	// cur is the ID of the request being answered.
	cur uint64
	// capacity is the disk's capacity the current event carries.
	capacity uint64
}

type served struct {
	dev  member.Device
	disk *remoteDisk
	// net is a virtio-net device's network side, nil for any other.
	net *servedNet
}

// serveError is a protocol error of the kit; it unwinds a device's Handle
// from inside a nested request.
type serveError struct{ err error }

func (s *server) loop() (err error) {
	defer func() {
		if p := recover(); p != nil {
			se, ok := p.(serveError)
			if !ok {
				panic(p)
			}
			err = se.err
		}
	}()
	for {
		m, err := s.read()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return err
		}
		s.cur = m.ID
		if err := s.answer(m); err != nil {
			return fmt.Errorf("extdevice: serve: request %d (%s): %w", m.ID, m.Op, err)
		}
	}
}

// read reads one message; EOF at a line boundary is io.EOF.
func (s *server) read() (*Message, error) {
	line, err := readLine(s.in)
	if err != nil {
		return nil, err
	}
	return DecodeMessage(line)
}

func (s *server) write(m *Message) {
	if err := writeMessage(s.out, m); err != nil {
		panic(serveError{fmt.Errorf("extdevice: serve: write %s: %w", m.Op, err)})
	}
}

func (s *server) answer(m *Message) error {
	switch m.Op {
	case OpHello:
		if m.Protocol != ProtocolVersion {
			return fmt.Errorf("kit speaks protocol %d, this device %d", m.Protocol, ProtocolVersion)
		}
		hello := &Message{ID: m.ID, Op: OpHello, Protocol: ProtocolVersion}
		infoToWire(hello, s.info)
		s.write(hello)
	case OpNew:
		for _, id := range m.Drop {
			delete(s.devs, id)
		}
		c, err := ConfigFromWire(m.Config)
		if err != nil {
			return err
		}
		sv := &served{}
		c.Mem = remoteMem{s}
		if m.Config.Disk != nil {
			sv.disk = &remoteDisk{s: s, serial: m.Config.Disk.Serial}
			s.capacity = m.Config.Disk.Capacity
			c.Backing = sv.disk
		}
		var before []uint64
		if m.Config.Net != nil {
			if sv.net, err = newServedNet(m.Config.Net); err != nil {
				return err
			}
			c.Backing, before = sv.net.port, sv.net.held()
		}
		sv.dev = s.f(c)
		s.devs[m.Dev] = sv
		ready := s.state(&Message{ID: m.ID, Op: OpReady}, sv.dev)
		if sv.net != nil {
			ready.Wire = sv.net.report(before)
		}
		s.write(ready)
	case OpEvent:
		sv, ok := s.devs[m.Dev]
		if !ok {
			return fmt.Errorf("no device %d", m.Dev)
		}
		ev, err := EventFromWire(m.Event)
		if err != nil {
			return err
		}
		if m.Capacity != nil {
			s.capacity = *m.Capacity
		}
		var before []uint64
		if m.Port != nil {
			if sv.net == nil {
				return fmt.Errorf("port: device %d has no network side (its new had no config.net)", m.Dev)
			}
			if err := sv.net.arrive(m.Port); err != nil {
				return err
			}
		}
		if sv.net != nil {
			before = sv.net.held()
		}
		fx := sv.dev.Handle(ev)
		out := &Message{ID: m.ID, Op: OpEffects}
		EffectsToWire(out, fx)
		if sv.net != nil {
			out.Wire = sv.net.report(before)
		}
		s.write(s.state(out, sv.dev))
	default:
		return fmt.Errorf("unexpected op %q", m.Op)
	}
	return nil
}

// state adds the device's status and context digest to a reply: the kit
// answers Status and ContextDigest from the last reply, without asking.
func (s *server) state(m *Message, d member.Device) *Message {
	m.Status = StatusToWire(d.Status())
	dg := Hex64(d.ContextDigest())
	m.Digest = &dg
	return m
}

// post writes a message that has no answer, without flushing: it leaves
// with the next message that needs one.
func (s *server) post(m *Message) {
	m.ID = s.cur
	if _, err := s.out.Write(append(wire.Append(s.out.AvailableBuffer(), m), '\n')); err != nil {
		panic(serveError{fmt.Errorf("extdevice: serve: write %s: %w", m.Op, err)})
	}
}

// nested sends a request of the device and returns the kit's answer,
// which must have op want.
func (s *server) nested(req *Message, want string) *Message {
	req.ID = s.cur
	s.write(req)
	m, err := s.read()
	if err != nil {
		panic(serveError{fmt.Errorf("extdevice: serve: answer to %s: %w", req.Op, err)})
	}
	if m.ID != s.cur || m.Op != want {
		panic(serveError{fmt.Errorf("extdevice: serve: answer to %s of request %d: got %s of request %d, want %s", req.Op, s.cur, m.Op, m.ID, want)})
	}
	return m
}
